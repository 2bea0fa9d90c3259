"""Celery tasks: thin wrappers around social's services, safe to run twice.

Processing is per shard: a thread's messages share a shard and one worker drains a shard at
a time (an advisory lock), so replies are handled after what they answer.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from . import outbound, platforms, processing, services
from .events import SHARDS
from .models import InboundEvent, InboundState

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def process_inbox(shard: int) -> int:
    """Drain `shard`'s backlog. If another worker holds the shard, it will see ours too; if
    it was just finishing, we come back in a moment rather than wait here."""
    services.drain_flag_clear(shard)  # before claiming: see social.services
    handled = 0
    while True:
        done = processing.process_pending(shard=shard, batch_size=settings.SOCIAL_BATCH_SIZE)
        handled += done
        # A partial batch means the backlog is drained: stop, and let the shards queued
        # behind this one have the worker. What arrives next has published its own task.
        if done < settings.SOCIAL_BATCH_SIZE:
            break
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        _come_back_for_waiting_events(shard, busy=handled == 0)
    return handled


def _come_back_for_waiting_events(shard: int, *, busy: bool) -> None:
    """Events left pending — a reply waiting for its parent, a retry soon due, or a shard
    another worker held — get a task of their own when they are due, rather than waiting
    for the sweeper. (Events that arrived during the drain published their own task.)"""
    due = InboundEvent.objects.filter(state=InboundState.PENDING, shard=shard).aggregate(at=Min("next_attempt_at"))
    if due["at"] is None:
        return
    wait = (due["at"] - timezone.now()).total_seconds()
    if busy:
        wait = max(wait, 0.5)
    elif wait <= 0:
        return
    if wait <= 60:
        process_inbox.apply_async(kwargs={"shard": shard}, countdown=wait)


@shared_task(ignore_result=True)
def sweep_inbox() -> list[int]:
    """Re-enqueue shards holding events nobody processed (the broker lost the task, Redis
    restarted, a worker died) or whose retry is due."""
    stale = timezone.now() - timedelta(seconds=settings.SOCIAL_SWEEP_GRACE_SECONDS)
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


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_outbound_many(message_ids: list[int]) -> int:
    return outbound.messages_send(message_ids=message_ids)


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    """Re-enqueue outbound messages whose next attempt is due."""
    due = outbound.due_messages()
    if due:
        outbound.enqueue_sending(due)
    return len(due)


@shared_task(ignore_result=True)
def poll_accounts() -> int:
    """Poll every account that has polling on (accounts without webhooks)."""
    from .accounts import accounts_of
    from .polling import poll_account

    polled = 0
    for platform in platforms.registered():
        if not platform.capabilities.polling:
            continue
        for account in accounts_of(platform.channel):
            if not account.poll_enabled:
                continue
            try:
                poll_account(account=account)
            except Exception:  # one account's outage must not stop the others' polls
                logger.exception("Polling %s failed; it is tried again next time", account)
            polled += 1
    return polled


__all__ = [
    "SHARDS",
    "poll_accounts",
    "process_inbox",
    "send_outbound",
    "send_outbound_many",
    "sweep_inbox",
    "sweep_outbox",
]
