"""What the notifications API gives, as `ParsedEvent`s.

A notification is `{id, type, created_at, account, status}`. `mention` (someone's status names
the desk) becomes the status's message; `update` (a status the desk has met was edited) its
edit; every other type is stored and ignored with the reason. Parsing never touches the
database; a notification that is not what Mastodon sends raises `InvalidPayload`, and the poll
keeps it, ignored, with that reason, while the rest of the page goes on.

People are known by their full address, `user@domain`: Mastodon's account ids are the
instance's own (the same person has another id on every instance), and an address read on
one instance is the same everywhere. The instance gives its own users' addresses without the
domain (`acct: "jess"`); the domain is the desk account's (`desk@domain`).

Threads: a status answers `in_reply_to_id`; a direct status (a DM) has no conversation id in
the API, so its thread is the people in it, as Mastodon's own conversations are.
"""

import hashlib
import json
import re
from typing import Any

from ..events import Action, InvalidPayload, Kind, Medium, ParsedEvent
from ..payloads import id_at, list_at, object_at, optional_id_at, optional_text_at, text_at, time_at
from . import CHANNEL
from .text import html_to_text

# Snowflakes on Mastodon ("117020577157693549"); letters and digits elsewhere (Pleroma, Akkoma).
_ID = re.compile(r"[0-9A-Za-z]{1,40}")
_ACCT = re.compile(r"[^\s@]{1,100}(@[^\s@]{1,200})?")

IGNORED = {
    "favourite": "favourite",
    "reblog": "boost",
    "follow": "follow",
    "follow_request": "follow request",
    "poll": "poll ended",
    "status": "status of an account the desk follows",
    "admin.sign_up": "sign-up on the instance",
    "admin.report": "report on the instance",
    "severed_relationships": "relationships severed",
    "moderation_warning": "moderation warning",
    "quote": "quote",
    "annual_report": "annual report",
}


def full_address(acct: str, *, domain: str) -> str:
    """`jess` on the desk's instance is `jess@<domain>`; remote addresses are already whole."""
    acct = acct.lstrip("@")
    return acct if "@" in acct or not domain else f"{acct}@{domain}"


def desk_domain(account_id: str) -> str:
    return account_id.rsplit("@", 1)[1] if "@" in account_id else ""


def events_from_notifications(notifications: Any, *, account_id: str) -> list[ParsedEvent]:
    """One page of `GET /api/v1/notifications`. A malformed notification becomes an ignored
    event saying what is wrong, so one bad item loses none of the others."""
    events = []
    for index, notification in enumerate(list_at(notifications, "notifications")):
        where = f"notifications[{index}]"
        try:
            events.append(notification_event(notification, account_id=account_id, where=where))
        except InvalidPayload as error:
            events.append(_ignored(notification, account_id=account_id, reason=f"Malformed notification: {error}"))
    return events


def notification_event(notification: Any, *, account_id: str, where: str = "notification") -> ParsedEvent:
    notification = object_at(notification, where)
    kind = text_at(notification.get("type"), f"{where}.type")
    if kind == "mention":
        return status_event(notification.get("status"), account_id=account_id, where=f"{where}.status")
    if kind == "update":
        return status_edit_event(notification.get("status"), account_id=account_id, where=f"{where}.status")
    notification_id = id_at(notification.get("id"), f"{where}.id", pattern=_ID)
    return _ignored(
        notification,
        account_id=account_id,
        reason=IGNORED.get(kind, f"unknown notification type {kind}"),
        key=f"notification:{notification_id}",
    )


