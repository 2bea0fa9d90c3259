"""Answers queued to go back where the incident came from.

An agent's public reply (`reply_create_for_comment`, on tickets' `public_reply_created`) and
the acknowledgements of a processed batch become outbound messages, queued; one task sends a
batch of them (`social.outbox.send`). A failed one is queued again by the agent's Retry.
"""

from django.db import transaction
from django.utils import timezone

from tickets.models import Comment

from .. import platforms, tasks
from ..events import ANSWER_KIND, Kind
from ..models import Direction, MessageState, SocialMessage


def reply_create_for_comment(*, comment: Comment) -> SocialMessage | None:
    """An agent's public reply on a social incident becomes an outbound message answering the
    reporter's latest message, on the same channel. Called inside the comment's transaction."""
    incident = comment.incident
    if incident is None or platforms.find(incident.channel) is None:
        return None
    inbound = (
        SocialMessage.objects.filter(incident=incident, direction=Direction.INBOUND, identity__isnull=False)
        .exclude(external_id="")
        .select_related("identity")
        .order_by("-created_at", "-id")
    )
    answered = next((m for m in inbound[:50] if not m.deleted), None)
    if answered is None and not inbound.exists():
        return None  # recorded by hand with a social channel: nothing on the platform to answer
    now = timezone.now()
    message = SocialMessage(
        channel=incident.channel,
        direction=Direction.OUTBOUND,
        kind=ANSWER_KIND.get(answered.kind, Kind.REPLY) if answered else Kind.REPLY,
        account_external_id=answered.account_external_id if answered else "",
        identity=answered.identity if answered else None,
        author_name=comment.author_name,
        text=comment.body,
        in_reply_to=answered.external_id if answered else "",
        thread_key=answered.thread_key if answered else "",
        incident=incident,
        comment=comment,
        state=MessageState.QUEUED,
        next_attempt_at=now,
        created_at=now,
    )
    if answered is None:
        message.state = MessageState.FAILED
        message.state_reason = "Nothing to answer: every message of this incident was deleted at the source."
    message.save()
    if message.state == MessageState.QUEUED:
        transaction.on_commit(lambda: enqueue_sending([message.pk]), robust=True)
    return message


def enqueue_sending(message_ids: list[int]) -> None:
    """One task for a batch's answers: a task each would cost intake more than the work."""
    for start in range(0, len(message_ids), 500):
        tasks.send_outbound_many.delay(message_ids=message_ids[start : start + 500])


def message_retry(*, message: SocialMessage, actor=None) -> SocialMessage:
    """The agent's "Retry" on a failed message: queued again, with a fresh count."""
    with transaction.atomic():
        message = SocialMessage.objects.select_for_update().get(pk=message.pk)
        if message.direction != Direction.OUTBOUND or message.state != MessageState.FAILED:
            return message
        message.state = MessageState.QUEUED
        message.state_reason = ""
        message.attempts = 0
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["state", "state_reason", "attempts", "next_attempt_at"])
        transaction.on_commit(lambda: enqueue_sending([message.pk]), robust=True)
    return message
