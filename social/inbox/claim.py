"""Claiming inbound events, in batches, one shard at a time.

A worker claims up to `batch_size` pending, due events of one shard (`SELECT … FOR UPDATE SKIP
LOCKED`, on the partial index `inbound_pending_idx`), under a per-shard advisory lock so that a
thread's messages are handled in order by one worker at a time, and hands them to
`social.inbox.batch`. The batch's writes and the events' new state commit together: a crash
rolls the whole batch back, and the events stay pending, to be processed exactly once later.
An event that spoils its batch is retried alone with backoff, then parked as failed with its
error, to be replayed (`social.inbox.replay`).
"""

import logging
import traceback
import zlib
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from ..models import InboundEvent, InboundState
from .batch import Batch

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
SHARD_LOCK_NAMESPACE = zlib.crc32(b"social.inbox") & 0x7FFFFFFF  # (int4, int4) advisory lock key


def process_pending(*, shard: int, batch_size: int = 500) -> int:
    """Process one batch of due events of `shard`; the number handled (0: nothing to do, or
    another worker holds the shard). Call again while it returns a full batch."""
    try:
        with transaction.atomic():
            if not _lock_shard(shard):
                return 0
            events = list(
                InboundEvent.objects.select_for_update(skip_locked=True)
                .filter(state=InboundState.PENDING, shard=shard, next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at", "id")[:batch_size]
            )
            if not events:
                return 0
            Batch(events).run()
            return len(events)
    except Exception:
        logger.exception("Batch of shard %s failed; processing its events one by one", shard)
    # One event spoiled the batch: each on its own, so the others go through and the culprit
    # is retried with backoff, and parked once it has failed too often.
    return _process_one_by_one(shard=shard, batch_size=batch_size)


def _lock_shard(shard: int) -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite: one writer at a time anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [SHARD_LOCK_NAMESPACE, shard])
        return cursor.fetchone()[0]


def _process_one_by_one(*, shard: int, batch_size: int) -> int:
    handled = 0
    ids = list(
        InboundEvent.objects.filter(state=InboundState.PENDING, shard=shard, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:batch_size]
    )
    for event_id in ids:
        try:
            with transaction.atomic():
                if not _lock_shard(shard):
                    return handled
                event = (
                    InboundEvent.objects.select_for_update(skip_locked=True)
                    .filter(pk=event_id, state=InboundState.PENDING)
                    .first()
                )
                if event is None:
                    continue
                Batch([event]).run()
        except Exception as error:
            _record_failure(event_id, error)
        handled += 1
    return handled


def _record_failure(event_id: int, error: Exception) -> None:
    with transaction.atomic():
        event = InboundEvent.objects.select_for_update().get(pk=event_id)
        event.attempts += 1
        event.last_error = "".join(traceback.format_exception_only(error)).strip()[:2000]
        if event.attempts >= MAX_ATTEMPTS:
            event.state = InboundState.FAILED
            logger.error("Inbound event %s parked as failed after %s attempts: %s", event_id, event.attempts, error)
        else:
            event.next_attempt_at = timezone.now() + timedelta(seconds=10 * 2**event.attempts)
        event.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
