"""Every inbound event becomes exactly one incident, whatever happens to the processes.

These run the real thing: PostgreSQL, Redis, and `celery -A servicedesk worker` subprocesses
(prefork) reading the test database. A worker is SIGKILLed mid-batch, the broker is killed
and restarted under the ingestion, a shard's task is delivered twice; each time the counts
must come out exact. Slow (seconds each), and part of the normal suite.
"""

import logging
import os
import re

import pytest
import redis
from django.db import connection

from servicedesk.celery import app as celery_app
from social.events import SHARDS
from social.inbox.store import inbound_store
from social.models import Direction, InboundEvent, InboundState, MessageState, SocialAccount, SocialMessage
from social.tasks import process_inbox, sweep_inbox
from tickets.models import Incident

from ..conftest import service_missing
from .workers import (
    DESK,
    PrivateRedis,
    done_count,
    enqueue_to,
    exactly_once,
    mentions,
    other_backends,
    outcome,
    own_redis_db,
    running_worker,
    shard_lock_holders,
    wait_until,
)

# Committed for real, so the worker processes see the rows.
pytestmark = [
    pytest.mark.workers,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # leave the reference data
]

# Small batches: a shard's task runs through many transactions, so a kill lands inside one.
WORKER_ENV = {"SOCIAL_BATCH_SIZE": "20"}


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        service_missing("PostgreSQL", "a worker process cannot share the test's SQLite database")


@pytest.fixture
def broker(postgres):
    """The suite's Redis, on a database number of our own, emptied before and after."""
    url = os.environ.get("CELERY_BROKER_URL")
    if not url:
        service_missing("Redis", "CELERY_BROKER_URL is not set")
    url = own_redis_db(url)
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError as error:
        service_missing("Redis", f"{url} does not answer: {error}")
    with enqueue_to(url):
        yield url
    client.flushdb()  # also the unacknowledged tasks a killed worker left behind


@pytest.fixture
def private_redis(postgres, tmp_path):
    """A redis-server of this test's own, which it may kill and restart."""
    if PrivateRedis.executable is None:
        service_missing("redis-server", "the executable is not on PATH")
    server = PrivateRedis(tmp_path / "redis.log")
    try:
        server.start()
        with enqueue_to(server.url):
            yield server
    finally:
        server.kill()


@pytest.fixture(autouse=True)
def desk_account(db):
    # Without the desk's account, its mentions would be ignored rather than opened.
    SocialAccount.objects.create(channel="twitter", external_id=DESK, handle="@desk")


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(broker, tmp_path, settings):
    total = 2000
    inbound_store(events=mentions(total, prefix="kill"))  # enqueues one task per shard
    assert InboundEvent.objects.filter(state=InboundState.PENDING).count() == total

    with running_worker(broker_url=broker, log=tmp_path / "first.log", env=WORKER_ENV) as first:
        # Some batches committed, and one in flight: a shard's lock is held by a worker.
        wait_until(
            lambda: done_count() >= total // 10 and shard_lock_holders(),
            timeout=45,
            what="the worker to be part-way through",
            log=first.output,
            interval=0.01,
        )
        first.kill()
    done_at_kill = done_count()
    assert done_at_kill < total * 0.9, f"the worker finished ({done_at_kill}) before it could be killed"

    # PostgreSQL rolls back what the dead connections had open: no half-written batch.
    wait_until(lambda: other_backends() == 0, timeout=15, what="the killed worker's connections to close")
    half = outcome()
    assert half["events done"] == half["incidents"] == half["inbound messages"] == half["acknowledgements"], half
    assert half["incidents without exactly one inbound message"] == 0, half

    # The killed worker's tasks sit unacknowledged in Redis until the visibility timeout;
    # the sweeper (beat runs it every minute) hands their shards out again.
    settings.SOCIAL_SWEEP_GRACE_SECONDS = 0
    with running_worker(broker_url=broker, log=tmp_path / "second.log", env=WORKER_ENV) as second:
        sweep_inbox.apply()
        wait_until(lambda: done_count() == total, timeout=45, what=f"all {total} events", log=second.output)

    assert outcome() == exactly_once(total)


