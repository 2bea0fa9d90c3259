"""What `app.bsky.notification.listNotifications` gives, as `ParsedEvent`s.

A notification is `{uri, cid, author, reason, reasonSubject, record, indexedAt}`. `mention`,
`reply` and `quote` carry a post addressed to the desk: it becomes the desk's message; every
other reason (likes, reposts, follows...) is stored and ignored with the reason.

People are known by their DID (a handle can change); the post's at-uri is its id. Threads:
a reply names its parent and its thread's root (`record.reply.parent`, `.root`, strongRefs
of uri and cid); the parent is what it answers, the root what ties the thread together.
Parsing never touches the database; a malformed notification raises `InvalidPayload`, and
`events_from_page` keeps it, ignored, with that reason, so it loses none of the others.
"""

import hashlib
import json
import re
from typing import Any

from ..events import Action, InvalidPayload, Kind, Medium, ParsedEvent
from ..payloads import list_at, object_at, optional_text_at, text_at, time_at
from . import CHANNEL
from .text import expand_links

POSTS = frozenset({"mention", "reply", "quote"})
IGNORED = {
    "like": "like",
    "repost": "repost",
    "follow": "follow",
    "starterpack-joined": "joined through a starter pack",
    "verified": "verified",
    "unverified": "verification removed",
    "like-via-repost": "like of a repost",
    "repost-via-repost": "repost of a repost",
    "subscribed-post": "post of an account the desk subscribed to",
}
# The desk's columns for a platform id hold 100 characters: a did:plc post's URI has 70.
MAX_URI = 100
_AT_URI = re.compile(r"at://did:[a-z]+:[A-Za-z0-9._:%-]{1,200}/[a-zA-Z0-9.-]{1,100}/[A-Za-z0-9._~:-]{1,100}")
_DID = re.compile(r"did:[a-z]+:[A-Za-z0-9._:%-]{1,200}")


def events_from_page(page: Any, *, account_id: str) -> list[ParsedEvent]:
    """One page of listNotifications (`{notifications, cursor, seenAt}`)."""
    page = object_at(page, "page")
    events = []
    for index, item in enumerate(list_at(page.get("notifications"), "notifications")):
        try:
            events.append(notification_event(item, account_id=account_id, where=f"notifications[{index}]"))
        except InvalidPayload as error:
            events.append(_ignored(item, account_id=account_id, reason=f"Malformed notification: {error}"))
    return events


def notification_event(item: Any, *, account_id: str, where: str = "notification") -> ParsedEvent:
    item = object_at(item, where)
    reason = text_at(item.get("reason"), f"{where}.reason")
    uri = at_uri(item.get("uri"), f"{where}.uri")
    if reason not in POSTS:
        return _ignored(
            item, account_id=account_id, reason=IGNORED.get(reason, f"unknown reason {reason}"), key=f"{reason}:{uri}"
        )
    return post_event(item, account_id=account_id, where=where, mentions_account=True)


def post_event(item: Any, *, account_id: str, where: str, mentions_account: bool) -> ParsedEvent:
    """A post as the AppView shows it: a notification's, or a search's `postView` (both carry
    `uri`, `cid`, `author`, `record` and `indexedAt`). `mentions_account`: every post the
    notifications give names or answers the desk; a post heard by a search does not."""
    item = object_at(item, where)
    uri = at_uri(item.get("uri"), f"{where}.uri")
    text_at(item.get("cid"), f"{where}.cid")  # answering it needs its cid
    author = object_at(item.get("author"), f"{where}.author")
    did = _did(author.get("did"), f"{where}.author.did")
    handle = optional_text_at(author.get("handle"), f"{where}.author.handle")
    record = object_at(item.get("record"), f"{where}.record")
    reply = record.get("reply")
    parent = root = ""
    if reply is not None:
        reply = object_at(reply, f"{where}.record.reply")
        parent = at_uri(
            object_at(reply.get("parent"), f"{where}.record.reply.parent").get("uri"),
            f"{where}.record.reply.parent.uri",
        )
        root = at_uri(
            object_at(reply.get("root"), f"{where}.record.reply.root").get("uri"), f"{where}.record.reply.root.uri"
        )
    text = text_at(record.get("text", ""), f"{where}.record.text")
    facets = list_at(record.get("facets") or [], f"{where}.record.facets")
    return ParsedEvent(
        channel=CHANNEL,
        account_id=account_id,
        external_id=uri,
        action=Action.CREATE,
        kind=Kind.REPLY if parent else Kind.MENTION,
        author_id=did,
        author_handle=f"@{handle}" if handle else "",
        author_name=optional_text_at(author.get("displayName"), f"{where}.author.displayName") or handle,
        text=expand_links(text, facets),
        created_at=time_at(record.get("createdAt"), f"{where}.record.createdAt")
        or time_at(item.get("indexedAt"), f"{where}.indexedAt"),
        in_reply_to=parent,
        thread_key=root or uri,
        url=post_url(uri, handle),
        mentions_account=mentions_account,
        raw=item,
        media=_images(record.get("embed"), did=did),
    )


