"""What X delivers, as `ParsedEvent`s.

Two webhook formats arrive at the same URL, and polling reads a third shape:

- the Account Activity API (`{"for_user_id": ..., "tweet_create_events": [...], ...}`), whose
  tweets are v1.1 objects (`id_str`, `user`, `extended_tweet`...) and whose DMs are legacy
  `message_create` events;
- the X Activity API envelope (`{"data": {"event_type": "post.mention.create", "filter":
  {"user_id": ...}, "payload": {...}, "includes": {...}}}`), whose posts are v2 objects;
- API v2 timelines (`{"data": [...], "includes": {...}, "meta": {...}}`), read by `poll`.

Parsing never filters by account and never touches the database: an event for an account we
do not answer for is stored and ignored downstream. Anything malformed raises
`InvalidPayload` (the webhook answers 400 and stores nothing); a well-formed event we have no
use for becomes an `Action.IGNORE` event, stored with the reason.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..events import Action, InvalidPayload, Kind, Medium, ParsedEvent
from ..payloads import id_at, json_object, lenient_id, list_at, object_at, optional_text_at, text_at, time_at

CHANNEL = "twitter"

# Keys of an Account Activity payload that describe the delivery rather than carry events.
ACCOUNT_ACTIVITY_CONTEXT = frozenset({"for_user_id", "users", "apps", "user_has_blocked", "is_blocked_by"})

# Account Activity events we receive but have no use for, and why.
ACCOUNT_ACTIVITY_IGNORED = {
    "favorite_events": "like",
    "follow_events": "follow",
    "unfollow_events": "unfollow",
    "block_events": "block",
    "unblock_events": "unblock",
    "mute_events": "mute",
    "unmute_events": "unmute",
    "direct_message_indicate_typing_events": "typing indicator",
    "direct_message_mark_read_events": "read receipt",
}

# X Activity API events we have no use for, by exact type or by family ("like." ...).
ACTIVITY_IGNORED = {
    "like.": "like",
    "follow.": "follow",
    "profile.update.": "profile update",
    "chat.": "encrypted XChat event: its text cannot be read through the API",
    "dm.read": "read receipt",
    "dm.indicate_typing": "typing indicator",
    "news.": "news item",
    "spaces.": "Space started or ended",
    "mute.": "mute",
    "block.": "block",
    "broadcast.": "live broadcast",
    "oauth.revoke": "app access revoked by the user",
}

# Posts the X Activity API delivers, and whether the event itself says the post is addressed
# to the filtered account (a mention, a reply to its post, a quote of its post).
ACTIVITY_POSTS = {
    "post.create": False,
    "post.mention.create": True,
    "post.reply.create": True,
    "post.quote.create": True,
    "post.repost.create": True,
}
ACTIVITY_DMS = frozenset({"dm.received", "dm.sent"})
_ACCOUNT_ACTIVITY_HANDLED = frozenset({"tweet_create_events", "direct_message_events", "tweet_delete_events"})

_DIGITS = re.compile(r"\d{1,25}")


def parse_body(body: bytes) -> list[ParsedEvent]:
    """A webhook delivery's raw body: one JSON object, in either format."""
    return parse(json_object(body))


def parse(payload: dict) -> list[ParsedEvent]:
    """Every event of one webhook delivery, in either format."""
    if not isinstance(payload, dict):
        raise InvalidPayload("The payload must be a JSON object.")
    if "data" in payload:
        return _parse_activity(payload["data"])
    if "for_user_id" in payload:
        return _parse_account_activity(payload)
    if "user_event" in payload:
        return [_user_event(payload["user_event"])]
    raise InvalidPayload(
        "Neither an Account Activity payload (no for_user_id) nor an X Activity event (no data.event_type)."
    )


# --- The parts both formats share -------------------------------------------------------


@dataclass
class _Post:
    """A tweet, whatever its format, reduced to what decides its kind and thread."""

    id: str
    text: str
    author_id: str = ""
    created_at: datetime | None = None
    in_reply_to: str = ""
    in_reply_to_user_id: str = ""
    conversation_id: str = ""
    retweet_of: str = ""
    quoted_author_id: str = ""
    quotes: bool = False
    mentioned_ids: set[str] = field(default_factory=set)
    mentioned_usernames: set[str] = field(default_factory=set)
    # An edited post comes under a new id; its edit history starts with the original's.
    edit_of: str = ""
    media: list[Medium] = field(default_factory=list)


