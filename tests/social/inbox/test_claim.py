"""Claiming a shard's events in batches: a failure is retried alone with backoff, then parked
(and can be replayed); a batch costs the same few queries whatever its size."""

import pytest
from django.db import connection
from django.utils import timezone

from social.inbox import batch, claim, replay
from social.inbox.store import inbound_store
from social.models import (
    InboundEvent,
    InboundState,
    SocialMessage,
)
from tickets.models import Comment, Incident

from ...queries import assert_queries
from .conftest import deliver, drain, tweet

pytestmark = pytest.mark.django_db

# A batch of mentions and replies, whatever its size: the shard's lock, the claim, what it
# threads onto, the identities (and the new ones), the incidents and their audit lines, the
# comments, the messages and acknowledgements, the events marked done, and the savepoints of
# the test's transaction, the new comments read once by the e-mail notifications, and the
# public known errors whose words acknowledgements may add (status, one read).
BATCH_QUERIES = 35


def test_a_failing_event_is_retried_with_backoff_then_parked_and_others_go_through(monkeypatch):
    real_create = batch.Batch._create

    def explode_on_t2(self, event, parsed):
        if parsed.external_id == "t2":
            raise RuntimeError("boom")
        return real_create(self, event, parsed)

    monkeypatch.setattr(batch.Batch, "_create", explode_on_t2)
    deliver(tweet("t1"), tweet("t2", author="43", handle="@kim"))

    assert Incident.objects.count() == 1  # t1 went through
    failing = InboundEvent.objects.get(dedup_key="t2")
    assert failing.state == InboundState.PENDING and failing.attempts == 1
    assert "boom" in failing.last_error and failing.next_attempt_at > timezone.now()
    assert not SocialMessage.objects.filter(external_id="t2").exists()  # nothing half-saved

    for _ in range(claim.MAX_ATTEMPTS):
        InboundEvent.objects.filter(pk=failing.pk).update(next_attempt_at=timezone.now())
        drain()
    failing.refresh_from_db()
    assert failing.state == InboundState.FAILED and failing.attempts == claim.MAX_ATTEMPTS

    monkeypatch.setattr(batch.Batch, "_create", real_create)
    assert replay.events_replay(event_ids=[failing.pk]) == 1
    drain()
    assert Incident.objects.count() == 2


def test_a_batch_takes_the_same_few_queries_whatever_its_size():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite splits bulk inserts by its parameter limit: the count is PostgreSQL's")

    def store_batch(count: int, offset: int) -> None:
        """`count` mentions by new people and a reply to each, all in one shard."""
        events = [tweet(f"q{offset + i}", author=str(offset + i), handle=f"@p{offset + i}") for i in range(count)]
        events += [
            tweet(f"r{offset + i}", "@desk more", author=str(offset + i), in_reply_to=f"q{offset + i}")
            for i in range(count)
        ]
        inbound_store(events=events)
        InboundEvent.objects.update(shard=0)  # one shard, one batch

    store_batch(1, 500)
    claim.process_pending(shard=0)  # warm-up: the accounts of the environment are synced once per process
    for count, offset in ((2, 0), (40, 100)):
        store_batch(count, offset)
        with assert_queries(BATCH_QUERIES):
            claim.process_pending(shard=0)
    assert Incident.objects.count() == 43 and Comment.objects.count() == 43
