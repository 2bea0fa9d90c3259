"""Answers going out by e-mail, through Django's e-mail backend (SMTP from EMAIL_URL in
production; the console or locmem elsewhere).

Each answer is threaded as mail clients thread: `In-Reply-To` the message it answers,
`References` that message's references and itself, the incident number in the subject
("Re: VPN drops [INC0000042]"), from the desk's address. An acknowledgement is an automatic
answer and says so (`Auto-Submitted: auto-replied`, RFC 3834), so the people's own
autoresponders leave it alone.

Never sent twice: the Message-ID is chosen from the outbox message before the attempt, so
every attempt of one answer is the same mail. Whether a failed attempt may have reached the
mail server is known from how far the SMTP conversation got: a failure before the message's
data was handed over (connecting, logging in, MAIL FROM, RCPT TO) sent nothing, and the answer
is simply retried; a failure once the data went out (no answer to the final dot) may have been
delivered (`OutcomeUnknown`): the outbox does not send it again, the agent is told to check.
"""

import hashlib
import re
import smtplib
from collections.abc import Callable
from contextlib import suppress
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from ..errors import OutcomeUnknown, Rejected, TemporaryFailure
from ..events import Kind
from ..models import SocialAccount, SocialMessage
from . import CHANNEL
from .inbound import _INCIDENT_NUMBER, _REPLY_PREFIX, domain_of

_BRACKETED_NUMBER = re.compile(r"\s*\[INC\d{7,9}\]\s*")
SUBJECT_LENGTH = 160


def message_id(account: SocialAccount, message: SocialMessage) -> str:
    """The answer's Message-ID (without brackets): the same for every attempt of one message,
    at the desk's own domain (which `inbound` knows again when the mail comes back)."""
    seed = f"{account.external_id}|{message.pk}|{message.created_at.isoformat()}"
    return f"desk.{hashlib.sha256(seed.encode()).hexdigest()[:32]}@{domain_of(account.external_id) or 'localhost'}"


def _answered_raw(replying_to: SocialMessage | None) -> dict:
    raw = replying_to.raw if replying_to is not None else None
    return raw if isinstance(raw, dict) else {}


def recipient(message: SocialMessage, replying_to: SocialMessage | None) -> str:
    """Where the answer goes: the Reply-To (else From) of the mail it answers, else the
    person's address."""
    address = _answered_raw(replying_to).get("reply_to") or ""
    if not address and message.identity_id and message.identity:
        address = message.identity.handle
    return str(address).strip()


def desk_addresses() -> set[str]:
    return {
        address.lower()
        for address in SocialAccount.objects.filter(channel=CHANNEL).values_list("external_id", flat=True)
    }


def rule_violation(*, account: SocialAccount, message: SocialMessage, replying_to, last_inbound_at=None) -> str:
    """Why this answer must not go; "" when it may."""
    if not message.text.strip():
        return "There is nothing to send."
    if message.kind != Kind.DM:
        return f"The desk answers an e-mail by e-mail, not by {message.get_kind_display().lower()}."
    to = recipient(message, replying_to)
    if not to or "@" not in to:
        return "There is no address to send this answer to."
    if to.lower() in desk_addresses() | {account.external_id.lower()}:
        return "The desk does not send mail to its own address."
    if replying_to is not None and replying_to.deleted:
        return "That mail was deleted; there is nobody to answer."
    return ""


def subject(message: SocialMessage, replying_to: SocialMessage | None) -> str:
    """ "Re: " the subject answered, with the incident's number."""
    said = str(_answered_raw(replying_to).get("subject") or "")
    said = _BRACKETED_NUMBER.sub(" ", _REPLY_PREFIX.sub("", said)).strip()
    number = message.incident.number if message.incident_id else ""
    if number and _INCIDENT_NUMBER.search(said):
        said = _INCIDENT_NUMBER.sub("", said).strip()
    said = said[:SUBJECT_LENGTH] or "Your request"
    return f"Re: {said} [{number}]" if number else f"Re: {said}"


def build(*, account: SocialAccount, message: SocialMessage, replying_to: SocialMessage | None) -> EmailMessage:
    raw = _answered_raw(replying_to)
    headers = raw.get("headers") if isinstance(raw.get("headers"), dict) else {}
    answered_id = str(headers.get("Message-ID") or "").strip()
    references = " ".join(part for part in (str(headers.get("References") or "").strip(), answered_id) if part)
    extra = {"Message-ID": f"<{message_id(account, message)}>"}
    if answered_id:
        extra["In-Reply-To"] = answered_id
    if references:
        extra["References"] = references
    if not message.comment_id:
        # No agent wrote it: an acknowledgement, an automatic answer (RFC 3834).
        extra["Auto-Submitted"] = "auto-replied"
        extra["X-Auto-Response-Suppress"] = "All"
    return EmailMessage(
        subject=subject(message, replying_to),
        body=message.text.strip() + "\n",
        from_email=formataddr((settings.EMAIL_DESK_NAME, account.external_id)),
        to=[recipient(message, replying_to)],
        headers=extra,
    )


def send(*, account: SocialAccount, message: SocialMessage) -> list[str]:
    if message.parts:
        return [str(part) for part in message.parts]
    replying_to = (
        SocialMessage.objects.filter(channel=CHANNEL, external_id=message.in_reply_to).first()
        if message.in_reply_to
        else None
    )
    mail = build(account=account, message=message, replying_to=replying_to)
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:
        raise TemporaryFailure(f"The mail server could not be reached: {error}") from error
    handed_over = _watch_data(connection)
    try:
        connection.send_messages([mail])
    except smtplib.SMTPRecipientsRefused as error:
        raise Rejected(f"The mail server refused the address: {_refusals(error)}") from error
    except smtplib.SMTPResponseException as error:  # MAIL FROM or DATA answered with an error
        said = f"{error.smtp_code} {_text(error.smtp_error)}"
        if error.smtp_code >= 500:
            raise Rejected(f"The mail server refused the answer: {said}") from error
        raise TemporaryFailure(f"The mail server deferred the answer: {said}") from error
    except (OSError, smtplib.SMTPException) as error:
        if handed_over():
            raise OutcomeUnknown(
                f"The mail server did not confirm the answer: {error or type(error).__name__}"
            ) from error
        raise TemporaryFailure(f"The mail server failed before the answer was handed over: {error}") from error
    finally:
        with suppress(Exception):  # closing a broken connection: nothing more to learn
            connection.close()
    return [message_id(account, message)]


def _watch_data(connection) -> Callable[[], bool]:
    """Whether the SMTP DATA command was started on `connection` (Django's SMTP backend keeps
    smtplib's client as `connection.connection`); other backends deliver in-process."""
    started = {"data": False}
    smtp = getattr(connection, "connection", None)
    if isinstance(smtp, smtplib.SMTP):
        original = smtp.data

        def data(msg):
            started["data"] = True
            return original(msg)

        smtp.data = data
    return lambda: started["data"]


def _text(said: bytes | str) -> str:
    return said.decode(errors="replace") if isinstance(said, bytes) else str(said)


def _refusals(error: smtplib.SMTPRecipientsRefused) -> str:
    return "; ".join(f"{address}: {code} {_text(said)}" for address, (code, said) in error.recipients.items())


def find_sent(*, account: SocialAccount, message: SocialMessage) -> list[str] | None:
    """A mail server cannot be asked what it delivered."""
    return None
