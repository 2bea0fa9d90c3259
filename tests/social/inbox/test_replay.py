"""Replay (social.inbox.replay): failed events are pending again, due now, with a fresh
count, and their shards are drained once the change is committed; others are left alone."""

import pytest
from django.utils import timezone

from social.inbox import replay
from social.models import InboundEvent, InboundState

from ..factories import InboundEventFactory

pytestmark = pytest.mark.django_db


def test_only_failed_events_are_replayed_and_their_shards_drained_after_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    drained = []
    monkeypatch.setattr(replay.tasks.process_inbox, "delay", lambda shard: drained.append(shard))
    failed = [
        InboundEventFactory(state=InboundState.FAILED, attempts=5, shard=shard, last_error="boom")
        for shard in (2, 1, 2)
    ]
    done = InboundEventFactory(state=InboundState.DONE, shard=3)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert replay.events_replay(event_ids=[event.pk for event in [*failed, done]]) == 3
    assert drained == []
    for callback in callbacks:
        callback()
    assert drained == [1, 2]

    for event in failed:
        event.refresh_from_db()
        assert (event.state, event.attempts) == (InboundState.PENDING, 0)
        assert event.next_attempt_at <= timezone.now()
    assert InboundEvent.objects.get(pk=done.pk).state == InboundState.DONE


def test_replaying_nothing_that_failed_does_nothing(monkeypatch):
    monkeypatch.setattr(replay.tasks.process_inbox, "delay", lambda shard: pytest.fail("nothing to drain"))
    assert replay.events_replay(event_ids=[InboundEventFactory().pk, 999_999]) == 0
