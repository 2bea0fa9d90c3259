"""A sender that crashed mid-attempt: its lease runs out, and the message, found `sending`, is
reconciled — the platform asked whether it went out, then sent or not — never posted twice
(social.outbox.reconcile). The platform is called outside any transaction."""

import dataclasses
import json
from datetime import timedelta

import pytest
import responses
from django.db import connection
from django.utils import timezone

from social import platforms
from social.models import Direction, MessageState, SocialMessage
from social.outbox import claim
from social.outbox.reconcile import CANNOT_TELL

from ..factories import SocialAccountFactory, SocialMessageFactory
from ..platforms import parley
from .conftest import GRAPH, PAGE, send, the_acknowledgement, visitor_post


def crash_mid_attempt(message: SocialMessage) -> claim.Claim:
    """A worker claims the message, marks it `sending` as it does before calling the platform,
    and dies there."""
    held = claim.claim(message_id=message.pk)
    held.keep(state=MessageState.SENDING, attempts=held.message.attempts + 1, next_attempt_at=held.lease)
    return held


def lease_runs_out(message: SocialMessage) -> None:
    past = timezone.now() - timedelta(seconds=1)
    SocialMessage.objects.filter(pk=message.pk).update(leased_until=past, next_attempt_at=past)


def page_comment(comment_id: str, text: str) -> dict:
    return {"id": comment_id, "message": text, "from": {"id": PAGE}, "created_time": timezone.now().isoformat()}


@pytest.mark.django_db
def test_a_crashed_attempt_that_went_out_is_found_and_not_posted_again(page, graph):
    visitor_post()
    ack = the_acknowledgement()
    crash_mid_attempt(ack)

    assert send(ack).state == MessageState.SENDING  # the lease still holds: nobody touches it
    assert claim.due_messages() == [] and not graph.calls

    lease_runs_out(ack)
    assert claim.due_messages() == [ack.pk]
    graph.get(f"{GRAPH}/2000_1/comments", json={"data": [page_comment("2000_1_900", ack.text)]})
    ack = send(ack)

    assert (ack.state, ack.external_id, ack.leased_until) == (MessageState.SENT, "2000_1_900", None)
    assert [call.request.method for call in graph.calls] == ["GET"]  # asked, never posted


@pytest.mark.django_db
def test_a_crashed_attempt_that_did_not_go_out_is_posted_once(page, graph):
    visitor_post()
    ack = the_acknowledgement()
    crash_mid_attempt(ack)
    lease_runs_out(ack)
    graph.get(f"{GRAPH}/2000_1/comments", json={"data": [page_comment("2000_1_1", "Somebody else's words")]})
    graph.post(f"{GRAPH}/2000_1/comments", json={"id": "2000_1_901"})

    ack = send(ack)
    assert (ack.state, ack.external_id, ack.attempts) == (MessageState.SENT, "2000_1_901", 2)
    assert send(ack).state == MessageState.SENT  # the task again: nothing more goes out
    assert [call.request.method for call in graph.calls] == ["GET", "POST"]


def parley_message(**fields) -> SocialMessage:
    SocialAccountFactory(channel=parley.CHANNEL, external_id="desk-1", app_secret="s", access_token="bot-token")
    return SocialMessageFactory(
        channel=parley.CHANNEL,
        direction=Direction.OUTBOUND,
        account_external_id="desk-1",
        in_reply_to="p-1",
        text="We are on it.",
        next_attempt_at=timezone.now(),
        **fields,
    )


@pytest.mark.django_db
def test_where_the_platform_cannot_be_asked_it_fails_for_the_agent_to_decide(parley_registered):
    message = parley_message()
    crash_mid_attempt(message)
    lease_runs_out(message)
    with responses.RequestsMock():  # any call to Parley would fail the test
        message = send(message)
    assert (message.state, message.state_reason) == (MessageState.FAILED, CANNOT_TELL)
    assert [name for name, _ in parley.calls] == []  # not even asked: it cannot tell


@pytest.fixture
def idempotent_parley(parley_registered):
    """Parley, were its sends idempotent (as Mastodon's Idempotency-Key or a Bluesky record key)."""
    platforms.unregister(parley.CHANNEL)
    platform = dataclasses.replace(
        parley.PLATFORM, capabilities=platforms.Capabilities(webhook=True, idempotent_send=True)
    )
    platforms.register(platform)
    return platform


@pytest.mark.django_db
def test_where_a_retried_send_cannot_post_twice_it_is_simply_sent_again(idempotent_parley):
    message = parley_message()
    crash_mid_attempt(message)
    lease_runs_out(message)
    with responses.RequestsMock() as api:
        api.post(f"{parley.API}/messages", json={"id": "p-100"})
        message = send(message)
    assert (message.state, message.external_id) == (MessageState.SENT, "p-100")
    assert [name for name, _ in parley.calls] == ["rule_violation", "send"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_platform_is_asked_and_called_outside_any_transaction(page, graph, monkeypatch):
    # Committed for real, the acknowledgement would be sent at once: keep it queued.
    monkeypatch.setattr("social.inbox.batch.enqueue_sending", lambda message_ids: None)
    visitor_post()
    ack = the_acknowledgement()
    crash_mid_attempt(ack)
    lease_runs_out(ack)
    in_transaction = []

    def answer(body: dict):
        def callback(request):
            in_transaction.append((request.method, connection.in_atomic_block))
            return 200, {}, json.dumps(body)

        return callback

    graph.add_callback(responses.GET, f"{GRAPH}/2000_1/comments", callback=answer({"data": []}))
    graph.add_callback(responses.POST, f"{GRAPH}/2000_1/comments", callback=answer({"id": "2000_1_902"}))
    assert send(ack).state == MessageState.SENT
    assert in_transaction == [("GET", False), ("POST", False)]
