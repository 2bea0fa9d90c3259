"""What a platform's inbound parser hands to the pipeline: one `ParsedEvent` per thing that
happened (a tweet, a DM, a Facebook comment edited...), whatever the delivery looked like.

Each platform subpackage (`social.twitter`, `social.facebook`) turns its own payloads into
these; everything after that — storing, threading, incidents — is platform-blind.
"""

import hashlib
import mimetypes
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_datetime

# Threads are spread over this many shards; each is drained by one worker at a time, so it
# bounds the parallelism of intake (see SOCIAL_SHARDS in the settings).
SHARDS = settings.SOCIAL_SHARDS


class Action:
    CREATE = "create"  # a new message
    EDIT = "edit"  # its text changed at the source
    DELETE = "delete"  # deleted at the source: redact every copy
    HIDE = "hide"  # hidden by the page (Facebook): recorded, kept
    IGNORE = "ignore"  # well-formed but nothing to do (likes, typing, reads...); `ignore_reason` says why


class Kind:
    MENTION = "mention"
    REPLY = "reply"
    DM = "dm"
    POST = "post"
    COMMENT = "comment"
    MESSENGER = "messenger"
    OTHER = "other"  # retweets, reactions, ratings...: stored and ignored

    CHOICES = [
        (MENTION, "Mention"),
        (REPLY, "Reply"),
        (DM, "Direct message"),
        (POST, "Page post"),
        (COMMENT, "Comment"),
        (MESSENGER, "Messenger"),
        (OTHER, "Other"),
    ]
    # Private conversations: answered privately, threaded by conversation.
    PRIVATE = frozenset({DM, MESSENGER})


# How the desk answers each kind of message, on the same channel.
ANSWER_KIND = {
    Kind.MENTION: Kind.REPLY,
    Kind.REPLY: Kind.REPLY,
    Kind.DM: Kind.DM,
    Kind.POST: Kind.COMMENT,
    Kind.COMMENT: Kind.COMMENT,
    Kind.MESSENGER: Kind.MESSENGER,
}


# What a platform calls the kind of a medium → the content type to assume when its address
# does not say (a Messenger image's URL has no extension).
MEDIUM_KIND_TYPES = {
    "photo": "image/jpeg",
    "image": "image/jpeg",
    "video": "video/mp4",
    "animated_gif": "video/mp4",
    "gifv": "video/mp4",
    "audio": "audio/mpeg",
}


@dataclass(frozen=True)
class Medium:
    """A photo, video or file a message carries, where the platform keeps it: the incident gets
    it as a link (`tickets.services.attachment_links_create_bulk`); the desk stores no copy."""

    url: str
    name: str = ""
    content_type: str = ""

    @classmethod
    def at(cls, url: str, *, kind: str = "", name: str = "", content_type: str = "") -> "Medium":
        """A medium at `url`, its type taken from what the platform said, else from the address."""
        path = url.split("?", 1)[0].split("#", 1)[0]
        guessed, _ = mimetypes.guess_type(path)
        content_type = content_type or guessed or MEDIUM_KIND_TYPES.get(kind, "application/octet-stream")
        name = name or path.rstrip("/").rsplit("/", 1)[-1] or kind or "medium"
        return cls(url=url, name=name, content_type=content_type)


@dataclass
class ParsedEvent:
    channel: str  # a platform of social.platforms: "twitter"
    account_id: str  # the platform's id of the account it was delivered for: the X user id, the page id
    external_id: str  # the platform's id of the message: tweet id, DM event id, post_id/comment_id, mid
    action: str = Action.CREATE
    kind: str = Kind.OTHER
    author_id: str = ""
    author_handle: str = ""  # "@jess" on X; empty on Facebook
    author_name: str = ""
    text: str = ""
    created_at: datetime | None = None
    # The message this one answers (the tweet replied to, the comment's parent), if any.
    in_reply_to: str = ""
    # Other messages it continues, nearest first, where the platform lists them (an e-mail's
    # References): the first the desk has is its parent when `in_reply_to` is unknown.
    references: list[str] = field(default_factory=list)
    # What ties a conversation together: X conversation_id, the Facebook post_id, the DM
    # conversation, the Messenger sender. Messages of one thread land on one shard, in order.
    thread_key: str = ""
    url: str = ""
    # What the message calls itself, where it has a title of its own (an e-mail's subject):
    # the title of the incident it opens. Else the title is made from the text.
    title: str = ""
    # An incident number the message names as its own (an e-mail's subject: "[INC0000042]"),
    # when it continues no message the desk has: it joins that incident if its author is the
    # incident's reporter (`social.inbox.batch`).
    names_incident: str = ""
    # Whether the message names the account (an X mention or quote): X's self-serve tiers only
    # allow replying to those.
    mentions_account: bool = False
    ignore_reason: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    # Where characters PostgreSQL cannot store were replaced by U+FFFD, and the raw event as the
    # platform sent it, as ASCII JSON text (social.inbox.storable); empty for nearly every event.
    replaced: list[str] = field(default_factory=list)
    raw_as_sent: str = ""
    # The photos and videos it carries (`Medium`), kept as links on its incident.
    media: list[Medium] = field(default_factory=list)

    @property
    def dedup_key(self) -> str:
        """Unique per (channel, key): the same message delivered twice — a redelivered webhook,
        a poll overlapping a webhook — has the same key, and is stored once."""
        if self.action == Action.CREATE:
            return self.external_id
        digest = hashlib.blake2b(self.text.encode(), digest_size=6).hexdigest() if self.action == Action.EDIT else ""
        return f"{self.action}:{self.external_id}:{digest}".rstrip(":")

    @property
    def shard(self) -> int:
        key = self.thread_key or self.in_reply_to or self.external_id
        return int(hashlib.blake2b(key.encode(), digest_size=4).hexdigest(), 16) % SHARDS

    def to_json(self) -> dict[str, Any]:
        # Shallow: `asdict` would deep-copy the raw payload, a third of a webhook's CPU time.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["created_at"] = self.created_at.isoformat() if self.created_at else None
        # Only an odd event carries the repairs (social.inbox.storable), only some platforms the
        # rest: left out when empty, so the other payloads stay as they were.
        data["media"] = [asdict(medium) for medium in self.media]
        for optional in ("replaced", "raw_as_sent", "references", "title", "names_incident", "media"):
            if not data[optional]:
                del data[optional]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ParsedEvent":
        data = dict(data)
        data["created_at"] = parse_datetime(data["created_at"]) if data.get("created_at") else None
        data["media"] = [Medium(**medium) for medium in data.get("media", ())]
        return cls(**data)


class InvalidPayload(ValueError):
    """A delivery that is not what the platform sends: the webhook answers 400 with this reason."""
