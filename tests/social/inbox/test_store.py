"""Storing inbound events (social.inbox.store): stored first and once, whatever delivers them,
in the shard of their thread, in one statement; processing enqueued once the rows are
committed, one task per shard however many deliveries arrive."""

import os

import pytest
import redis
from django.db import connection

from servicedesk.celery import app as celery_app
from social.events import Action, ParsedEvent
from social.inbox import store
from social.inbox.store import inbound_store
from social.models import InboundEvent, InboundState

from ...conftest import service_missing
from ...queries import assert_queries
from .conftest import tweet

pytestmark = pytest.mark.django_db


def test_new_events_are_stored_as_parsed_and_their_ids_returned():
    first, second = tweet("t1"), tweet("t2", author="43", handle="@kim")
    ids = inbound_store(events=[first, second])
    assert sorted(ids) == sorted(InboundEvent.objects.values_list("pk", flat=True)) and len(ids) == 2
    row = InboundEvent.objects.get(dedup_key="t1")
    assert (row.channel, row.source, row.state, row.attempts, row.last_error) == (
        "twitter",
        "webhook",
        InboundState.PENDING,
        0,
        "",
    )
    assert row.next_attempt_at == row.received_at and row.shard == first.shard
    assert ParsedEvent.from_json(row.payload) == first  # everything the parser said, raw payload included


def test_a_redelivery_or_an_overlapping_poll_stores_nothing_new():
    inbound_store(events=[tweet("t1")])
    assert inbound_store(events=[tweet("t1")]) == []  # the webhook again
    assert inbound_store(events=[tweet("t1")], source="poll") == []  # a poll read it too
    assert InboundEvent.objects.get().source == "webhook"


def test_the_same_thing_twice_in_one_delivery_is_stored_once_as_it_first_came():
    ids = inbound_store(events=[tweet("t1", "first words"), tweet("t1", "second words")])
    assert len(ids) == 1 and InboundEvent.objects.get().payload["text"] == "first words"


def test_an_edit_and_a_deletion_are_events_of_their_own():
    inbound_store(events=[tweet("t1")])
    edit = tweet("t1", "edited", action=Action.EDIT)
    assert len(inbound_store(events=[edit])) == 1
    assert inbound_store(events=[tweet("t1", "edited", action=Action.EDIT)]) == []  # the same edit again
    assert len(inbound_store(events=[tweet("t1", "edited twice", action=Action.EDIT)])) == 1
    assert len(inbound_store(events=[tweet("t1", "", action=Action.DELETE)])) == 1
    keys = set(InboundEvent.objects.values_list("dedup_key", flat=True))
    assert "t1" in keys and "delete:t1" in keys and len([k for k in keys if k.startswith("edit:t1:")]) == 2


def test_nothing_to_store_costs_nothing():
    with assert_queries(0):
        assert inbound_store(events=[]) == []


def test_a_delivery_is_one_statement_whatever_its_size():
    # The transaction (a savepoint inside the test's), and one INSERT … ON CONFLICT DO NOTHING.
    with assert_queries(3):
        inbound_store(events=[tweet("t1")])
    with assert_queries(3):
        inbound_store(events=[tweet(f"m{n}", author=str(n)) for n in range(200)])
    assert InboundEvent.objects.count() == 201


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_delivery_is_one_round_trip_that_commits_itself(monkeypatch):
    # A webhook request runs in autocommit: no BEGIN and COMMIT around the one INSERT (a third
    # of a single-event delivery's round trips to PostgreSQL), and the drain is published once
    # the INSERT has committed, when a worker can see the rows.
    open_transaction_when_enqueued = []
    monkeypatch.setattr(
        store.tasks.process_inbox,
        "apply_async",
        lambda kwargs, retry: open_transaction_when_enqueued.append(
            connection.in_atomic_block or not connection.get_autocommit()
        ),
    )
    with assert_queries(1) as captured:
        [stored] = inbound_store(events=[tweet("t1")])
    assert captured.captured_queries[0]["sql"].startswith("INSERT INTO social_inboundevent")
    assert open_transaction_when_enqueued == [False]
    assert InboundEvent.objects.get().pk == stored
    with assert_queries(1):
        assert inbound_store(events=[tweet("t1")]) == []  # exactly once still: the unique key drops it
    assert open_transaction_when_enqueued == [False]  # nothing new, nothing published


