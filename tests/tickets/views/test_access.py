"""Role isolation: a customer sees their own incidents and public replies, nothing else,
whichever page or guessed URL they try."""

import pytest
from django.urls import reverse

from tickets import services

from ...factories import IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_incident(customer, agent):
    incident = IncidentFactory(reporter=services.contact_for_user(user=customer), title="Alice's VPN")
    services.comment_create(incident=incident, body="We are looking into it", visibility="public", author=agent)
    services.comment_create(incident=incident, body="Her manager is the CFO", visibility="internal", author=agent)
    return incident


@pytest.fixture
def bobs_incident(other_customer):
    return IncidentFactory(reporter=services.contact_for_user(user=other_customer), title="Bob's printer")


def test_a_customer_sees_their_incident_and_public_replies_only(client, customer, alices_incident):
    client.force_login(customer)
    response = client.get(reverse("portal_incident", args=[alices_incident.number]))
    assert response.status_code == 200
    assert "We are looking into it" in response.text
    assert "CFO" not in response.text
    assert "Internal note" not in response.text


def test_a_customer_cannot_read_anothers_incident_by_guessing_its_url(client, customer, bobs_incident):
    client.force_login(customer)
    assert client.get(reverse("portal_incident", args=[bobs_incident.number])).status_code == 404
    assert client.get(reverse("portal_incident", args=["INC9999999"])).status_code == 404


def test_a_customer_cannot_write_on_anothers_incident(client, customer, bobs_incident):
    client.force_login(customer)
    reply = client.post(reverse("portal_reply", args=[bobs_incident.number]), {"body": "hijack"})
    reopen = client.post(reverse("portal_reopen", args=[bobs_incident.number]), {"reason": "hijack"})
    assert (reply.status_code, reopen.status_code) == (404, 404)
    assert bobs_incident.comments.count() == 0


def test_a_customers_list_holds_only_their_incidents(client, customer, alices_incident, bobs_incident):
    client.force_login(customer)
    response = client.get(reverse("portal_home"))
    assert "Alice&#x27;s VPN" in response.text
    assert "Bob" not in response.text


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("incident_list", "get"),
        ("incident_detail", "get"),
        ("incident_transition", "post"),
        ("incident_assign", "post"),
        ("incident_comment", "post"),
    ],
)
def test_the_agent_console_is_closed_to_customers(client, customer, alices_incident, name, method):
    client.force_login(customer)
    args = [] if name == "incident_list" else [alices_incident.number]
    response = getattr(client, method)(
        reverse(name, args=args), {"status": "resolved", "body": "x", "visibility": "public"}
    )
    assert response.status_code == 403
    alices_incident.refresh_from_db()
    assert alices_incident.status == "new"
    assert alices_incident.comments.count() == 2


def test_agents_and_managers_see_everything(client, agent, manager, alices_incident):
    for user in (agent, manager):
        client.force_login(user)
        response = client.get(reverse("incident_detail", args=[alices_incident.number]))
        assert response.status_code == 200
        assert "Her manager is the CFO" in response.text


def test_anonymous_visitors_are_sent_to_log_in(client, alices_incident):
    for url in (reverse("incident_list"), reverse("portal_incident", args=[alices_incident.number])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_user_without_a_role_sees_nothing(client, outsider, alices_incident):
    client.force_login(outsider)
    assert client.get(reverse("home")).status_code == 403
    assert client.get(reverse("incident_list")).status_code == 403
    assert client.get(reverse("portal_incident", args=[alices_incident.number])).status_code == 403
