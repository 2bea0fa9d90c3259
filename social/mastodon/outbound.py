"""Answers going out on Mastodon: a reply status, in the person's visibility.

The reply names the status it answers (`in_reply_to_id`) and starts with the person's
address, so it reaches them and threads under their status; a direct status is answered
directly, a followers-only one followers-only, a public one publicly.

Never posted twice: each post carries an `Idempotency-Key` derived from the outbox message,
so the instance returns the first status for a repeated attempt (it keeps keys an hour);
past that hour `find_sent` looks for the answer among the account's own statuses.
"""

import hashlib
import re
from datetime import timedelta

from django.utils.dateparse import parse_datetime

from ..errors import TokenInvalid
from ..events import Kind
from ..models import SocialAccount, SocialMessage
from .client import client_for, plain, translated_errors
from .text import html_to_text

# Mastodon's default; an instance may allow more.
LIMIT = 500
# Mastodon counts every link as 23 characters, and a mention by its username alone.
LINK_LENGTH = 23
_LINK = re.compile(r"https?://\S+")
_MENTION = re.compile(r"(@[\w.-]+)@[\w.-]+\w")
VISIBILITIES = ("public", "unlisted", "private", "direct")
# How far find_sent reads back through the account's statuses.
FIND_SENT_PAGES = 3
CLOCK_SKEW = timedelta(minutes=5)


def counted_length(text: str) -> int:
    """The length Mastodon checks against its limit."""
    text = _MENTION.sub(r"\1", text)
    return len(_LINK.sub("x" * LINK_LENGTH, text))


def reply_text(message: SocialMessage) -> str:
    """The answer, starting with the person's address unless it names them already."""
    text = message.text.strip()
    handle = message.identity.handle if message.identity_id and message.identity else ""
    if handle and handle.casefold() not in text.casefold():
        text = f"{handle} {text}"
    return text


def rule_violation(*, account: SocialAccount, message: SocialMessage, replying_to, last_inbound_at=None) -> str:
    """Why the instance would refuse this answer; "" when it may go."""
    if not message.text.strip():
        return "There is nothing to send."
    if message.kind not in (Kind.REPLY, Kind.DM):
        return f"The desk answers on Mastodon by reply, not by {message.get_kind_display().lower()}."
    if not message.in_reply_to:
        return "A reply on Mastodon needs the status it answers."
    length = counted_length(reply_text(message))
    if length > LIMIT:
        return f"A Mastodon status holds {LIMIT} characters; this answer, with the person's address, has {length}."
    if replying_to is not None and replying_to.deleted:
        return "That status was deleted on Mastodon; it cannot be answered any more."
    return ""


def idempotency_key(account: SocialAccount, message: SocialMessage) -> str:
    """The same for every attempt of one message, different for every message of every desk."""
    seed = f"{account.base_url}|{account.external_id}|{message.pk}|{message.created_at.isoformat()}"
    return "servicedesk-" + hashlib.sha256(seed.encode()).hexdigest()[:40]


def visibility(message: SocialMessage) -> str:
    """The person's visibility: direct stays direct."""
    if message.kind == Kind.DM:
        return "direct"
    answered = (
        SocialMessage.objects.filter(channel=message.channel, external_id=message.in_reply_to)
        .values_list("raw", flat=True)
        .first()
    )
    found = answered.get("visibility") if isinstance(answered, dict) else None
    return found if found in VISIBILITIES else "public"


def send(*, account: SocialAccount, message: SocialMessage) -> list[str]:
    if message.parts:
        return [str(part) for part in message.parts]
    if not account.can_send:
        raise TokenInvalid(account.missing_credentials)
    api = client_for(account)
    with translated_errors(api, write=True):
        status = plain(
            api.status_post(
                reply_text(message),
                in_reply_to_id=message.in_reply_to,
                visibility=visibility(message),
                idempotency_key=idempotency_key(account, message),
            )
        )
    return [str(status["id"])]


def find_sent(*, account: SocialAccount, message: SocialMessage) -> list[str] | None:
    """The answer among the account's latest statuses (a reply to the same status, with the
    same words), [] if it is not there."""
    api = client_for(account)
    expected = " ".join(reply_text(message).split())
    since = message.created_at - CLOCK_SKEW
    with translated_errors(api):
        me = plain(api.account_verify_credentials())
        page = api.account_statuses(me["id"], exclude_reblogs=True, limit=40)
        for _ in range(FIND_SENT_PAGES):
            statuses = plain(page) or []
            for status in statuses:
                if str(status.get("in_reply_to_id") or "") != message.in_reply_to:
                    continue
                mentions = {m.get("url", ""): m.get("acct", "") for m in status.get("mentions") or []}
                said = " ".join(html_to_text(status.get("content", ""), mentions=mentions).split())
                if _same_words(said, expected):
                    return [str(status["id"])]
            oldest = parse_datetime(str(statuses[-1].get("created_at"))) if statuses else None
            if not statuses or (oldest is not None and oldest < since):
                return []
            page = api.fetch_next(page)
            if not page:
                return []
    return []


def _same_words(said: str, expected: str) -> bool:
    """The words after the leading addresses (the instance writes mentions its own way)."""

    def words(text: str) -> list[str]:
        found = text.casefold().split()
        while found and found[0].startswith("@"):
            found.pop(0)
        return found

    return words(said) == words(expected)