def post_deletion_event(uri: str, *, account_id: str, thread_key: str = "") -> ParsedEvent:
    """A post deleted at its source (`deletions.follow_deletions` found its record gone): every
    copy is redacted, the record that it existed kept. `thread_key`: the thread the desk filed
    it under, so the deletion is handled after the post itself."""
    uri = at_uri(uri, "deleted post")
    return ParsedEvent(
        channel=CHANNEL,
        account_id=account_id,
        external_id=uri,
        action=Action.DELETE,
        thread_key=thread_key,
        raw={"uri": uri},
    )


# Bluesky's image CDN serves a post's image blobs by author and content id (what its apps link).
IMAGE_URL = "https://cdn.bsky.app/img/feed_fullsize/plain/{did}/{cid}@jpeg"


def _images(embed: Any, *, did: str) -> list[Medium]:
    """A post record's images (`app.bsky.embed.images`, alone or beside a quoted record).
    Videos are passed over: Bluesky serves them as HLS playlists, not files."""
    if isinstance(embed, dict) and embed.get("$type") == "app.bsky.embed.recordWithMedia":
        embed = embed.get("media")
    if not isinstance(embed, dict) or embed.get("$type") != "app.bsky.embed.images":
        return []
    media = []
    for image in embed.get("images") if isinstance(embed.get("images"), list) else []:
        blob = image.get("image") if isinstance(image, dict) else None
        ref = blob.get("ref") if isinstance(blob, dict) else None
        cid = ref.get("$link") if isinstance(ref, dict) else None
        if isinstance(cid, str) and cid.isalnum():
            url = IMAGE_URL.format(did=did, cid=cid)
            media.append(Medium.at(url, name=f"{cid[-12:]}.jpg", content_type="image/jpeg"))
    return media


def post_url(uri: str, handle: str = "") -> str:
    """The post on bsky.app (by handle when known, else by DID)."""
    did, _, rkey = uri.removeprefix("at://").split("/", 2)
    return f"https://bsky.app/profile/{handle or did}/post/{rkey}"


def at_uri(value: Any, where: str) -> str:
    uri = text_at(value, where)
    if not _AT_URI.fullmatch(uri):
        raise InvalidPayload(f"{where} is not an at:// URI of a record: {value!r}.")
    if len(uri) > MAX_URI:
        raise InvalidPayload(f"{where} is longer than the desk keeps ({MAX_URI} characters): {uri!r}.")
    return uri


def _did(value: Any, where: str) -> str:
    did = text_at(value, where)
    if not _DID.fullmatch(did):
        raise InvalidPayload(f"{where} is not a DID: {value!r}.")
    return did


def _ignored(item: Any, *, account_id: str, reason: str, key: str = "") -> ParsedEvent:
    if not key:
        digest = hashlib.blake2b(json.dumps(item, sort_keys=True, default=str).encode(), digest_size=10).hexdigest()
        key = f"notification:{digest}"
    return ParsedEvent(
        channel=CHANNEL,
        account_id=account_id,
        external_id=key[:200],
        action=Action.IGNORE,
        kind=Kind.OTHER,
        ignore_reason=reason[:500],
        raw=item if isinstance(item, dict) else {"value": item},
    )
