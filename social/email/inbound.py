"""A raw RFC 5322 message as a `ParsedEvent`, read by the standard library (`email`, with
`policy.default`): any charset and transfer encoding, RFC 2047 headers, raw UTF-8 headers,
multiparts that never close. Parsing never touches the database.

- The Message-ID is the external id (a redelivery, or the same mail by webhook and by IMAP,
  is stored once); a mail without one gets a digest of its bytes.
- Threading: `In-Reply-To` is the message it answers; `References`, nearest first, are the
  others it may continue; the first reference (the conversation's root) is its thread; an
  incident number in the subject ([INC0000042]) is the last resort (`social.inbox.batch`
  honours it only from the incident's reporter).
- The text is the new words: quoted text and signatures are trimmed from a reply
  (`text.new_words`); an HTML-only mail is made plain text. `raw` keeps the headers, the whole
  body, what is attached, and the full message as it came.
- Auto-replies, bounces and list mail (`loops`), and the desk's own mail coming back, are
  ignored with the reason: they open nothing and are never answered.
"""

import base64
import hashlib
import mimetypes
import re
from datetime import UTC, datetime
from email import policy
from email.errors import HeaderParseError, MessageError
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from ..events import Action, InvalidPayload, Kind, ParsedEvent
from . import CHANNEL
from .loops import noise_reason
from .text import html_to_text, new_words, tidy

_MESSAGE_ID = re.compile(r"<([^<>\s]{1,900})>")
_INCIDENT_NUMBER = re.compile(r"\b(INC\d{7,9})\b")
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|vs|antw|ref|réf|rif|odp|fw|fwd|wg)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_FORWARD_PREFIX = re.compile(r"^\s*(fw|fwd|wg|tr|rv)\s*:", re.IGNORECASE)
# The desk's own Message-IDs (`outbound.message_id`): desk.<hex>@<the desk's domain>.
DESK_MESSAGE_ID = re.compile(r"^desk\.[0-9a-f]{16,64}@(?P<domain>[^@\s]+)$")
# What SocialMessage and SocialIdentity can hold; longer ids are kept as a digest.
ID_LENGTH = 100
ADDRESS_LENGTH = 64
_parser = BytesParser(policy=policy.default)


def message_key(message_id: str) -> str:
    """A Message-ID as the desk keeps it: without its angle brackets, a digest if too long."""
    message_id = message_id.strip().strip("<>").strip()
    if len(message_id) <= ID_LENGTH:
        return message_id
    return "h." + hashlib.blake2b(message_id.encode("utf-8", "surrogateescape"), digest_size=24).hexdigest()


def message_ids(value: str) -> list[str]:
    """The Message-IDs in a References or In-Reply-To header, in order, as keys."""
    found = _MESSAGE_ID.findall(value or "")
    if not found and value and value.strip() and " " not in value.strip():
        found = [value.strip()]  # a bare id without brackets, as some clients write
    return list(dict.fromkeys(message_key(item) for item in found))


def address_key(address: str) -> str:
    """A sender's address as a person's id at the desk (lower case; a digest if too long)."""
    address = address.strip().lower()
    if len(address) <= ADDRESS_LENGTH:
        return address
    return "h." + hashlib.blake2b(address.encode(), digest_size=20).hexdigest()


def domain_of(address: str) -> str:
    return address.rsplit("@", 1)[1].lower() if "@" in address else ""


def parse_message(raw: bytes) -> EmailMessage:
    if not isinstance(raw, bytes | bytearray) or not raw.strip():
        raise InvalidPayload("The body must be a raw e-mail message (RFC 5322); it is empty.")
    try:
        message = _parser.parsebytes(bytes(raw))
    except (MessageError, ValueError, TypeError, IndexError) as error:
        raise InvalidPayload(f"Not an e-mail message: {error}.") from None
    if not message.keys():
        raise InvalidPayload("Not an e-mail message: no header was found.")
    return message


