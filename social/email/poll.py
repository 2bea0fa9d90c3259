"""Reading new mail from an IMAP mailbox (the account's IMAP URL: EMAIL_IMAP_URL,
`imaps://user:password@host/INBOX`; `imap://` for a server without TLS, as on a test box).

The cursor is IMAP's own: the folder's UIDVALIDITY and the highest UID stored
("<uidvalidity>:<uid>"). UIDs only grow while UIDVALIDITY stays; when the server changes it
(the folder was rebuilt), the folder is read again from its start, and the Message-IDs make
what was stored already a duplicate that is dropped. The folder is opened read-only: the desk
changes nothing in the mailbox, no flag, no move.

Store first, then work: each chunk of messages is stored (`inbound_store`) and only then does
the cursor move past it, so a poll cut short reads them again. A message that is not mail, or
too large, is stored ignored with the reason, so the good ones beside it go on.
"""

import logging
import ssl
from contextlib import suppress
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.utils import timezone
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from ..events import InvalidPayload, ParsedEvent
from ..inbox.store import inbound_store
from ..models import SocialAccount
from .inbound import events_from_message, ignored_unreadable

logger = logging.getLogger(__name__)

TIMEOUT = 20  # seconds for the connection and each command
CHUNK = 50  # messages fetched, and stored, at a time
MAX_MESSAGES = 1000  # a poll reads this many at most; the rest on the next one
# The first poll of a mailbox reads its latest messages only: a year of old mail should not
# all become incidents.
FIRST_POLL = 50


class MailboxURLInvalid(ValueError):
    pass


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    tls: bool
    username: str
    password: str
    folder: str


def mailbox(url: str) -> Mailbox:
    """`imaps://user:password@host[:port]/FOLDER` read; `MailboxURLInvalid` with why."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("imap", "imaps"):
        raise MailboxURLInvalid(f"The mailbox URL must start with imaps:// (or imap://), not {parts.scheme or '?'}://.")
    if not parts.hostname or not parts.username:
        raise MailboxURLInvalid("The mailbox URL must name the user and the host: imaps://user:password@host/INBOX.")
    tls = parts.scheme == "imaps"
    try:
        port = parts.port or (993 if tls else 143)
    except ValueError as error:
        raise MailboxURLInvalid(f"The mailbox URL's port is not a number: {error}.") from None
    return Mailbox(
        host=parts.hostname,
        port=port,
        tls=tls,
        username=unquote(parts.username),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
    )


def connect(box: Mailbox) -> IMAPClient:
    client = IMAPClient(box.host, port=box.port, ssl=box.tls, timeout=TIMEOUT, ssl_context=ssl.create_default_context())
    client.login(box.username, box.password)
    return client


def _cursor(value: str) -> tuple[int, int]:
    validity, _, uid = (value or "").partition(":")
    return (int(validity), int(uid)) if validity.isdigit() and uid.isdigit() else (0, 0)


def poll(*, account: SocialAccount) -> int:
    """Store the mail that arrived since the last poll; the number of new events."""
    if not account.password:
        return 0  # no mailbox: this address takes its mail by webhook only
    now = timezone.now()
    stored = 0
    try:
        box = mailbox(account.password)
        with _session(box) as client:
            selected = client.select_folder(box.folder, readonly=True)
            validity = int(selected.get(b"UIDVALIDITY", 0))
            uid_next = int(selected.get(b"UIDNEXT", 0) or 0)
            known_validity, last_uid = _cursor(account.poll_cursor)
            if known_validity != validity:
                first = not account.poll_cursor
                last_uid = max(uid_next - 1 - FIRST_POLL, 0) if first and uid_next else 0
            uids = sorted(uid for uid in client.search(["UID", f"{last_uid + 1}:*"]) if uid > last_uid)[:MAX_MESSAGES]
            for start in range(0, len(uids), CHUNK):
                chunk = uids[start : start + CHUNK]
                events = _read(client, chunk, account=account, validity=validity)
                stored += len(inbound_store(events=events, source="poll"))
                last_uid = chunk[-1]
                account.poll_cursor = f"{validity}:{last_uid}"
                account.save(update_fields=["poll_cursor"])
            account.poll_cursor = f"{validity}:{last_uid}"
    except (LoginError, MailboxURLInvalid) as error:
        account.token_error = f"The mailbox refused the desk: {error}"[:500]
        account.token_error_at = now
        account.save(update_fields=["token_error", "token_error_at"])
        logger.warning("%s: mail not polled: %s", account, error)
        return stored
    except (TimeoutError, IMAPClientError, OSError, ssl.SSLError) as error:
        logger.warning("%s: mail not polled: %s", account, error)
        return stored
    account.polled_at = now
    account.token_error, account.token_error_at = "", None
    account.save(update_fields=["poll_cursor", "polled_at", "token_error", "token_error_at"])
    return stored


class _session:
    """A logged-in client, logged out however the poll ends."""

    def __init__(self, box: Mailbox):
        self.box = box

    def __enter__(self) -> IMAPClient:
        self.client = connect(self.box)
        return self.client

    def __exit__(self, *exc):
        with suppress(Exception):  # the connection is going anyway
            self.client.logout()


def _read(client: IMAPClient, uids: list[int], *, account: SocialAccount, validity: int) -> list[ParsedEvent]:
    """The events of these messages, in UID order; one that cannot be read is kept ignored."""
    limit = settings.EMAIL_MAX_BYTES
    sizes = client.fetch(uids, ["RFC822.SIZE"])
    small = [uid for uid in uids if int(sizes.get(uid, {}).get(b"RFC822.SIZE", 0)) <= limit]
    bodies = client.fetch(small, ["BODY.PEEK[]"]) if small else {}
    events = []
    for uid in uids:
        key = f"imap.{validity}.{uid}@{account.external_id}"
        if uid not in small:
            size = int(sizes.get(uid, {}).get(b"RFC822.SIZE", 0))
            reason = f"Message {uid} of the mailbox is {size} bytes, over EMAIL_MAX_BYTES ({limit}): not read."
            events.append(ignored_unreadable(b"", account_id=account.external_id, reason=reason, key=key))
            continue
        raw = bodies.get(uid, {}).get(b"BODY[]") or b""
        try:
            events.extend(events_from_message(raw, account_id=account.external_id))
        except InvalidPayload as error:
            events.append(
                ignored_unreadable(raw, account_id=account.external_id, reason=f"Unreadable mail: {error}", key=key)
            )
    return events