def test_replies_cost_one_more_query_to_find_their_parents_shards():
    with assert_queries(4):
        inbound_store(events=[tweet(f"r{n}", in_reply_to=f"p{n}") for n in range(50)])


def test_a_reply_is_stored_in_the_shard_of_the_message_it_answers():
    parent = tweet("t1")
    reply = tweet("t2", "@desk more", in_reply_to="t1", thread_key="t1-reply-chain-without-conversation-id")
    assert parent.shard != reply.shard  # as X's older payloads would have it
    inbound_store(events=[parent])
    inbound_store(events=[reply])
    assert InboundEvent.objects.get(dedup_key="t2").shard == InboundEvent.objects.get(dedup_key="t1").shard


def test_a_reply_delivered_with_its_parent_goes_to_the_parents_shard():
    parent = tweet("t1")
    reply = tweet("t2", "@desk more", in_reply_to="t1", thread_key="another-key")
    inbound_store(events=[parent, reply])
    assert InboundEvent.objects.get(dedup_key="t2").shard == parent.shard


def test_processing_is_enqueued_once_per_shard_when_the_rows_are_committed(
    monkeypatch, django_capture_on_commit_callbacks
):
    enqueued = []
    monkeypatch.setattr(
        store.tasks.process_inbox, "apply_async", lambda kwargs, retry: enqueued.append(kwargs["shard"])
    )
    events = [tweet(f"m{n}", author=str(n)) for n in range(40)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        inbound_store(events=events)
    assert enqueued == []  # not before the commit: a worker would not see the rows
    for callback in callbacks:
        callback()
    assert enqueued == sorted({event.shard for event in events})

    with django_capture_on_commit_callbacks(execute=True):
        inbound_store(events=events)  # nothing new: nothing to process
    assert len(enqueued) == len({event.shard for event in events})


@pytest.fixture
def broker_redis():
    """The drain flags in the broker's Redis, as in production (tasks are not run in-process)."""
    url = os.environ.get("CELERY_BROKER_URL")
    if not url or not url.startswith("redis"):
        service_missing("Redis", "CELERY_BROKER_URL is not a Redis URL")
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        service_missing("Redis", f"{url} does not answer: {error}")
    conf = celery_app.conf
    previous = {"task_always_eager": conf.task_always_eager, "broker_write_url": conf.broker_write_url}
    conf.update(task_always_eager=False, broker_write_url=url)
    shard = 10_000 + os.getpid() % 10_000  # a shard no real intake uses, one per test process
    client.delete(f"social:drain-queued:{shard}")
    yield shard
    client.delete(f"social:drain-queued:{shard}")
    conf.update(previous)


@pytest.mark.redis
def test_only_the_first_delivery_publishes_a_drain_until_the_drain_clears_the_flag(broker_redis):
    shard = broker_redis
    assert store.drain_flag_set(shard) is True  # publish
    assert store.drain_flag_set(shard) is False  # queued already: publish nothing
    store.drain_flag_clear(shard)  # the drain starts: what comes next publishes again
    assert store.drain_flag_set(shard) is True


@pytest.mark.redis
def test_without_redis_the_flag_says_so_at_once(broker_redis):
    celery_app.conf.update(broker_write_url="redis://127.0.0.1:1/0")  # nothing listens (the fixture restores)
    with pytest.raises(redis.ConnectionError):
        store.drain_flag_set(broker_redis)  # the caller leaves the event to the sweeper
