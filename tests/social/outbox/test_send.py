"""Delivery of answers: an agent's public reply goes back on the incident's channel, is
retried with backoff, waits for credentials or rate limits, and is never posted twice.
Only graph.facebook.com is mocked (the Facebook client underneath is the real one)."""

from datetime import timedelta

import pytest
import requests
import responses
from django.utils import timezone

from social.events import Kind
from social.models import Direction, MessageState, SocialAccount, SocialMessage
from social.outbox import claim, queue
from tickets import services as tickets

from ..factories import SocialAccountFactory
from .conftest import GRAPH, PAGE, make_due, send, the_acknowledgement, visitor_post

pytestmark = pytest.mark.django_db


def test_the_acknowledgement_is_sent_as_a_comment_and_stores_its_id(page, graph):
    post = graph.post(f"{GRAPH}/2000_1/comments", json={"id": "2000_1_900"})
    incident = visitor_post()

    ack = send(the_acknowledgement())

    assert (ack.state, ack.external_id, ack.parts) == (MessageState.SENT, "2000_1_900", ["2000_1_900"])
    assert incident.number in post.calls[0].request.body
    assert ack.sent_at is not None


def test_an_agent_public_reply_goes_back_on_the_same_channel(page, graph, agent):
    graph.post(f"{GRAPH}/2000_1/comments", json={"id": "2000_1_901"})
    incident = visitor_post()

    comment = tickets.comment_create(
        incident=incident, body="Restart the router please", visibility="public", author=agent
    )
    internal = tickets.comment_create(incident=incident, body="probably the AP", visibility="internal", author=agent)

    reply = SocialMessage.objects.get(comment=comment)
    assert (reply.kind, reply.in_reply_to, reply.state) == (Kind.COMMENT, "2000_1", MessageState.QUEUED)
    assert not SocialMessage.objects.filter(comment=internal).exists()  # internal notes stay inside
    assert send(reply).state == MessageState.SENT


def test_a_failing_send_is_retried_with_backoff_and_posted_once(page, graph):
    graph.post(f"{GRAPH}/2000_1/comments", status=500, json={"error": {"message": "Service unavailable", "code": 2}})
    visitor_post()
    ack = send(the_acknowledgement())
    assert ack.state == MessageState.QUEUED and "retry" in ack.state_reason.lower()
    assert ack.next_attempt_at > timezone.now()
    assert send(ack).state == MessageState.QUEUED  # not due yet: nothing is sent
    assert len(graph.calls) == 1

    graph.replace(responses.POST, f"{GRAPH}/2000_1/comments", json={"id": "2000_1_902"})
    make_due(ack)
    assert send(ack).state == MessageState.SENT
    assert send(ack).state == MessageState.SENT  # the task again: nothing more goes out
    assert len(graph.calls) == 2


def test_a_timeout_is_reconciled_instead_of_posting_twice(page, graph):
    graph.post(f"{GRAPH}/2000_1/comments", body=requests.ReadTimeout("read timed out"))
    incident = visitor_post()
    ack = send(the_acknowledgement())
    assert ack.state == MessageState.SENDING  # may have gone out

    # It had: the page's comment is there.
    graph.get(
        f"{GRAPH}/2000_1/comments",
        json={
            "data": [
                {
                    "id": "2000_1_903",
                    "message": ack.text,
                    "from": {"id": PAGE, "name": "Desk"},
                    "created_time": timezone.now().isoformat(),
                }
            ]
        },
    )
    make_due(ack)
    ack = send(ack)

    assert (ack.state, ack.external_id) == (MessageState.SENT, "2000_1_903")
    posts = [call for call in graph.calls if call.request.method == "POST"]
    assert len(posts) == 1 and incident.number in ack.text


def test_a_timeout_that_did_not_post_is_sent_again(page, graph):
    graph.post(f"{GRAPH}/2000_1/comments", body=requests.ReadTimeout("read timed out"))
    visitor_post()
    ack = send(the_acknowledgement())
    graph.get(f"{GRAPH}/2000_1/comments", json={"data": []})
    graph.replace(responses.POST, f"{GRAPH}/2000_1/comments", json={"id": "2000_1_904"})
    make_due(ack)
    assert send(ack).state == MessageState.SENT


