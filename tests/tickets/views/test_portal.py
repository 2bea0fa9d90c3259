"""The customers' portal (tickets/views/portal.py), through the test client. Who may see what
is tests/tickets/views/test_access.py; the rules themselves, tests/tickets/services/test_reporters.py."""

import pytest
from django.urls import reverse

from tickets import services
from tickets.models import Incident

pytestmark = pytest.mark.django_db


def test_a_customer_raises_follows_and_reopens_an_incident(customer_client, customer, agent):
    customer_client.post(
        reverse("portal_raise"), {"title": "Printer jam", "description": "Every job", "urgency": "3", "service": ""}
    )
    incident = Incident.objects.get()
    services.comment_create(incident=incident, body="Cleared the jam", visibility="public", author=agent)
    services.incident_transition(incident=incident, to_status="resolved", resolution="Cleared", actor=agent)

    page = customer_client.get(reverse("portal_incident", args=[incident.number])).text
    assert "Cleared the jam" in page and "Not fixed after all?" in page
    assert "Resolution:" in page

    customer_client.post(reverse("portal_reopen", args=[incident.number]), {"reason": "Jammed again"})
    incident.refresh_from_db()
    assert incident.status == "in_progress"
    # The resolution that did not hold is no longer shown as the answer, here or in the console.
    assert "Resolution:" not in customer_client.get(reverse("portal_incident", args=[incident.number])).text
    customer_client.force_login(agent)
    assert "Resolution:" not in customer_client.get(reverse("incident_detail", args=[incident.number])).text
    customer_client.force_login(customer)

    customer_client.post(reverse("portal_reply", args=[incident.number]), {"body": "It is the tray 2"})
    assert list(incident.comments.values_list("body", flat=True)) == [
        "Cleared the jam",
        "Jammed again",
        "It is the tray 2",
    ]


def test_a_customers_incident_is_raised_at_low_impact_whatever_is_posted(customer_client):
    customer_client.post(
        reverse("portal_raise"), {"title": "Mail", "description": "Down", "urgency": "1", "impact": "1", "service": ""}
    )
    assert Incident.objects.get().impact == 3


def test_the_reopen_button_shows_until_the_deadline(customer_client, customer, agent, settings):
    settings.INCIDENT_REOPEN_DAYS = 0  # the deadline is the moment it was resolved: already past
    incident = services.incident_create(reporter=services.contact_for_user(user=customer), title="VPN", actor=customer)
    services.incident_transition(incident=incident, to_status="resolved", resolution="Restarted", actor=agent)
    assert "Not fixed after all?" not in customer_client.get(reverse("portal_incident", args=[incident.number])).text
    settings.INCIDENT_REOPEN_DAYS = 7
    assert "Not fixed after all?" in customer_client.get(reverse("portal_incident", args=[incident.number])).text


def test_the_reopen_reason_shows_once_on_the_timeline_for_the_customer_and_the_agent(customer_client, customer, agent):
    incident = services.incident_create(reporter=services.contact_for_user(user=customer), title="VPN", actor=customer)
    services.incident_transition(incident=incident, to_status="resolved", resolution="Restarted", actor=agent)
    customer_client.post(reverse("portal_reopen", args=[incident.number]), {"reason": "Drops again every hour"})

    assert (
        customer_client.get(reverse("portal_incident", args=[incident.number])).text.count("Drops again every hour")
        == 1
    )
    customer_client.force_login(agent)
    console = customer_client.get(reverse("incident_detail", args=[incident.number])).text
    assert console.count("Drops again every hour") == 1
    # The audit trail keeps the words with the status change, pointing at the reply.
    line = incident.events.get(kind="status", new_value="In progress")
    assert line.note == "Drops again every hour" and line.comment.body == "Drops again every hour"
