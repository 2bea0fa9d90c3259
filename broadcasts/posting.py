"""A published broadcast on each of its channels.

The status page is ours: its post is published at once. On a social platform the post is an
outbound `social.SocialMessage` of kind "post", queued in social's outbox, which sends it
through the platform's contract (`social.platforms`): a long X post becomes a numbered thread,
rate limits wait, failures retry, an interrupted send is looked for before it is sent again,
and with no account or credentials it waits, queued, with the reason. When the outbox records
it sent (`social.signals.outbound_message_sent`) its platform id and link are copied onto the
post and a record is added; an edit or a deletion at the platform
(`social.signals.outbound_changed_at_source`) is a new record, the original kept.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from social import platforms
from social.events import Kind
from social.models import Direction, MessageState, SocialAccount, SocialMessage
from social.outbox.queue import enqueue_sending

from .models import STATUS_CHANNEL, Broadcast, BroadcastPost, BroadcastRecord, PostState, RecordKind

NO_ACCOUNT = "No active {name} account is configured; the post waits for one."


def social_text(broadcast: Broadcast) -> str:
    """The words as posted: the text, then each link it does not already carry."""
    links = [link for link in broadcast.links if link not in broadcast.text]
    return "\n".join([broadcast.text, *links])


def posts_create(*, broadcast: Broadcast, now: datetime) -> list[BroadcastPost]:
    """One post per channel, in the publishing transaction; social ones are sent on commit."""
    existing = set(BroadcastPost.objects.filter(broadcast=broadcast).values_list("channel", flat=True))
    posts, queued = [], []
    for channel in broadcast.channels:
        if channel in existing:
            continue
        if channel == STATUS_CHANNEL:
            post = BroadcastPost.objects.create(
                broadcast=broadcast,
                channel=channel,
                state=PostState.PUBLISHED,
                platform_id=str(broadcast.pk),
                url="",  # the status page shows it by its id
                created_at=now,
                published_at=now,
            )
            BroadcastRecord(
                broadcast=broadcast,
                kind=RecordKind.POSTED,
                channel=channel,
                text=broadcast.text,
                platform_id=post.platform_id,
                url=post.url,
                created_at=now,
            ).save()
        else:
            message = _queue_message(broadcast, channel, now)
            post = BroadcastPost.objects.create(broadcast=broadcast, channel=channel, message=message, created_at=now)
            if message.state == MessageState.QUEUED:
                queued.append(message.pk)
        posts.append(post)
    if queued:
        transaction.on_commit(lambda: enqueue_sending(queued), robust=True)
    return posts


def _queue_message(broadcast: Broadcast, channel: str, now: datetime) -> SocialMessage:
    platform = platforms.get(channel)
    account = SocialAccount.objects.filter(channel=channel, active=True).order_by("pk").first()
    message = SocialMessage(
        channel=channel,
        direction=Direction.OUTBOUND,
        kind=Kind.POST,
        account_external_id=account.external_id if account else "",
        author_name=(account.handle if account else "") or "Service desk",
        text=social_text(broadcast),
        state=MessageState.QUEUED,
        next_attempt_at=now,
        created_at=now,
    )
    if account is None:
        message.state_reason = NO_ACCOUNT.format(name=platform.name)
    elif not account.can_send:
        message.state_reason = account.missing_credentials + " The post waits for it."
    message.save()
    return message


def post_link(message: SocialMessage, platform_id: str) -> str:
    """The public address of a post, as its platform declares it."""
    platform = platforms.find(message.channel)
    if platform is None or not platform.post_link or not platform_id:
        return ""
    handle = (message.author_name or "").lstrip("@") or "i"
    return platform.post_link.format(id=platform_id, handle=handle)


def post_sent(*, message_id: int) -> BroadcastPost | None:
    """The outbox put the message on its platform: the post keeps the id and link."""
    now = timezone.now()
    with transaction.atomic():
        post = (
            BroadcastPost.objects.select_for_update()
            .select_related("message", "broadcast")
            .filter(message_id=message_id)
            .first()
        )
        if post is None or post.state == PostState.PUBLISHED:
            return post
        message = post.message
        if message.state != MessageState.SENT or not message.external_id:
            return post
        post.state = PostState.PUBLISHED
        post.platform_id = message.external_id
        post.parts = list(message.parts or [message.external_id])
        post.url = message.url or post_link(message, message.external_id)
        post.published_at = message.sent_at or now
        post.save(update_fields=["state", "platform_id", "parts", "url", "published_at"])
        BroadcastRecord(
            broadcast=post.broadcast,
            kind=RecordKind.POSTED,
            channel=post.channel,
            text=message.text,
            platform_id=post.platform_id,
            url=post.url,
            note=f"{len(post.parts)} parts: {', '.join(post.parts)}" if len(post.parts) > 1 else "",
            created_at=now,
        ).save()
    return post


def post_failed(*, message_id: int) -> None:
    BroadcastPost.objects.filter(message_id=message_id, state=PostState.QUEUED).update(state=PostState.FAILED)


def post_changed_at_source(*, message_id: int, action: str, text: str, at: datetime | None) -> None:
    """Edited or deleted on the platform: a new record; the original record stays as it was."""
    post = BroadcastPost.objects.select_related("broadcast").filter(message_id=message_id).first()
    if post is None:
        return
    deleted = action == "delete"
    BroadcastRecord(
        broadcast=post.broadcast,
        kind=RecordKind.DELETED_AT_PLATFORM if deleted else RecordKind.EDITED_AT_PLATFORM,
        channel=post.channel,
        text="" if deleted else text,
        platform_id=post.platform_id,
        url=post.url,
        note=f"At the platform, {at:%Y-%m-%d %H:%M} UTC." if at else "",
        created_at=timezone.now(),
    ).save()


def posts_reconcile() -> int:
    """Posts whose message is sent but whose signal was lost (a crash between the two)."""
    stale = list(
        BroadcastPost.objects.filter(state=PostState.QUEUED, message__state=MessageState.SENT).values_list(
            "message_id", flat=True
        )[:500]
    )
    for message_id in stale:
        post_sent(message_id=message_id)
    failed = BroadcastPost.objects.filter(state=PostState.QUEUED, message__state=MessageState.FAILED).update(
        state=PostState.FAILED
    )
    return len(stale) + failed
