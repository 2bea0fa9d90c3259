"""The wall (`/status/wall/`): what the desk itself published, newest first — its broadcasts and
its public answers on social media — for a screen in the office or a page people follow (the
"Twitter wall" of the founding articles).

Only the desk's own public words: no private conversation (direct messages, Messenger), no
message a person wrote, no post deleted or hidden at the platform, no internal note, and no
name or handle beyond what the desk's words themselves say. Two queries."""

from dataclasses import dataclass
from datetime import datetime

from broadcasts.models import STATUS_CHANNEL, Broadcast, BroadcastState, PostState, channel_label
from social import platforms
from social.events import Kind
from social.models import Direction, MessageState, SocialMessage

WALL_SIZE = 40


@dataclass(frozen=True)
class WallItem:
    at: datetime
    kind: str  # "broadcast" or "answer"
    label: str  # what it is: "Outage", "Maintenance", "Reply on X"...
    title: str  # a broadcast's title; "" for an answer
    text: str
    links: tuple[tuple[str, str], ...]  # (where, url) of the published posts


def _broadcasts(limit: int) -> list[WallItem]:
    broadcasts = (
        Broadcast.objects.filter(state=BroadcastState.PUBLISHED, published_at__isnull=False)
        .only("id", "kind", "title", "text", "published_at")
        .order_by("-published_at", "-id")[:limit]
    )
    items = []
    for broadcast in broadcasts.prefetch_related("posts"):
        links = tuple(
            (channel_label(post.channel), post.url)
            for post in broadcast.posts.all()
            if post.state == PostState.PUBLISHED and post.url and post.channel != STATUS_CHANNEL
        )
        items.append(
            WallItem(
                at=broadcast.published_at,
                kind="broadcast",
                label=broadcast.get_kind_display(),
                title=broadcast.title,
                text=broadcast.text,
                links=links,
            )
        )
    return items


def _answers(limit: int) -> list[WallItem]:
    """The desk's public answers that reached their platform (not a broadcast's post)."""
    messages = (
        SocialMessage.objects.filter(direction=Direction.OUTBOUND, state=MessageState.SENT, sent_at__isnull=False)
        .exclude(kind__in=Kind.PRIVATE)
        .filter(deleted=False, hidden=False, broadcast_post__isnull=True)
        .exclude(text="")
        .only("id", "channel", "kind", "text", "url", "sent_at")
        .order_by("-sent_at", "-id")[:limit]
    )
    items = []
    for message in messages:
        platform = platforms.find(message.channel)
        where = platform.name if platform else message.channel
        items.append(
            WallItem(
                at=message.sent_at,
                kind="answer",
                label=f"{dict(Kind.CHOICES).get(message.kind, 'Post')} on {where}",
                title="",
                text=message.text,
                links=((where, message.url),) if message.url else (),
            )
        )
    return items


def wall_items(*, limit: int = WALL_SIZE) -> list[WallItem]:
    """The newest `limit` of both, newest first."""
    items = _broadcasts(limit) + _answers(limit)
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]
