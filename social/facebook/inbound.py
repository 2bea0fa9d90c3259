"""Facebook Page webhook deliveries → `ParsedEvent`s.

A delivery (`object: page`) carries one or more `entry[]`, one per page and moment; each has
`changes[]` (the page's feed: posts, comments, reactions..., and mentions of the page) and/or
`messaging[]` (Messenger). Every item becomes exactly one event: what the desk acts on (posts,
comments, Messenger messages and their edits, removals and hides), and everything else as
`Action.IGNORE` with the reason, so it is stored and nothing is silently dropped.

Two payload shapes exist for feed changes, and both arrive: older ones name the author with
`sender_id`/`sender_name`, newer ones with `from: {id, name}`. Ids come as strings or numbers.

What is not what Facebook sends — no entry list, an entry without an id, a comment without
its comment_id, a value of the wrong type — raises `InvalidPayload` (the webhook answers 400).
Things that are well-formed but unknown (a new field, a new item) are ignored, not refused:
Facebook disables a webhook that keeps failing.
"""

import hashlib
import json
from datetime import datetime
from typing import Any

from ..events import Action, InvalidPayload, Kind, Medium, ParsedEvent
from ..payloads import json_object, list_at, object_at, optional_id_at, optional_text_at, required_key_id, time_at
from . import CHANNEL

FACEBOOK_URL = "https://www.facebook.com/"

# Feed items that are somebody's post on the page (a status, a photo, a video...).
POST_ITEMS = frozenset({"post", "status", "photo", "video"})
# Feed items that are not messages to the desk, and why.
IGNORED_FEED_ITEMS = {
    "reaction": "a reaction, not a message",
    "like": "a like, not a message",
    "share": "a share of a link or post, not a message to the desk",
    "album": "an album; its photos arrive as posts of their own",
    "event": "an event listing, not a message",
}
VERB_ACTIONS = {
    "add": Action.CREATE,
    "edited": Action.EDIT,
    "edit": Action.EDIT,  # some items say "edit", most "edited"
    "remove": Action.DELETE,
    "hide": Action.HIDE,
}
IGNORED_VERBS = {
    "unhide": "unhidden by the page; nothing to do",
    "block": "a video moderation notice",
    "unblock": "a video moderation notice",
    "mute": "a video moderation notice",
    "unmute": "a video moderation notice",
}
# Messenger items that are not messages, and why.
IGNORED_MESSAGING = {
    "delivery": "a delivery receipt",
    "read": "a read receipt",
    "postback": "a button press (postback)",
    "reaction": "a reaction to a message",
    "optin": "an opt-in from a plugin",
    "referral": "a referral (a link or ad opened the conversation)",
    "account_linking": "an account linking event",
    "app_roles": "an app roles notice (handover protocol)",
    "pass_thread_control": "a thread control change (handover protocol)",
    "take_thread_control": "a thread control change (handover protocol)",
    "request_thread_control": "a thread control request (handover protocol)",
    "policy-enforcement": "a policy enforcement notice from Facebook",
    "checkout_update": "a payment checkout update",
    "payment": "a payment",
    "game_play": "a game event",
}


def parse_body(body: bytes) -> list[ParsedEvent]:
    """A webhook delivery's raw body: one JSON object."""
    return parse(json_object(body))


def parse(payload: dict) -> list[ParsedEvent]:
    """One event per change or messaging item, in delivery order."""
    if not isinstance(payload, dict):
        raise InvalidPayload("The delivery must be a JSON object.")
    obj = payload.get("object")
    if not isinstance(obj, str) or not obj:
        raise InvalidPayload("The delivery has no 'object' (Facebook sends 'page').")
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise InvalidPayload("The delivery has no 'entry' list.")
    events = []
    for index, entry in enumerate(entries):
        object_at(entry, f"entry[{index}]")
        if obj != "page":
            # Subscriptions of other objects (user, permissions...) are not the desk's.
            raw = {"object": obj, **entry}
            events.append(_ignored(raw, account_id=_optional_id(entry, "id"), reason=f"not a Page event ({obj!r})"))
            continue
        events.extend(_entry_events(entry, index=index))
    return events


