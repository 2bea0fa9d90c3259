"""Celery tasks: thin wrappers around social's services, safe to run twice.

Processing is per shard: a thread's messages share a shard and one worker drains a shard at
a time (an advisory lock), so replies are handled after what they answer.

The services import this module at their top, to enqueue tasks; so each task imports the
services it runs inside its body (HackSoft's direction), and no import closes a cycle. The
module itself imports only models and settings: a worker loads it before anything else.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from . import platforms
from .accounts import accounts_of
from .events import SHARDS
from .models import InboundEvent, InboundState

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def process_inbox(shard: int) -> int:
    """Drain `shard`'s backlog. If another worker holds the shard, it will see ours too; if
    it was just finishing, we come back in a moment rather than wait here."""
    from .inbox import claim, store  # services inside the task: they import this module

    store.drain_flag_clear(shard)  # before claiming: see social.inbox.store
    handled = 0
    while True:
        done = claim.process_pending(shard=shard, batch_size=settings.SOCIAL_BATCH_SIZE)
        handled += done
        # A partial batch means the backlog is drained: stop, and let the shards queued
        # behind this one have the worker. What arrives next has published its own task.
        if done < settings.SOCIAL_BATCH_SIZE:
            break
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        _come_back_for_waiting_events(shard, busy=handled == 0)
    return handled


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def store_message_files(message_ids: list[int]) -> int:
    """Keep the files that stored messages carry (an e-mail's attachments) as their
    incidents' attachments. Safe to run twice."""
    from .inbox.files import messages_files_store  # services inside the task: see the module

    return messages_files_store(message_ids=message_ids)


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
    from .outbox import send  # services inside the task: they import this module

    return send.message_send(message_id=message_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_outbound_many(message_ids: list[int]) -> int:
    from .outbox import send  # services inside the task: they import this module

    return send.messages_send(message_ids=message_ids)


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    """Re-enqueue outbound messages whose next attempt is due."""
    from .outbox import claim, queue  # services inside the task: they import this module

    due = claim.due_messages()
    if due:
        queue.enqueue_sending(due)
    return len(due)


@shared_task(ignore_result=True)
def poll_accounts() -> int:
    """Poll every account that has polling on (accounts without webhooks)."""
    from .inbox.poll import poll_account  # services inside the task: they import this module

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


@shared_task(acks_late=True, ignore_result=True)
def fill_identity_names() -> int:
    """Names for the people a platform gave only an id (social.identities), every few minutes."""
    from .identities import identity_names_fill  # services inside the task: they import this module

    return identity_names_fill()