def status_event(status: Any, *, account_id: str, where: str = "status") -> ParsedEvent:
    """A status naming the desk (or the desk's own), as the desk's message."""
    status = object_at(status, where)
    domain = desk_domain(account_id)
    status_id = id_at(status.get("id"), f"{where}.id", pattern=_ID)
    author = object_at(status.get("account"), f"{where}.account")
    author_address = full_address(_acct(author.get("acct"), f"{where}.account.acct"), domain=domain)
    mentions = {}
    for index, mention in enumerate(list_at(status.get("mentions") or [], f"{where}.mentions")):
        mention = object_at(mention, f"{where}.mentions[{index}]")
        address = full_address(_acct(mention.get("acct"), f"{where}.mentions[{index}].acct"), domain=domain)
        mentions[optional_text_at(mention.get("url"), f"{where}.mentions[{index}].url")] = address
    visibility = optional_text_at(status.get("visibility"), f"{where}.visibility") or "public"
    in_reply_to = optional_id_at(status.get("in_reply_to_id"), f"{where}.in_reply_to_id", pattern=_ID)
    if visibility == "direct":
        kind = Kind.DM
        people = sorted({author_address, *mentions.values()} - {account_id})
        thread_key = "dm:" + " ".join(people)
    else:
        kind = Kind.REPLY if in_reply_to else Kind.MENTION
        thread_key = in_reply_to or status_id
    if len(thread_key) > 100:  # a crowd in one DM: a stable key that fits
        thread_key = "dm:" + hashlib.blake2b(thread_key.encode(), digest_size=16).hexdigest()
    text = html_to_text(text_at(status.get("content", ""), f"{where}.content"), mentions={**mentions})
    spoiler = optional_text_at(status.get("spoiler_text"), f"{where}.spoiler_text")
    return ParsedEvent(
        channel=CHANNEL,
        account_id=account_id,
        external_id=status_id,
        action=Action.CREATE,
        kind=kind,
        author_id=author_address,
        author_handle=f"@{author_address}",
        author_name=optional_text_at(author.get("display_name"), f"{where}.account.display_name")
        or optional_text_at(author.get("username"), f"{where}.account.username"),
        text=f"[{spoiler}] {text}" if spoiler else text,
        created_at=time_at(status.get("created_at"), f"{where}.created_at"),
        in_reply_to=in_reply_to,
        thread_key=thread_key,
        url=optional_text_at(status.get("url"), f"{where}.url") or optional_text_at(status.get("uri"), f"{where}.uri"),
        # Every status the notifications API gives names the desk (or is the desk's own).
        mentions_account=True,
        raw=status,
        media=_media(status.get("media_attachments")),
    )


def status_edit_event(status: Any, *, account_id: str, where: str = "status") -> ParsedEvent:
    """A status as it stands after an edit (an `update` notification, the stream's
    `status.update`): the desk's copies follow it."""
    event = status_event(status, account_id=account_id, where=where)
    event.action = Action.EDIT
    event.created_at = time_at(event.raw.get("edited_at"), f"{where}.edited_at") or event.created_at
    return event


def status_deletion_event(status_id: Any, *, account_id: str, thread_key: str = "") -> ParsedEvent:
    """A status deleted at the source (the stream's `delete`, which carries only its id):
    every copy is redacted, the record that it existed kept. `thread_key`: the thread the desk
    filed it under, so the deletion is handled after the status itself."""
    status_id = id_at(status_id, "delete", pattern=_ID)
    return ParsedEvent(
        channel=CHANNEL,
        account_id=account_id,
        external_id=status_id,
        action=Action.DELETE,
        thread_key=thread_key,
        raw={"id": status_id},
    )


def _media(attachments: Any) -> list[Medium]:
    """A status's media attachments at their instance's address (`remote_url` when the
    instance only proxies another's, and has not fetched it)."""
    media = []
    for attachment in attachments if isinstance(attachments, list) else []:
        if not isinstance(attachment, dict):
            continue
        url = attachment.get("url") or attachment.get("remote_url")
        kind = attachment.get("type") if isinstance(attachment.get("type"), str) else ""
        if isinstance(url, str) and url.startswith(("https://", "http://")) and kind != "unknown":
            media.append(Medium.at(url, kind=kind))
    return media


def _acct(value: Any, where: str) -> str:
    acct = text_at(value, where).lstrip("@")
    if not _ACCT.fullmatch(acct):
        raise InvalidPayload(f"{where} is not a Mastodon address: {value!r}.")
    return acct.casefold()


def _ignored(item: Any, *, account_id: str, reason: str, key: str = "") -> ParsedEvent:
    if not key:
        digest = hashlib.blake2b(json.dumps(item, sort_keys=True, default=str).encode(), digest_size=10).hexdigest()
        key = f"notification:{digest}"
    return ParsedEvent(
        channel=CHANNEL,
        account_id=account_id,
        external_id=key,
        action=Action.IGNORE,
        kind=Kind.OTHER,
        ignore_reason=reason[:500],
        raw=item if isinstance(item, dict) else {"value": item},
    )