def _entry_events(entry: dict, *, index: int) -> list[ParsedEvent]:
    page_id = required_key_id(entry, "id", where=f"entry[{index}]")
    entry_time = _entry_time(entry.get("time"), where=f"entry[{index}].time")
    events = []
    for key in ("changes", "messaging", "standby"):
        items = entry.get(key)
        if items is None:
            continue
        for position, item in enumerate(list_at(items, f"entry[{index}].{key}")):
            where = f"entry[{index}].{key}[{position}]"
            object_at(item, where)
            raw = {**item, "entry_id": page_id}
            if key == "changes":
                events.append(_change(item, page_id=page_id, raw=raw, entry_time=entry_time, where=where))
            elif key == "messaging":
                events.append(_messaging(item, page_id=page_id, raw=raw, entry_time=entry_time, where=where))
            else:
                # Delivered to us while another app (a bot, an inbox) owns the conversation.
                reason = "Messenger standby: another app owns this conversation (handover protocol)"
                events.append(_ignored(raw, account_id=page_id, reason=reason, created_at=entry_time))
    if not events:
        raw = {**entry, "entry_id": page_id}
        events.append(_ignored(raw, account_id=page_id, reason="unknown entry: no changes or messaging"))
    return events


# Feed changes ---------------------------------------------------------------------------


def _change(item: dict, *, page_id: str, raw: dict, entry_time: datetime | None, where: str) -> ParsedEvent:
    field = item.get("field")
    if not isinstance(field, str) or not field:
        raise InvalidPayload(f"{where} has no 'field'.")
    if field == "ratings":
        return _ignored(raw, account_id=page_id, reason="ratings: reviews are not handled", created_at=entry_time)
    if field not in ("feed", "mention"):
        return _ignored(raw, account_id=page_id, reason=f"unknown field {field!r}", created_at=entry_time)
    value = item.get("value")
    if not isinstance(value, dict):
        raise InvalidPayload(f"{where} ({field}) has no 'value' object.")
    item_type, verb = value.get("item"), value.get("verb")
    if not isinstance(item_type, str) or not isinstance(verb, str):
        reason = f"unknown {field} change without an item and a verb"
        return _ignored(raw, account_id=page_id, reason=reason, created_at=entry_time)
    label = f"{field} {item_type} {verb}"
    reason = ""
    if field == "feed" and item_type in IGNORED_FEED_ITEMS:
        reason = IGNORED_FEED_ITEMS[item_type]
    elif item_type != "comment" and item_type not in POST_ITEMS:
        reason = f"unknown {field} item {item_type!r}"
    elif verb in IGNORED_VERBS:
        reason = IGNORED_VERBS[verb]
    elif verb not in VERB_ACTIONS:
        reason = f"unknown verb {verb!r}"
    if reason:
        return _ignored(raw, account_id=page_id, reason=f"{label}: {reason}", created_at=entry_time)
    action = VERB_ACTIONS[verb]

    where = f"{where} ({label})"
    post_id = required_key_id(value, "post_id", where=where)
    author_id, author_name = _author(value, where=where)
    text = "" if action == Action.DELETE else optional_text_at(value.get("message"), f"{where}.message")
    created_at = parse_time(value.get("created_time"), where=f"{where}.created_time") or entry_time
    event = ParsedEvent(
        channel=CHANNEL,
        account_id=page_id,
        external_id=post_id,
        action=action,
        kind=Kind.POST,
        author_id=author_id,
        author_name=author_name,
        text=text,
        created_at=created_at,
        thread_key=post_id,
        url=post_url(post_id),
        # A mention is somebody naming the page in their own post or comment.
        mentions_account=field == "mention",
        raw=raw,
    )
    if item_type == "comment":
        comment_id = required_key_id(value, "comment_id", where=where)
        event.kind = Kind.COMMENT
        event.external_id = comment_id
        # A reply to a comment names that comment; a top-level one, the post.
        event.in_reply_to = _optional_id(value, "parent_id", where=where) or post_id
        event.url = post_url(comment_id)
    # The photo or video posted with a comment or a post.
    if action != Action.DELETE:
        event.media = [
            Medium.at(value[kind], kind=kind)
            for kind in ("photo", "video")
            if isinstance(value.get(kind), str) and value[kind].startswith("https://")
        ]
    return event