def _edit_of(post_id: str, history: Any) -> str:
    ids = [str(i) for i in history] if isinstance(history, list) else []
    return ids[0] if len(ids) > 1 and ids[0] != post_id else ""


@dataclass
class _User:
    handle: str = ""  # without the "@"
    name: str = ""


def _post_event(
    post: _Post,
    *,
    account_id: str,
    users: dict[str, _User],
    raw: dict,
    addressed: bool = False,
    ignore_reason: str = "",
) -> ParsedEvent:
    """The event for one post. `addressed`: the delivery itself says the post mentions, quotes
    or answers the account (an X Activity mention event, the mentions timeline)."""
    author = users.get(post.author_id, _User())
    account_handle = users.get(account_id, _User()).handle.casefold()
    mentions_account = bool(
        addressed
        or account_id in post.mentioned_ids
        or (account_handle and account_handle in post.mentioned_usernames)
        or (post.quotes and post.quoted_author_id == account_id)
        # A reply to one of the account's posts carries its @handle (X adds it), which is
        # what X's self-serve tiers ask of a post the desk may answer.
        or (post.in_reply_to_user_id == account_id and post.author_id != account_id)
    )
    if post.retweet_of and not ignore_reason:
        ignore_reason = "retweet"
    if post.in_reply_to:
        kind = Kind.REPLY
    elif mentions_account:
        kind = Kind.MENTION
    else:
        # A standalone post that names nobody we answer for: usually the account's own.
        kind = Kind.POST
    if ignore_reason:
        action = Action.IGNORE
    elif post.edit_of:
        action = Action.EDIT  # the desk knows the post by its original id
    else:
        action = Action.CREATE
    return ParsedEvent(
        channel=CHANNEL,
        account_id=account_id,
        external_id=post.edit_of or post.id,
        action=action,
        kind=Kind.OTHER if post.retweet_of else kind,
        author_id=post.author_id,
        author_handle=f"@{author.handle}" if author.handle else "",
        author_name=author.name,
        text=post.text,
        created_at=post.created_at,
        in_reply_to=post.in_reply_to,
        thread_key=post.conversation_id or post.in_reply_to or post.id,
        url=post_url(post.id, author.handle),
        mentions_account=mentions_account,
        ignore_reason=ignore_reason,
        raw=raw,
        media=post.media,
    )


def post_url(tweet_id: str, handle: str = "") -> str:
    # X redirects /i/web/status/<id> to the post when the author's handle is unknown.
    return f"https://x.com/{handle}/status/{tweet_id}" if handle else f"https://x.com/i/web/status/{tweet_id}"


def dm_thread_key(*, sender_id: str, recipient_id: str, conversation_id: str = "") -> str:
    """One key per DM conversation, the same whichever way a message goes and whichever
    format delivered it: X's one-to-one dm_conversation_id is the two user ids, the lower first."""
    if not conversation_id:
        low, high = sorted([sender_id, recipient_id], key=int)
        conversation_id = f"{low}-{high}"
    return f"dm:{conversation_id}"