def test_a_messenger_timeout_fails_for_the_agent_to_decide(page, graph):
    graph.post(f"{GRAPH}/me/messages", body=requests.ReadTimeout("read timed out"))
    graph.post(f"{GRAPH}/{PAGE}/messages", body=requests.ReadTimeout("read timed out"))
    visitor_post("m_1", kind=Kind.MESSENGER, thread_key="messenger:77")
    ack = send(the_acknowledgement())
    make_due(ack)
    ack = send(ack)
    assert ack.state == MessageState.FAILED and "cannot tell" in ack.state_reason
    posts = [call for call in graph.calls if call.request.method == "POST"]
    assert len(posts) == 1

    queue.message_retry(message=ack)
    ack.refresh_from_db()
    assert (ack.state, ack.attempts) == (MessageState.QUEUED, 0)


def test_without_credentials_messages_stay_queued_with_the_reason(graph):
    SocialAccountFactory(channel="facebook", external_id=PAGE, app_secret="s")  # no page token
    visitor_post()
    ack = send(the_acknowledgement())
    assert ack.state == MessageState.QUEUED
    assert "FACEBOOK_PAGE_ACCESS_TOKEN" in ack.state_reason
    assert not graph.calls


def test_a_revoked_token_raises_the_banner_and_the_message_waits(page, graph):
    graph.post(
        f"{GRAPH}/2000_1/comments",
        status=400,
        json={"error": {"message": "Error validating access token", "type": "OAuthException", "code": 190}},
    )
    visitor_post()
    ack = send(the_acknowledgement())
    page.refresh_from_db()
    assert "access token" in page.token_error
    assert ack.state == MessageState.QUEUED and "new one" in ack.state_reason

    make_due(ack)
    assert send(ack).state == MessageState.QUEUED  # waits: no second call with a refused token
    assert len(graph.calls) == 1


def test_a_rate_limit_holds_every_message_of_the_account_until_it_lifts(page, graph):
    graph.post(
        f"{GRAPH}/2000_1/comments",
        status=400,
        json={"error": {"message": "Application request limit reached", "code": 4}},
    )
    visitor_post()
    ack = send(the_acknowledgement())
    page.refresh_from_db()
    assert page.rate_limited_until > timezone.now()
    assert ack.state == MessageState.QUEUED and ack.next_attempt_at == page.rate_limited_until


def test_a_rejected_message_fails_with_the_platform_reason(page, graph):
    graph.post(
        f"{GRAPH}/2000_1/comments",
        status=400,
        json={"error": {"message": "(#100) Invalid parameter", "code": 100}},
    )
    visitor_post()
    ack = send(the_acknowledgement())
    assert ack.state == MessageState.FAILED and "Invalid parameter" in ack.state_reason


def test_messenger_answers_only_within_24_hours(page, graph):
    visitor_post("m_1", kind=Kind.MESSENGER, thread_key="messenger:77")
    SocialMessage.objects.filter(direction=Direction.INBOUND).update(created_at=timezone.now() - timedelta(hours=25))
    ack = send(the_acknowledgement())
    assert ack.state == MessageState.FAILED and "24 hours" in ack.state_reason
    assert not graph.calls


def test_the_sweeper_finds_due_messages(page):
    visitor_post()
    ack = the_acknowledgement()
    assert claim.due_messages() == [ack.pk]
    SocialMessage.objects.filter(pk=ack.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=1))
    assert claim.due_messages() == []


def test_an_unconfigured_account_keeps_messages_queued(graph):
    SocialAccount.objects.create(channel="facebook", external_id=PAGE, active=True)
    visitor_post()
    SocialAccount.objects.update(active=False)
    ack = send(the_acknowledgement())
    assert ack.state == MessageState.QUEUED and "No active account" in ack.state_reason


def test_an_incident_recorded_by_hand_with_a_social_channel_sends_nothing(agent, contact):
    incident = tickets.incident_create(reporter=contact, title="Seen on X", channel="twitter", actor=agent)
    tickets.comment_create(incident=incident, body="We are on it", visibility="public", author=agent)
    assert not SocialMessage.objects.exists()


def test_a_reply_when_every_message_was_deleted_fails_saying_so(page, agent):
    incident = visitor_post()
    SocialMessage.objects.filter(direction=Direction.INBOUND).update(deleted=True)
    comment = tickets.comment_create(incident=incident, body="Any news?", visibility="public", author=agent)
    reply = SocialMessage.objects.get(comment=comment)
    assert reply.state == MessageState.FAILED and "deleted at the source" in reply.state_reason