def _author(value: dict, *, where: str) -> tuple[str, str]:
    """(id, name) from `from: {id, name}` (newer payloads) or `sender_id`/`sender_name`."""
    sender = value.get("from")
    if sender is not None:
        object_at(sender, f"{where}.from")
        if sender.get("id") not in (None, ""):
            name = optional_text_at(sender.get("name"), f"{where}.from.name")
            return required_key_id(sender, "id", where=f"{where}.from"), name
    if value.get("sender_id") not in (None, ""):
        name = optional_text_at(value.get("sender_name"), f"{where}.sender_name")
        return required_key_id(value, "sender_id", where=where), name
    return "", ""


# Messenger ------------------------------------------------------------------------------


def _messaging(item: dict, *, page_id: str, raw: dict, entry_time: datetime | None, where: str) -> ParsedEvent:
    created_at = parse_time(item.get("timestamp"), milliseconds=True, where=f"{where}.timestamp") or entry_time
    message_edit = item.get("message_edit")
    message = item.get("message")
    if message is None and message_edit is None:
        for key, reason in IGNORED_MESSAGING.items():
            if key in item:
                return _ignored(raw, account_id=page_id, reason=f"Messenger: {reason}", created_at=created_at)
        keys = ", ".join(sorted(k for k in item if k not in ("sender", "recipient", "timestamp"))) or "none"
        return _ignored(raw, account_id=page_id, reason=f"unknown Messenger item (keys: {keys})", created_at=created_at)

    sender = _party(item, "sender", where=where)
    recipient = _party(item, "recipient", where=where)
    if not sender.get("id"):
        if sender.get("user_ref"):
            reason = "Messenger: a message from a chat plugin guest (user_ref), who cannot be answered by id"
            return _ignored(raw, account_id=page_id, reason=reason, created_at=created_at)
        raise InvalidPayload(f"{where} is a Messenger message without sender.id.")
    sender_id = sender["id"]
    body = message if message is not None else message_edit
    object_at(body, f"{where}.{'message' if message is not None else 'message_edit'}")
    mid = required_key_id(body, "mid", where=where)
    event = ParsedEvent(
        channel=CHANNEL,
        account_id=page_id,
        external_id=mid,
        kind=Kind.MESSENGER,
        author_id=sender_id,
        created_at=created_at,
        thread_key=f"messenger:{sender_id}",
        raw=raw,
    )
    if message is None:
        event.action = Action.EDIT
        event.text = optional_text_at(body.get("text"), f"{where}.message_edit.text")
        return event
    if body.get("is_echo"):
        # The page's own message (sent by the desk or by someone in the page inbox): the
        # conversation is the recipient's.
        if not recipient.get("id"):
            raise InvalidPayload(f"{where} is a Messenger echo without recipient.id.")
        event.thread_key = f"messenger:{recipient['id']}"
        # An echo is the page's by definition, whatever sender the delivery names.
        event.author_id = page_id
    if body.get("is_deleted"):
        event.action = Action.DELETE
        return event
    if body.get("is_unsupported"):
        reason = "Messenger: a message type not delivered to apps"
        return _ignored(raw, account_id=page_id, reason=reason, created_at=created_at)
    event.text = optional_text_at(body.get("text"), f"{where}.message.text") or _attachments_text(body)
    event.media = _messenger_media(body)
    reply_to = body.get("reply_to")
    if isinstance(reply_to, dict):
        event.in_reply_to = _optional_id(reply_to, "mid", where=f"{where}.message.reply_to")
    return event