def header(message: EmailMessage, name: str) -> str:
    """A header's decoded text ("" when absent); a header too broken to decode, as it came."""
    try:
        value = message.get(name)
        return str(value or "").strip()
    except (HeaderParseError, ValueError, IndexError, AttributeError, TypeError):
        raw = [str(v) for key, v in message.raw_items() if key.lower() == name.lower()]
        return (raw[0] if raw else "").strip()


def _addresses(message: EmailMessage, name: str) -> list[tuple[str, str]]:
    """(display name, address) of each address in a header (From, To, Reply-To...)."""
    try:
        value = message.get(name)
        found = [(a.display_name, a.addr_spec) for a in getattr(value, "addresses", ())]
    except (HeaderParseError, ValueError, IndexError, AttributeError, TypeError):
        found = []
    if not found:  # a header the policy cannot read: its raw text, the classic way
        raw = [str(v) for key, v in message.raw_items() if key.lower() == name.lower()]
        found = getaddresses(raw)
    return [(display, address) for display, address in found if "@" in address]


def body_text(message: EmailMessage) -> str:
    """The mail's text: its plain part, else its HTML part made text."""
    for preference in (("plain",), ("html",)):
        try:
            part = message.get_body(preferencelist=preference)
        except (KeyError, ValueError, AttributeError):
            part = None
        if part is None:
            continue
        content = _content(part)
        if part.get_content_subtype() == "html":
            content = html_to_text(content)
        content = tidy(content)
        if content:
            return content
    if not message.is_multipart() and message.get_content_maintype() == "text":
        return tidy(_content(message))
    return ""


def _content(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError, KeyError):
        # An unknown or lying charset: the bytes as UTF-8, else Latin-1, never an error.
        payload = part.get_payload(decode=True) or b""
        try:
            content = payload.decode("utf-8")
        except UnicodeDecodeError:
            content = payload.decode("latin-1")
    return content if isinstance(content, str) else ""


def attachments(message: EmailMessage) -> list[dict]:
    """What the mail carries beside its text: name, type and size of each part."""
    found = []
    for part in message.iter_attachments() if message.is_multipart() else []:
        try:
            payload = part.get_payload(decode=True) or b""
        except (ValueError, AssertionError):
            payload = b""
        found.append(
            {
                "filename": part.get_filename() or "",
                "content_type": part.get_content_type(),
                "size": len(payload),
            }
        )
    return found


def attached_files(message: EmailMessage) -> list[tuple[str, bytes]]:
    """(name, bytes) of each file the mail carries (a part without a name gets one)."""
    found = []
    for index, part in enumerate(message.iter_attachments() if message.is_multipart() else [], start=1):
        try:
            payload = part.get_payload(decode=True)
        except (ValueError, AssertionError):
            payload = None
        if not isinstance(payload, bytes) or not payload:
            continue  # a forwarded message/rfc822 part, or an empty one
        name = part.get_filename() or f"attachment-{index}{_ending(part.get_content_type())}"
        found.append((name, payload))
    return found


def _ending(content_type: str) -> str:
    return mimetypes.guess_extension(content_type) or ".bin"


def raw_message(raw: dict) -> bytes:
    """The message as it came, from what `events_from_message` keeps in `raw`."""
    if raw.get("source_base64"):
        return base64.b64decode(raw["source_base64"])
    return str(raw.get("source") or "").encode("utf-8")


def _created_at(message: EmailMessage) -> datetime | None:
    date = header(message, "Date")
    if not date:
        return None
    try:
        when = parsedate_to_datetime(date)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _source(raw: bytes) -> dict:
    """The message exactly as it came: as text when it is UTF-8 (nearly all), else base64."""
    try:
        text = raw.decode("utf-8")
        if "\x00" not in text:
            return {"source": text}
    except UnicodeDecodeError:
        pass
    return {"source_base64": base64.b64encode(raw).decode("ascii")}


