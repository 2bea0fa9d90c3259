"""A response is a response the person received: an agent's public reply on a social incident
stops the response clock when the platform has it, not when it was written. Graph is mocked
at HTTP only (the real Facebook client underneath)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from social.models import MessageState, SocialMessage
from tickets import services as tickets
from tickets import sla
from tickets.templatetags.desk import queue_sla, response_state

from ..factories import SocialAccountFactory
from .conftest import GRAPH, PAGE, make_due, send, visitor_post

pytestmark = pytest.mark.django_db


def test_a_queued_reply_is_pending_and_the_clock_stops_when_it_is_sent(page, graph, agent):
    incident = visitor_post()
    tickets.comment_create(incident=incident, body="Restart the router please", visibility="public", author=agent)
    incident.refresh_from_db()
    assert incident.first_response_at is None and incident.response_pending_since is not None
    assert "Responded, delivery pending" in response_state(incident, timezone.now())
    assert sla.next_clock(incident, timezone.now()).target == "response"  # still running

    graph.post(f"{GRAPH}/2000_1/comments", json={"id": "2000_1_901"})
    reply = SocialMessage.objects.get(comment__isnull=False)
    later = timezone.now() + timedelta(minutes=7)
    with time_machine.travel(later, tick=False):
        assert send(reply).state == MessageState.SENT
    incident.refresh_from_db()
    reply.refresh_from_db()
    assert incident.first_response_at == reply.sent_at == later
    assert incident.response_pending_since is None
    assert "delivery pending" not in response_state(incident, timezone.now())

    # Told twice (a reconcile after a crash), nothing moves.
    assert tickets.incident_reply_delivered(incident_id=incident.pk, delivered_at=later + timedelta(hours=1)) is False
    incident.refresh_from_db()
    assert incident.first_response_at == later


def test_without_credentials_the_reply_waits_and_the_response_target_can_breach(graph, agent):
    SocialAccountFactory(channel="facebook", external_id=PAGE, app_secret="s")  # no page token
    incident = visitor_post()
    tickets.comment_create(incident=incident, body="On it", visibility="public", author=agent)
    reply = SocialMessage.objects.get(comment__isnull=False)
    assert send(reply).state == MessageState.QUEUED
    assert "FACEBOOK_PAGE_ACCESS_TOKEN" in SocialMessage.objects.get(pk=reply.pk).state_reason

    incident.refresh_from_db()
    overdue = incident.response_due_at + timedelta(minutes=1)
    tickets.sla_flag_breaches(now=overdue)
    incident.refresh_from_db()
    assert incident.first_response_at is None and incident.response_breached
    assert sla.is_breached(incident, overdue) and incident.triage_rank == 0
    assert "Response breached" in queue_sla(incident, overdue)
    assert not graph.calls


def test_a_reply_on_the_portal_is_a_response_at_once(agent, contact):
    from ...factories import IncidentFactory

    incident = IncidentFactory(reporter=contact)
    tickets.comment_create(incident=incident, body="Fixed?", visibility="public", author=agent)
    incident.refresh_from_db()
    assert incident.first_response_at is not None and incident.response_pending_since is None


def test_the_pending_reply_shows_its_reason_on_the_incident_page(graph, agent_client, agent):
    SocialAccountFactory(channel="facebook", external_id=PAGE, app_secret="s")  # no page token
    incident = visitor_post()
    tickets.comment_create(incident=incident, body="On it", visibility="public", author=agent)
    make_due(reply := SocialMessage.objects.get(comment__isnull=False))
    send(reply)

    page = agent_client.get(f"/incidents/{incident.number}/").content.decode()
    assert "Responded, delivery pending" in page
    assert "FACEBOOK_PAGE_ACCESS_TOKEN" in page and "To be sent on" in page