def _dm_event(item: Any, *, account_id: str, users: dict[str, _User], where: str) -> ParsedEvent:
    """A DM event: the legacy `message_create` shape (Account Activity, X Activity `dm.*`) or
    the v2 `MessageCreate` shape (the DM events endpoints)."""
    item = object_at(item, where)
    if "message_create" in item:
        if item.get("type", "message_create") != "message_create":
            return _ignored(item, account_id=account_id, reason=f"DM event {item.get('type')}", where=where)
        message = object_at(item["message_create"], f"{where}.message_create")
        sender_id = _id(message.get("sender_id"), f"{where}.message_create.sender_id")
        target = object_at(message.get("target"), f"{where}.message_create.target")
        recipient_id = _id(target.get("recipient_id"), f"{where}.message_create.target.recipient_id")
        data = object_at(message.get("message_data", {}), f"{where}.message_create.message_data")
        text = text_at(data.get("text", ""), f"{where}.message_create.message_data.text")
        conversation_id = ""
        created_at = _time(item.get("created_timestamp"), f"{where}.created_timestamp")
    elif "event_type" in item:
        if item["event_type"] != "MessageCreate":
            return _ignored(item, account_id=account_id, reason=f"DM event {item['event_type']}", where=where)
        sender_id = _id(item.get("sender_id"), f"{where}.sender_id")
        recipient_id = ""
        text = text_at(item.get("text", ""), f"{where}.text")
        conversation_id = optional_text_at(item.get("dm_conversation_id"), f"{where}.dm_conversation_id")
        created_at = _time(item.get("created_at"), f"{where}.created_at")
    else:
        raise InvalidPayload(f"{where}: a DM event needs message_create or event_type.")
    if not conversation_id and not recipient_id:
        raise InvalidPayload(f"{where}: a DM event needs a recipient or a dm_conversation_id.")
    sender = users.get(sender_id, _User())
    return ParsedEvent(
        channel=CHANNEL,
        account_id=account_id,
        external_id=_id(item.get("id"), f"{where}.id"),
        kind=Kind.DM,
        # Kept when the account is the sender too: the desk's DMs sent from another client.
        author_id=sender_id,
        author_handle=f"@{sender.handle}" if sender.handle else "",
        author_name=sender.name,
        text=text,
        created_at=created_at,
        thread_key=dm_thread_key(sender_id=sender_id, recipient_id=recipient_id, conversation_id=conversation_id),
        raw=item,
    )


def _ignored(item: Any, *, account_id: str, reason: str, where: str, key: str = "") -> ParsedEvent:
    """A well-formed event with nothing to do, keyed so a redelivery is stored once."""
    if not key and isinstance(item, dict) and isinstance(item.get("id"), str | int) and item["id"] != "":
        key = f"{where.split('[')[0]}:{item['id']}"
    if not key:
        digest = hashlib.blake2b(json.dumps(item, sort_keys=True, default=str).encode(), digest_size=10).hexdigest()
        key = f"{where.split('[')[0]}:{digest}"
    return ParsedEvent(
        channel=CHANNEL,
        account_id=account_id,
        external_id=key,
        action=Action.IGNORE,
        kind=Kind.OTHER,
        ignore_reason=reason,
        raw=item if isinstance(item, dict) else {"value": item},
    )


# --- Account Activity API ---------------------------------------------------------------


def _parse_account_activity(payload: dict) -> list[ParsedEvent]:
    account_id = _id(payload["for_user_id"], "for_user_id")
    users = _users_v1(payload.get("users", {}))
    # Set on mentions by someone the account has blocked: the desk cannot answer them anyway.
    blocked = str(payload.get("user_has_blocked", payload.get("is_blocked_by", ""))).lower() == "true"
    event_keys = [key for key in payload if key not in ACCOUNT_ACTIVITY_CONTEXT]
    if not event_keys:
        raise InvalidPayload("The Account Activity payload carries no event.")
    events = []
    for key in event_keys:
        if key not in ACCOUNT_ACTIVITY_IGNORED and key not in _ACCOUNT_ACTIVITY_HANDLED:
            items = payload[key] if isinstance(payload[key], list) else [payload[key]]
            events += [
                _ignored(item, account_id=account_id, reason=f"unknown event type {key}", where=f"{key}[{index}]")
                for index, item in enumerate(items)
            ]
            continue
        for index, item in enumerate(list_at(payload[key], key)):
            where = f"{key}[{index}]"
            if key == "tweet_create_events":
                post, post_users = _post_v1(item, where)
                reason = "author is blocked by the account" if blocked else ""
                events.append(
                    _post_event(
                        post, account_id=account_id, users={**users, **post_users}, raw=item, ignore_reason=reason
                    )
                )
            elif key == "direct_message_events":
                events.append(_dm_event(item, account_id=account_id, users=users, where=where))
            elif key == "tweet_delete_events":
                events.append(_delete_v1(item, account_id=account_id, where=where))
            else:
                events.append(_ignored(item, account_id=account_id, reason=ACCOUNT_ACTIVITY_IGNORED[key], where=where))
    return events


