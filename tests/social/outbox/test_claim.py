"""The lease: one worker at a time attempts a message, without holding a lock, and only the
holder of the lease writes the attempt's outcome (social.outbox.claim)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from social import platforms
from social.models import MessageState, SocialMessage
from social.outbox import claim

from .conftest import send, the_acknowledgement, visitor_post

pytestmark = pytest.mark.django_db


def expire(message: SocialMessage) -> None:
    """As if the holder's lease had run out (and the attempt were due)."""
    past = timezone.now() - timedelta(seconds=1)
    SocialMessage.objects.filter(pk=message.pk).update(leased_until=past, next_attempt_at=past)


def test_one_worker_at_a_time_holds_a_message(page, graph):
    visitor_post()
    ack = the_acknowledgement()
    held = claim.claim(message_id=ack.pk)
    assert held is not None and held.message == ack
    assert claim.claim(message_id=ack.pk) is None  # another worker: nothing to do
    assert send(ack).state == MessageState.QUEUED  # the task run again meanwhile posts nothing
    assert not graph.calls


def test_the_lease_lasts_what_the_platform_declares(page):
    visitor_post()
    now = timezone.now()
    held = claim.claim(message_id=the_acknowledgement().pk, now=now)
    assert held.lease == now + platforms.get("facebook").send_lease
    assert SocialMessage.objects.get(pk=held.message.pk).leased_until == held.lease


def test_what_is_not_due_or_not_to_be_sent_is_not_claimed(page):
    visitor_post()
    ack = the_acknowledgement()
    SocialMessage.objects.filter(pk=ack.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=1))
    assert claim.claim(message_id=ack.pk) is None
    SocialMessage.objects.filter(pk=ack.pk).update(next_attempt_at=None, state=MessageState.SENT)
    assert claim.claim(message_id=ack.pk) is None
    assert claim.claim(message_id=ack.pk + 1000) is None


def test_the_sweeper_leaves_a_held_message_to_its_holder_until_the_lease_ends(page):
    visitor_post()
    ack = the_acknowledgement()
    claim.claim(message_id=ack.pk)
    SocialMessage.objects.filter(pk=ack.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=1))
    assert claim.due_messages() == []
    expire(ack)
    assert claim.due_messages() == [ack.pk]


def test_only_the_holder_of_the_lease_writes_the_outcome(page):
    visitor_post()
    ack = the_acknowledgement()
    first = claim.claim(message_id=ack.pk)
    expire(ack)
    second = claim.claim(message_id=ack.pk)  # the first worker was too slow: its lease is gone
    assert second is not None and second.lease != first.lease

    assert first.release(state=MessageState.FAILED, state_reason="too late") is False
    ack.refresh_from_db()
    assert (ack.state, ack.leased_until) == (MessageState.QUEUED, second.lease)
    assert second.release(state_reason="waiting") is True
    ack.refresh_from_db()
    assert (ack.state_reason, ack.leased_until) == ("waiting", None)


def test_a_message_on_the_platform_is_recorded_as_sent_by_whoever_posted_it(page):
    visitor_post()
    ack = the_acknowledgement()
    first = claim.claim(message_id=ack.pk)
    expire(ack)
    second = claim.claim(message_id=ack.pk)

    assert first.record_sent(["2000_1_77"]) == MessageState.SENT  # a fact, lease or not
    assert second.release(state=MessageState.FAILED, state_reason="no") is False  # and nothing overwrites it
    ack.refresh_from_db()
    assert (ack.state, ack.external_id, ack.parts, ack.leased_until) == (
        MessageState.SENT,
        "2000_1_77",
        ["2000_1_77"],
        None,
    )
