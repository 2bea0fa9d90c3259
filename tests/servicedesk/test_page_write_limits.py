"""Writes through pages are limited per person (per address for the anonymous), with a
429 page that says how long to wait; the API and the webhooks are not pages."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from tickets.models import Comment, Incident

from ..factories import IncidentFactory
from ..tickets.api.conftest import client_for

pytestmark = pytest.mark.django_db

# Ten seconds into a minute: the window ends in fifty.
TEN_PAST = datetime(2026, 5, 4, 12, 0, 10, tzinfo=UTC)


@pytest.fixture
def five_a_minute(settings):
    settings.PAGE_WRITE_RATE = "5/minute"


def raise_incident(client, title: str):
    return client.post(reverse("portal_raise"), {"title": title, "description": "It broke.", "urgency": 3})


def test_a_customer_cannot_open_incidents_past_the_rate(customer_client, five_a_minute):
    with time_machine.travel(TEN_PAST, tick=False):
        answers = [raise_incident(customer_client, f"Printer {n}").status_code for n in range(7)]
        refused = raise_incident(customer_client, "One more")
    assert answers == [302] * 5 + [429] * 2
    assert Incident.objects.count() == 5
    assert refused["Retry-After"] == "50"
    page = refused.content.decode()
    assert "Too many changes at once" in page
    assert "this last one was not saved" in page
    assert "Wait 50 seconds" in page


def test_the_next_window_lets_them_write_again(customer_client, five_a_minute):
    with time_machine.travel(TEN_PAST, tick=False) as clock:
        for n in range(5):
            raise_incident(customer_client, f"Printer {n}")
        assert raise_incident(customer_client, "Refused").status_code == 429
        clock.move_to(datetime(2026, 5, 4, 12, 1, 0, tzinfo=UTC))
        assert raise_incident(customer_client, "Accepted").status_code == 302


def test_an_agents_replies_are_counted_too_and_reading_never_is(agent_client, contact, five_a_minute):
    incident = IncidentFactory(reporter=contact)
    url = reverse("incident_comment", args=[incident.number])
    with time_machine.travel(TEN_PAST, tick=False):
        answers = [
            agent_client.post(url, {"body": f"Note {n}", "visibility": "internal"}).status_code for n in range(6)
        ]
        reads = {agent_client.get(reverse("incident_detail", args=[incident.number])).status_code for _ in range(10)}
    assert answers == [302] * 5 + [429]
    assert Comment.objects.filter(incident=incident).count() == 5
    assert reads == {200}


def test_each_person_has_their_own_count(client, customer, other_customer, five_a_minute):
    with time_machine.travel(TEN_PAST, tick=False):
        client.force_login(customer)
        for n in range(5):
            raise_incident(client, f"Alice {n}")
        assert raise_incident(client, "Alice again").status_code == 429
        client.force_login(other_customer)
        assert raise_incident(client, "Bob").status_code == 302


def test_the_anonymous_are_counted_per_address(client, settings):
    settings.PAGE_WRITE_RATE = "3/minute"
    with time_machine.travel(TEN_PAST, tick=False):
        login = [
            client.post("/login/", {"username": "x", "password": "y"}, REMOTE_ADDR="203.0.113.7").status_code
            for _ in range(4)
        ]
        elsewhere = client.post("/login/", {"username": "x", "password": "y"}, REMOTE_ADDR="198.51.100.2")
    assert login == [200, 200, 200, 429]
    assert elsewhere.status_code == 200


def test_password_reset_has_a_smaller_rate_of_its_own(client, customer, settings, mailoutbox):
    settings.PASSWORD_RESET_RATE = "2/hour"
    with time_machine.travel(TEN_PAST, tick=False):
        answers = [client.post("/password-reset/", {"email": customer.email}).status_code for _ in range(3)]
        # The page rate is counted apart: the address may still log in.
        login = client.post("/login/", {"username": "alice", "password": "correct horse battery staple"})
    assert answers == [302, 302, 429]
    assert len(mailoutbox) == 2
    assert login.status_code == 302


def test_the_api_keeps_its_own_throttle_and_is_not_a_page(agent, settings):
    settings.PAGE_WRITE_RATE = "1/minute"
    as_agent = client_for(agent)
    with time_machine.travel(TEN_PAST, tick=False):
        answers = [as_agent.post("/api/v1/incidents/", {}, format="json").status_code for _ in range(3)]
    assert 429 not in answers


def test_webhooks_are_never_refused_for_volume(client, settings):
    settings.PAGE_WRITE_RATE = "1/minute"
    with time_machine.travel(TEN_PAST, tick=False):
        answers = {
            client.post("/social/webhooks/twitter/", b"{}", content_type="application/json").status_code
            for _ in range(3)
        }
    assert 429 not in answers


def test_an_empty_rate_turns_the_limit_off(customer_client, settings):
    settings.PAGE_WRITE_RATE = ""
    with time_machine.travel(TEN_PAST, tick=False):
        answers = {raise_incident(customer_client, f"Printer {n}").status_code for n in range(40)}
    assert answers == {302}