def _post_v1(tweet: Any, where: str) -> tuple[_Post, dict[str, _User]]:
    """A v1.1 tweet (Account Activity) and the user it carries."""
    tweet = object_at(tweet, where)
    tweet_id = _id(tweet.get("id_str", tweet.get("id")), f"{where}.id_str")
    user = object_at(tweet.get("user"), f"{where}.user")
    author_id = _id(user.get("id_str", user.get("id")), f"{where}.user.id_str")
    extended = tweet.get("extended_tweet") if tweet.get("truncated") else None
    if extended is not None:
        extended = object_at(extended, f"{where}.extended_tweet")
        text = text_at(extended.get("full_text"), f"{where}.extended_tweet.full_text")
        entities = extended.get("entities") or tweet.get("entities") or {}
    else:
        text = text_at(tweet.get("full_text", tweet.get("text")), f"{where}.text")
        entities = tweet.get("entities") or {}
    mentions = object_at(entities, f"{where}.entities").get("user_mentions") or []
    quoted = tweet.get("quoted_status") if isinstance(tweet.get("quoted_status"), dict) else {}
    quoted_user = quoted.get("user") if isinstance(quoted.get("user"), dict) else {}
    retweeted = tweet.get("retweeted_status")
    post = _Post(
        id=tweet_id,
        text=text,
        author_id=author_id,
        created_at=_time(tweet.get("created_at") or tweet.get("timestamp_ms"), f"{where}.created_at"),
        in_reply_to=_optional_id(tweet.get("in_reply_to_status_id_str", tweet.get("in_reply_to_status_id"))),
        in_reply_to_user_id=_optional_id(tweet.get("in_reply_to_user_id_str", tweet.get("in_reply_to_user_id"))),
        retweet_of=_optional_id(retweeted.get("id_str", retweeted.get("id"))) if isinstance(retweeted, dict) else "",
        quotes=bool(tweet.get("is_quote_status") or quoted),
        quoted_author_id=_optional_id(quoted_user.get("id_str", quoted_user.get("id"))),
        mentioned_ids={
            _optional_id(m.get("id_str", m.get("id"))) for m in list_at(mentions, f"{where}.entities.user_mentions")
        }
        - {""},
        mentioned_usernames={str(m.get("screen_name", "")).casefold() for m in mentions} - {""},
        edit_of=_edit_of(
            tweet_id,
            (tweet.get("edit_history") or {}).get("edit_tweet_ids")
            if isinstance(tweet.get("edit_history"), dict)
            else None,
        ),
        media=_media(((extended or {}).get("extended_entities") or tweet.get("extended_entities") or {}).get("media")),
    )
    users = {author_id: _User(handle=str(user.get("screen_name") or ""), name=str(user.get("name") or ""))}
    return post, users


def _delete_v1(item: Any, *, account_id: str, where: str) -> ParsedEvent:
    item = object_at(item, where)
    status = object_at(item.get("status"), f"{where}.status")
    return ParsedEvent(
        channel=CHANNEL,
        account_id=account_id,
        external_id=_id(status.get("id_str", status.get("id")), f"{where}.status.id"),
        action=Action.DELETE,
        author_id=_optional_id(status.get("user_id_str", status.get("user_id"))),
        created_at=_time(item.get("timestamp_ms"), f"{where}.timestamp_ms"),
        raw=item,
    )


def _user_event(user_event: Any) -> ParsedEvent:
    """The user took the app's access away; the subscription is gone with it."""
    user_event = object_at(user_event, "user_event")
    revoke = user_event.get("revoke")
    if not isinstance(revoke, dict):
        return _ignored(user_event, account_id="", reason="unknown event type user_event", where="user_event")
    source = object_at(revoke.get("source"), "user_event.revoke.source")
    user_id = _id(source.get("user_id"), "user_event.revoke.source.user_id")
    return _ignored(
        user_event,
        account_id=user_id,
        reason="app access revoked by the user",
        where="user_event",
        key=f"revoke:{user_id}:{revoke.get('date_time', '')}",
    )


def _users_v1(users: Any) -> dict[str, _User]:
    """The `users` map of an Account Activity payload, or of an X Activity DM event (whose
    entries are wrapped in "data" and say "username")."""
    users = object_at(users, "users")
    found = {}
    for user_id, user in users.items():
        if not isinstance(user, dict):
            raise InvalidPayload(f"users.{user_id} must be an object.")
        user = user.get("data", user) if isinstance(user.get("data"), dict) else user
        found[str(user_id)] = _User(
            handle=str(user.get("screen_name") or user.get("username") or ""), name=str(user.get("name") or "")
        )
    return found