def events_from_message(raw: bytes, *, account_id: str) -> list[ParsedEvent]:
    """One raw message delivered to the desk at `account_id` (its address). Raises
    `InvalidPayload` when `raw` is not an e-mail message."""
    message = parse_message(raw)
    senders = _addresses(message, "From")
    if not senders:
        _, fallback = parseaddr(header(message, "From") or header(message, "Sender"))
        if "@" not in fallback:
            raise InvalidPayload("The message has no From address.")
        senders = [("", fallback)]
    display_name, sender = senders[0]
    reply_to = (_addresses(message, "Reply-To") or [(display_name, sender)])[0]
    own_ids = message_ids(header(message, "Message-ID"))
    external_id = own_ids[0] if own_ids else "nomid." + hashlib.blake2b(bytes(raw), digest_size=20).hexdigest()
    replying_to = message_ids(header(message, "In-Reply-To"))
    in_reply_to = replying_to[0] if replying_to else ""
    references = message_ids(header(message, "References"))
    nearest_first = [key for key in reversed(references) if key != in_reply_to and key != external_id]
    thread_key = references[0] if references else (in_reply_to or external_id)
    subject = header(message, "Subject")
    body = body_text(message)
    # What a forward carries is the point of it: only a reply is trimmed.
    is_reply = bool(in_reply_to or references or _REPLY_PREFIX.match(subject)) and not _FORWARD_PREFIX.match(subject)
    text = new_words(body) if is_reply else body
    numbers = _INCIDENT_NUMBER.findall(subject)
    raw_record = {
        "message_id": external_id,
        # As written, for the answer's In-Reply-To and References (the keys above may be digests).
        "headers": {name: header(message, name) for name in ("Message-ID", "In-Reply-To", "References")},
        "from": f"{display_name} <{sender}>" if display_name else sender,
        "reply_to": reply_to[1],
        "reply_to_name": reply_to[0],
        "to": [address for _, address in _addresses(message, "To")],
        "cc": [address for _, address in _addresses(message, "Cc")],
        "subject": subject,
        "date": header(message, "Date"),
        "in_reply_to": in_reply_to,
        "references": references,
        "body": body,
        "attachments": attachments(message),
        **_source(bytes(raw)),
    }
    event = ParsedEvent(
        channel=CHANNEL,
        account_id=account_id,
        external_id=external_id,
        action=Action.CREATE,
        kind=Kind.DM,
        author_id=address_key(sender),
        author_handle=sender[:100],
        author_name=display_name or sender.split("@")[0],
        title=_REPLY_PREFIX.sub("", subject).strip(),
        text=text
        or (f"(no text: {len(raw_record['attachments'])} attachment(s))" if raw_record["attachments"] else ""),
        created_at=_created_at(message),
        in_reply_to=in_reply_to,
        references=nearest_first,
        thread_key=thread_key,
        names_incident=numbers[-1] if numbers else "",
        mentions_account=True,
        raw=raw_record,
    )
    reason = noise_reason(message, subject=subject)
    own = DESK_MESSAGE_ID.match(external_id)
    if not reason and own and own["domain"] == domain_of(account_id) and address_key(sender) != account_id:
        reason = "The desk's own message came back."
    if reason:
        event.action = Action.IGNORE
        event.kind = Kind.OTHER
        event.ignore_reason = reason
    return [event]


def ignored_unreadable(raw: bytes, *, account_id: str, reason: str, key: str) -> ParsedEvent:
    """A message from a mailbox that is not an e-mail message at all: kept, ignored, with why,
    so the mails beside it go on."""
    return ParsedEvent(
        channel=CHANNEL,
        account_id=account_id,
        external_id=key,
        action=Action.IGNORE,
        kind=Kind.OTHER,
        ignore_reason=reason[:500],
        raw=_source(bytes(raw)),
    )
