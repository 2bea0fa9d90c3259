"""Storing inbound events: store first, then work.

A webhook request (`social.inbox.receive`) or a poll calls `inbound_store` with the parsed
events: one INSERT ... ON CONFLICT DO NOTHING stores the new ones, duplicates are dropped by
the unique key, and processing is enqueued once the rows are committed. Nothing else happens
in the request.
"""

import logging
from collections.abc import Iterable
from datetime import datetime

import redis
from django.db import connection, transaction
from django.utils import timezone

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
    with transaction.atomic():
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
    for shard in shards:
        if drain_flag_set(shard):
            try:
                tasks.process_inbox.delay(shard=shard)
            except Exception:
                drain_flag_clear(shard)  # the next delivery tries again
                raise


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
        _clients[url] = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    return _clients[url]


def drain_flag_set(shard: int) -> bool:
    """Set the shard's flag; True if it was not set (the caller publishes a task)."""
    if not _broker_url().startswith("redis"):
        return True
    try:
        return bool(_flags().set(f"social:drain-queued:{shard}", 1, nx=True, ex=_FLAG_SECONDS))
    except Exception:  # Redis down: publishing will fail too, and the sweeper picks the event up
        logger.warning("Could not set the drain flag of shard %s", shard, exc_info=True)
        return True


def drain_flag_clear(shard: int) -> None:
    if not _broker_url().startswith("redis"):
        return
    try:
        _flags().delete(f"social:drain-queued:{shard}")
    except Exception:
        logger.warning("Could not clear the drain flag of shard %s", shard, exc_info=True)