# --- X Activity API, and API v2 objects ---------------------------------------------------


def _parse_activity(data: Any) -> list[ParsedEvent]:
    deliveries = data if isinstance(data, list) else [data]
    events = []
    for index, event in enumerate(deliveries):
        where = "data" if not isinstance(data, list) else f"data[{index}]"
        event = object_at(event, where)
        event_type = event.get("event_type")
        if not isinstance(event_type, str) or not event_type:
            raise InvalidPayload(f"{where}.event_type is missing.")
        event_filter = object_at(event.get("filter", {}), f"{where}.filter")
        payload = object_at(event.get("payload"), f"{where}.payload")
        # oauth.revoke comes with an empty filter and names the user in the payload.
        if "user_id" in event_filter:
            account_id = _id(event_filter["user_id"], f"{where}.filter.user_id")
        else:
            account_id = _optional_id(payload.get("user_id"))
        if event_type in ACTIVITY_POSTS:
            includes = object_at(event.get("includes", {}), f"{where}.includes")
            post = post_v2(
                payload, f"{where}.payload", tweets=includes.get("tweets", []), media=includes.get("media", [])
            )
            events.append(
                _post_event(
                    post,
                    account_id=account_id,
                    users=users_v2(includes.get("users", [])),
                    raw=event,
                    addressed=ACTIVITY_POSTS[event_type],
                )
            )
        elif event_type == "post.delete":
            events.append(
                ParsedEvent(
                    channel=CHANNEL,
                    account_id=account_id,
                    external_id=_id(payload.get("id"), f"{where}.payload.id"),
                    action=Action.DELETE,
                    author_id=_optional_id(payload.get("author_id")),
                    raw=event,
                )
            )
        elif event_type in ACTIVITY_DMS:
            users = _users_v1(payload.get("users", {}))
            items = list_at(payload.get("direct_message_events"), f"{where}.payload.direct_message_events")
            events += [
                _dm_event(item, account_id=account_id, users=users, where=f"{where}.payload.direct_message_events[{i}]")
                for i, item in enumerate(items)
            ]
        else:
            reason = next(
                (why for prefix, why in ACTIVITY_IGNORED.items() if event_type.startswith(prefix)),
                f"unknown event type {event_type}",
            )
            key = payload.get("id") or payload.get("message_id") or event.get("event_uuid")
            events.append(
                _ignored(
                    event,
                    account_id=account_id,
                    reason=reason,
                    where=event_type,
                    key=f"{event_type}:{key}" if isinstance(key, str | int) and key != "" else "",
                )
            )
    return events


def events_from_timeline(response: dict, *, account_id: str, addressed: bool) -> list[ParsedEvent]:
    """The posts of one page of an API v2 timeline (`{"data": [...], "includes": {...}}`).
    `addressed`: every post of the timeline names the account (the mentions timeline)."""
    response = object_at(response, "response")
    includes = object_at(response.get("includes", {}), "includes")
    users = users_v2(includes.get("users", []))
    tweets = includes.get("tweets", [])
    media = includes.get("media", [])
    return [
        _post_event(
            post_v2(tweet, f"data[{index}]", tweets=tweets, media=media),
            account_id=account_id,
            users=users,
            raw=tweet,
            addressed=addressed,
        )
        for index, tweet in enumerate(list_at(response.get("data", []), "data"))
    ]