def test_no_event_is_lost_when_redis_restarts_during_ingestion(private_redis, tmp_path, settings, caplog):
    size, calls_per_phase = 40, 5
    settings.SOCIAL_ENQUEUE_BACKOFF_SECONDS = 0  # deliveries keep trying the broker while it is down
    total = (4 * calls_per_phase + 2) * size  # four phases, and a delivery before each kill
    events = iter(mentions(total, prefix="restart"))
    failed_enqueues = []

    def deliver() -> None:
        """What a webhook request does: store, and enqueue the shards once committed."""
        caplog.clear()
        stored = inbound_store(events=[next(events) for _ in range(size)])
        assert len(stored) == size  # stored, whether or not the enqueue worked
        failed_enqueues.extend(r for r in caplog.records if "Broker unreachable" in r.getMessage())

    def ingest() -> None:
        for _ in range(calls_per_phase):
            deliver()

    def kill_redis_with_tasks_queued() -> None:
        deliver()
        assert private_redis.queued() > 0  # tasks the worker has not taken yet: lost with Redis
        private_redis.kill()

    def everything_stored_is_done() -> bool:
        return done_count() == InboundEvent.objects.count()

    with (
        caplog.at_level(logging.WARNING, logger="social.inbox.store"),
        running_worker(broker_url=private_redis.url, log=tmp_path / "worker.log", env=WORKER_ENV) as worker,
    ):
        ingest()
        wait_until(everything_stored_is_done, timeout=30, what="the first deliveries", log=worker.output)
        kill_redis_with_tasks_queued()
        before = len(failed_enqueues)
        ingest()  # Redis down: every delivery is stored and answered (deliver() checks it)
        # ...and the intake says it left the shards to the sweeper. How many times depends on
        # its back-off and on when the pool notices the dead connection: only that it did.
        assert len(failed_enqueues) > before, "no delivery noticed that the broker was down"

        private_redis.start()
        wait_until(lambda: private_redis.consumers() > 0, timeout=30, what="the worker to reconnect", log=worker.output)
        ingest()
        # The shards' new tasks also drain what was stored while Redis was down.
        wait_until(everything_stored_is_done, timeout=30, what="the deliveries after the restart", log=worker.output)
        kill_redis_with_tasks_queued()
        before = len(failed_enqueues)
        ingest()
        assert len(failed_enqueues) > before, "no delivery noticed the second outage"
        private_redis.start()
        wait_until(lambda: private_redis.consumers() > 0, timeout=30, what="the worker to reconnect", log=worker.output)

        # Nobody was told about the last deliveries: they wait for the sweeper.
        wait_until(lambda: not shard_lock_holders(), timeout=20, what="the worker to finish what it had")
        assert InboundEvent.objects.count() == total
        assert not everything_stored_is_done(), "the sweeper had nothing left to do: the test proves nothing"
        settings.SOCIAL_SWEEP_GRACE_SECONDS = 0
        sweep_inbox.apply()
        wait_until(everything_stored_is_done, timeout=45, what="every event after the sweep", log=worker.output)

    assert outcome() == exactly_once(total)


def test_a_shard_delivered_twice_at_once_is_processed_once(broker, tmp_path):
    total = 300
    shard = 3
    events = [event for event in mentions(total * SHARDS * 2, prefix="twice") if event.shard == shard][:total]
    assert len(events) == total
    inbound_store(events=events)
    celery_app.control.purge()  # the store's own enqueue: only our two deliveries remain

    process_inbox.delay(shard=shard)
    process_inbox.delay(shard=shard)
    # Two pool processes take one delivery each, at the same moment.
    with running_worker(broker_url=broker, log=tmp_path / "worker.log", concurrency=2, env=WORKER_ENV) as worker:
        wait_until(lambda: done_count() == total, timeout=45, what=f"all {total} events", log=worker.output)
        # The delivery that found the shard busy comes back a second later; let it run.
        client = redis.Redis.from_url(broker)
        wait_until(
            lambda: client.llen("celery") == 0 and client.hlen("unacked") == 0,
            timeout=20,
            what="the queue to drain",
        )

    assert outcome() == exactly_once(total)
    assert Incident.objects.values("title").distinct().count() == total
    # Both deliveries ran (and the one that found the shard busy, again later); between
    # them all, each event was handled once.
    runs = re.findall(r"process_inbox\[[^\]]+\] succeeded in [\d.]+s: (\d+)", worker.output(tail=None))
    handled = [int(n) for n in runs]
    assert len(handled) >= 2 and sum(handled) == total, handled


def test_the_acknowledgements_the_intake_enqueues_run_without_error(broker, tmp_path):
    total = 10
    inbound_store(events=mentions(total, prefix="ack"))
    with running_worker(broker_url=broker, log=tmp_path / "worker.log", env=WORKER_ENV) as worker:
        wait_until(lambda: done_count() == total, timeout=45, what=f"all {total} events", log=worker.output)
        client = redis.Redis.from_url(broker)
        wait_until(
            lambda: client.llen("celery") == 0 and client.hlen("unacked") == 0,
            timeout=20,
            what="the acknowledgements' tasks to run",
        )
    assert outcome() == exactly_once(total)

    failures = re.findall(r"Task (\S+)\[[^\]]+\] raised unexpected: (\w+)", worker.output(tail=None))
    assert failures == []
    # The desk's account has no tokens: each acknowledgement waits for them, unsent.
    acknowledgements = SocialMessage.objects.filter(direction=Direction.OUTBOUND)
    assert set(acknowledgements.values_list("state", flat=True)) == {MessageState.QUEUED}
    assert all("access token" in reason for reason in acknowledgements.values_list("state_reason", flat=True))
