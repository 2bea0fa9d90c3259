"""Celery tasks: thin wrappers around social's services, safe to run twice.

Processing is per shard: a thread's messages share a shard and one worker drains a shard at
a time (an advisory lock), so replies are handled after what they answer.
"""

from celery import shared_task
from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from . import outbound, processing
from .events import SHARDS
from .models import InboundEvent, InboundState


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def process_inbox(shard: int) -> int:
    """Drain `shard` while it has due events. If another worker holds the shard, it will see
    ours too; if it was just finishing, we come back in a moment rather than wait here."""
    handled = 0
    while True:
        done = processing.process_pending(shard=shard, batch_size=settings.SOCIAL_BATCH_SIZE)
        handled += done
        if done == 0:
            break
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        _come_back_for_waiting_events(shard, busy=handled == 0)
    return handled


def _come_back_for_waiting_events(shard: int, *, busy: bool) -> None:
    """Events left pending — a reply waiting for its parent, a retry soon due, or a shard
    another worker held — get a task of their own when they are due, rather than waiting
    for the sweeper. Later ones are the sweeper's."""
    due = InboundEvent.objects.filter(state=InboundState.PENDING, shard=shard).aggregate(at=Min("next_attempt_at"))
    if due["at"] is None:
        return
    countdown = max((due["at"] - timezone.now()).total_seconds(), 0.5 if busy else 0.05)
    if countdown <= 60:
        process_inbox.apply_async(kwargs={"shard": shard}, countdown=countdown)


@shared_task(ignore_result=True)
def sweep_inbox() -> list[int]:
    """Re-enqueue shards holding events nobody processed (the broker lost the task, Redis
    restarted, a worker died) or whose retry is due."""
    stale = timezone.now() - timezone.timedelta(seconds=settings.SOCIAL_SWEEP_GRACE_SECONDS)
    shards = sorted(
        set(
            InboundEvent.objects.filter(state=InboundState.PENDING, next_attempt_at__lte=stale)
            .values_list("shard", flat=True)
            .distinct()
        )
    )
    for shard in shards:
        process_inbox.delay(shard=shard)
    return shards


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_outbound(message_id: int) -> str:
    return outbound.message_send(message_id=message_id)


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    """Re-enqueue outbound messages whose next attempt is due."""
    due = outbound.due_messages()
    for message_id in due:
        send_outbound.delay(message_id=message_id)
    return len(due)


@shared_task(ignore_result=True)
def poll_accounts() -> int:
    """Poll every account that has polling on (accounts without webhooks)."""
    from .accounts import accounts_of
    from .polling import poll_account

    polled = 0
    for channel in ("twitter", "facebook"):
        for account in accounts_of(channel):
            if account.poll_enabled:
                poll_account(account=account)
                polled += 1
    return polled


__all__ = ["SHARDS", "poll_accounts", "process_inbox", "send_outbound", "sweep_inbox", "sweep_outbox"]