def post_v2(tweet: Any, where: str, *, tweets: Any = None, media: Any = None) -> _Post:
    """An API v2 post. X only returns the fields asked for, so all but id and text are optional.
    `tweets`: the `includes.tweets` that came with it (tells whose post a quote quotes);
    `media`: the `includes.media` (its photos and videos, by media key)."""
    tweet = object_at(tweet, where)
    by_key = {m.get("media_key"): m for m in (media if isinstance(media, list) else []) if isinstance(m, dict)}
    attachments = tweet.get("attachments") if isinstance(tweet.get("attachments"), dict) else {}
    keys = attachments.get("media_keys") if isinstance(attachments.get("media_keys"), list) else []
    authors = {
        str(t.get("id")): _optional_id(t.get("author_id"))
        for t in list_at(tweets or [], "includes.tweets")
        if isinstance(t, dict)
    }
    note = tweet.get("note_tweet")
    # Posts over 280 characters come truncated in "text", whole in note_tweet.
    if isinstance(note, dict) and isinstance(note.get("text"), str):
        text, entities = note["text"], note.get("entities") or tweet.get("entities") or {}
    else:
        text, entities = text_at(tweet.get("text"), f"{where}.text"), tweet.get("entities") or {}
    mentions = list_at(object_at(entities, f"{where}.entities").get("mentions") or [], f"{where}.entities.mentions")
    references = {}
    for index, reference in enumerate(list_at(tweet.get("referenced_tweets") or [], f"{where}.referenced_tweets")):
        reference = object_at(reference, f"{where}.referenced_tweets[{index}]")
        references[reference.get("type")] = _id(reference.get("id"), f"{where}.referenced_tweets[{index}].id")
    return _Post(
        id=_id(tweet.get("id"), f"{where}.id"),
        text=text,
        author_id=_optional_id(tweet.get("author_id")),
        created_at=_time(tweet.get("created_at"), f"{where}.created_at"),
        in_reply_to=_optional_id(tweet.get("in_reply_to_tweet_id")) or references.get("replied_to", ""),
        in_reply_to_user_id=_optional_id(tweet.get("in_reply_to_user_id")),
        conversation_id=_optional_id(tweet.get("conversation_id")),
        retweet_of=references.get("retweeted", ""),
        quotes="quoted" in references,
        quoted_author_id=authors.get(references.get("quoted", ""), ""),
        mentioned_ids={_optional_id(m.get("id")) for m in mentions if isinstance(m, dict)} - {""},
        mentioned_usernames={str(m.get("username", "")).casefold() for m in mentions if isinstance(m, dict)} - {""},
        edit_of=_edit_of(str(tweet.get("id")), tweet.get("edit_history_tweet_ids")),
        media=_media([by_key[key] for key in keys if isinstance(key, str) and key in by_key]),
    )


def _media(items: Any) -> list[Medium]:
    """A post's photos and videos, from v1.1 `extended_entities.media` or v2 `includes.media`.
    A video is its best MP4; a medium without an address is passed over, never failing the
    post that carries it."""
    found = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        kind = item.get("type") if isinstance(item.get("type"), str) else ""
        video_info = item.get("video_info") if isinstance(item.get("video_info"), dict) else {}
        variants = item.get("variants") or video_info.get("variants") or []
        mp4s = [
            v
            for v in (variants if isinstance(variants, list) else [])
            if isinstance(v, dict) and v.get("content_type") == "video/mp4" and isinstance(v.get("url"), str)
        ]
        if mp4s:
            best = max(mp4s, key=lambda v: v.get("bit_rate", v.get("bitrate", 0)) or 0)
            found.append(Medium.at(best["url"], kind=kind, content_type="video/mp4"))
            continue
        url = item.get("media_url_https") or item.get("url") or item.get("media_url") or item.get("preview_image_url")
        if isinstance(url, str) and url:
            found.append(Medium.at(url, kind=kind))
    return found


def users_v2(users: Any) -> dict[str, _User]:
    """`includes.users` of a v2 response or X Activity event (entries sometimes wrapped in "data")."""
    found = {}
    for index, user in enumerate(list_at(users, "includes.users")):
        user = object_at(user, f"includes.users[{index}]")
        user = user["data"] if isinstance(user.get("data"), dict) else user
        if user.get("id") is not None:
            found[_id(user["id"], f"includes.users[{index}].id")] = _User(
                handle=str(user.get("username") or ""), name=str(user.get("name") or "")
            )
    return found


# --- X's ids ------------------------------------------------------------------------------


def _id(value: Any, where: str) -> str:
    """X ids are digits, sent as strings (or as numbers in v1.1 objects)."""
    return id_at(value, where, pattern=_DIGITS, what="an X id (digits)")


def _optional_id(value: Any) -> str:
    return lenient_id(value, pattern=_DIGITS)


def _time(value: Any, where: str) -> datetime | None:
    """v2's ISO 8601, v1.1's "Wed Oct 10 20:19:24 +0000 2018", or milliseconds since 1970."""
    return time_at(value, where, epoch_unit=1000)