def _party(item: dict, key: str, *, where: str) -> dict[str, str]:
    party = item.get(key)
    if party is None:
        return {}
    object_at(party, f"{where}.{key}")
    return {
        "id": _optional_id(party, "id", where=f"{where}.{key}"),
        "user_ref": _optional_id(party, "user_ref", where=f"{where}.{key}"),
    }


# Messenger attachment types that are files at an address (a location, a template or a
# fallback link is not).
MESSENGER_MEDIA = ("image", "video", "audio", "file")


def _messenger_media(message: dict) -> list[Medium]:
    attachments = message.get("attachments")
    media = []
    for attachment in attachments if isinstance(attachments, list) else []:
        if not isinstance(attachment, dict) or attachment.get("type") not in MESSENGER_MEDIA:
            continue
        payload = attachment.get("payload") if isinstance(attachment.get("payload"), dict) else {}
        if message.get("sticker_id") or payload.get("sticker_id"):
            continue  # a sticker is a reaction, not evidence
        url = payload.get("url")
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            media.append(Medium.at(url, kind=attachment["type"]))
    return media


def _attachments_text(message: dict) -> str:
    """Something to read for a message with no text: what it carries, one line each."""
    attachments = message.get("attachments")
    if not isinstance(attachments, list):
        return ""
    lines = []
    for attachment in attachments:
        if not isinstance(attachment, dict):
            continue
        payload = attachment.get("payload") if isinstance(attachment.get("payload"), dict) else {}
        kind = "sticker" if message.get("sticker_id") or payload.get("sticker_id") else attachment.get("type")
        url = payload.get("url") or attachment.get("url") or ""
        coordinates = payload.get("coordinates")
        if kind == "location" and isinstance(coordinates, dict):
            url = f"{coordinates.get('lat')},{coordinates.get('long')}"
        lines.append(f"[{kind or 'attachment'}] {url if isinstance(url, str) else ''}".strip())
    return "\n".join(lines)


# Helpers --------------------------------------------------------------------------------


def _ignored(raw: dict, *, account_id: str, reason: str, created_at: datetime | None = None) -> ParsedEvent:
    # Ignored items have no id of their own that is safe to use (a reaction names the post it
    # is on): their key is a digest of the item, so a redelivery is still stored once.
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.blake2b(canonical.encode(), digest_size=10).hexdigest()
    return ParsedEvent(
        channel=CHANNEL,
        account_id=account_id,
        external_id=f"ignored:{digest}",
        action=Action.IGNORE,
        kind=Kind.OTHER,
        created_at=created_at,
        ignore_reason=reason,
        raw=raw,
    )


def _optional_id(data: dict, key: str, *, where: str = "entry") -> str:
    """Facebook's ids are strings or numbers, of any form."""
    return optional_id_at(data.get(key), f"{where}.{key}")


def _entry_time(value: Any, *, where: str) -> datetime | None:
    # Feed entries give seconds, Messenger entries milliseconds: 10**11 seconds is year 5138.
    milliseconds = isinstance(value, int | float) and not isinstance(value, bool) and value > 10**11
    return parse_time(value, milliseconds=milliseconds, where=where)


def parse_time(value: Any, *, milliseconds: bool = False, where: str = "created_time") -> datetime | None:
    """Facebook's times: unix seconds (feed), milliseconds (Messenger), or ISO 8601 with a
    `+0000` offset (the Graph API; one without an offset is UTC). None when absent."""
    return time_at(value, where, epoch_unit=1000 if milliseconds else 1, naive_is_utc=True)


def post_url(object_id: str) -> str:
    """Where a post or comment is seen on Facebook."""
    return FACEBOOK_URL + object_id
