"""Storing inbound events: store first, then work.

A webhook request (`social.inbox.receive`) or a poll calls `inbound_store` with the parsed
events: one INSERT ... ON CONFLICT DO NOTHING stores the new ones, duplicates are dropped by
the unique key, and processing is enqueued once the rows are committed. Nothing else happens
in the request.
"""

import contextlib
import logging
import time
from collections.abc import Iterable
from datetime import datetime

import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from redis.backoff import NoBackoff
from redis.retry import Retry

from servicedesk.celery import app as celery_app

from .. import tasks
from ..events import ParsedEvent
from ..models import InboundEvent, InboundState
from ..queries import per_channel
from .storable import storable

logger = logging.getLogger(__name__)


def inbound_store(*, events: Iterable[ParsedEvent], source: str = "webhook") -> list[int]:
    """Store `events`; return the ids of those not seen before. Safe to call twice."""
    now = timezone.now()
    # What PostgreSQL cannot store is replaced first: keys, shards and lookups follow from what is stored.
    made_storable = [storable(event) for event in events]
    events = [event for event, _ in made_storable]
    parent_shards = _parent_shards(events)
    rows = {}
    for event, payload in made_storable:
        # One delivery may carry the same thing twice; the first one wins.
        shard = parent_shards.get((event.channel, event.in_reply_to), event.shard)
        rows.setdefault((event.channel, event.dedup_key), (event.channel, event.dedup_key[:200], payload, shard))
    if not rows:
        return []
    columns = [
        "channel",
        "dedup_key",
        "payload",
        "source",
        "shard",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "received_at",
    ]
    values = [
        [channel, dedup_key, payload, source, shard, InboundState.PENDING, 0, now, "", now]
        for channel, dedup_key, payload, shard in rows.values()
    ]
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(values))
    table = InboundEvent._meta.db_table
    # A webhook request is in autocommit: the one INSERT commits itself, in one round trip to
    # PostgreSQL instead of two (BEGIN with the INSERT, then COMMIT), and is just as atomic,
    # every row or none. Inside a caller's transaction (a poll, a test) it takes a savepoint
    # as before, so a failure leaves the caller's transaction usable. Either way processing is
    # enqueued only once the rows are committed: on_commit outside a transaction runs at once.
    with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
        with connection.cursor() as cursor:
            # One statement, whatever the delivery's size; the unique key drops what we have.
            cursor.execute(  # only our own table and column names are formatted in
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {placeholders} "  # noqa: S608
                "ON CONFLICT (channel, dedup_key) DO NOTHING RETURNING id, shard",
                [
                    connection.ops.adapt_datetimefield_value(v) if isinstance(v, datetime) else v
                    for row in values
                    for v in row
                ],
            )
            stored = cursor.fetchall()
        if stored:
            shards = sorted({shard for _, shard in stored})
            transaction.on_commit(lambda: _enqueue_processing(shards), robust=True)
    return [pk for pk, _ in stored]


def _parent_shards(events: list[ParsedEvent]) -> dict[tuple[str, str], int]:
    """A reply goes to the shard of the message it answers, so one worker handles the two in
    order (X's older payloads carry no conversation id to share). One indexed query."""
    parents = {(event.channel, event.in_reply_to) for event in events if event.in_reply_to}
    if not parents:
        return {}
    wanted = per_channel("dedup_key", parents)
    shards = {(e.channel, e.external_id): e.shard for e in events}  # parents in this delivery
    shards.update(
        {
            (channel, key): shard
            for channel, key, shard in InboundEvent.objects.filter(wanted).values_list("channel", "dedup_key", "shard")
        }
    )
    return shards


def _enqueue_processing(shards: list[int]) -> None:
    """Publish a drain of each shard (once per shard, see the flags below). With the broker
    down, the delivery is answered as fast as ever: the events are stored, publishing is
    tried once with short timeouts and no retries, then not again for
    SOCIAL_ENQUEUE_BACKOFF_SECONDS; the sweeper (social.tasks.sweep_inbox) enqueues what
    waits once the broker is back."""
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return
    for shard in shards:
        try:
            first = drain_flag_set(shard)
        except redis.RedisError as error:
            return _broker_unreachable(error, shards)
        if not first:
            continue
        try:
            # Retrying is the sweeper's job: a web request does not wait through kombu's policy.
            tasks.process_inbox.apply_async(kwargs={"shard": shard}, retry=False)
        except Exception as error:
            drain_flag_clear(shard)  # the next delivery tries again
            return _broker_unreachable(error, shards)
    return None


_broker_down_until = 0.0  # time.monotonic() until which intake does not try the broker


def _broker_unreachable(error: Exception, shards: list[int]) -> None:
    global _broker_down_until
    backoff = settings.SOCIAL_ENQUEUE_BACKOFF_SECONDS
    _broker_down_until = time.monotonic() + backoff
    logger.warning(
        "Broker unreachable (%s: %s): shards %s left to the sweeper; intake tries again in %s s",
        type(error).__name__,
        error,
        shards,
        backoff,
    )


# "A drain of this shard is queued": at hundreds of deliveries a second, publishing a task
# for each costs intake more than storing the event. The first delivery sets the flag and
# publishes; the others see it and publish nothing. The task clears the flag *before* it
# claims events, so whatever was committed before the clearing is claimed, and whatever
# comes after finds no flag and publishes again: nothing waits for the sweeper.
_FLAG_SECONDS = 30  # should the task be lost, the next delivery after this publishes anew
_clients: dict = {}


def _broker_url() -> str:
    conf = celery_app.conf
    return (conf.broker_write_url or conf.broker_url or "") if not conf.task_always_eager else ""


def _flags():
    # The flags live in the broker's Redis: they describe its queue.
    url = _broker_url()
    if url not in _clients:
        # One attempt, short timeouts: a web request must not wait on a Redis that is down.
        _clients[url] = redis.Redis.from_url(
            url,
            socket_timeout=settings.BROKER_CONNECT_TIMEOUT,  # a SET: Redis answers in microseconds
            socket_connect_timeout=settings.BROKER_CONNECT_TIMEOUT,
            retry=Retry(NoBackoff(), 0),
        )
    return _clients[url]


def drain_flag_set(shard: int) -> bool:
    """Set the shard's flag; True if it was not set (the caller publishes a task).
    `redis.RedisError` when the broker's Redis does not answer."""
    if not _broker_url().startswith("redis"):
        return True
    return bool(_flags().set(f"social:drain-queued:{shard}", 1, nx=True, ex=_FLAG_SECONDS))


def drain_flag_clear(shard: int) -> None:
    if not _broker_url().startswith("redis"):
        return
    try:
        _flags().delete(f"social:drain-queued:{shard}")
    except Exception:
        logger.warning("Could not clear the drain flag of shard %s", shard, exc_info=True)
