"""Bad input gets a clear message beside the field, and nothing is half-saved."""

import pytest
from django.urls import reverse

from tickets import services
from tickets.models import Comment, Event, Incident

from ...factories import IncidentFactory, ServiceFactory

pytestmark = pytest.mark.django_db

GOOD = {"title": "VPN is down", "description": "Since 9am", "service": "", "urgency": "2"}


def raise_incident(client, **changes):
    return client.post(reverse("portal_raise"), {**GOOD, **changes})


def test_a_good_incident_is_saved(customer_client, customer):
    response = raise_incident(customer_client)
    incident = Incident.objects.get()
    assert response.url == reverse("portal_incident", args=[incident.number])
    assert (incident.title, incident.urgency, incident.channel) == ("VPN is down", 2, "web")
    assert incident.reporter.user == customer


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "   "}, "title", "This field is required."),
        ({"title": "x" * 201}, "title", "Ensure this value has at most 200 characters (it has 201)."),
        ({"description": ""}, "description", "This field is required."),
        ({"description": "x" * 20001}, "description", "Ensure this value has at most 20000 characters"),
        ({"urgency": "9"}, "urgency", "Select a valid choice. 9 is not one of the available choices."),
        ({"service": "999999"}, "service", "Select a valid choice. That choice is not one of the available choices."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(customer_client, changes, field, message):
    response = raise_incident(customer_client, **changes)
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert any(error.startswith(message) for error in errors), errors
    assert Incident.objects.count() == 0
    assert Event.objects.count() == 0


def test_an_inactive_service_is_not_a_choice(customer_client):
    service = ServiceFactory(name="Fax", active=False)
    response = raise_incident(customer_client, service=str(service.pk))
    assert response.status_code == 400 and Incident.objects.count() == 0


def test_what_was_typed_is_kept_when_the_form_comes_back(customer_client):
    response = raise_incident(customer_client, title="", description="A long story I do not want to retype")
    assert "A long story I do not want to retype" in response.text


def test_an_illegal_status_change_is_explained_on_the_page(agent_client, agent, contact):
    incident = IncidentFactory(reporter=contact)
    response = agent_client.post(reverse("incident_transition", args=[incident.number]), {"status": "closed"})
    assert response.status_code == 400
    assert "Select a valid choice. closed is not one of the available choices." in response.text
    incident.refresh_from_db()
    assert incident.status == "new"


def test_resolving_without_a_note_is_explained_on_the_page(agent_client, contact):
    incident = IncidentFactory(reporter=contact)
    response = agent_client.post(reverse("incident_transition", args=[incident.number]), {"status": "resolved"})
    assert response.status_code == 400
    assert "Resolving an incident needs a resolution note." in response.text
    incident.refresh_from_db()
    assert incident.status == "new"


def test_an_empty_comment_is_refused(agent_client, contact):
    incident = IncidentFactory(reporter=contact)
    response = agent_client.post(
        reverse("incident_comment", args=[incident.number]), {"body": "  ", "visibility": "public"}
    )
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert Comment.objects.count() == 0


def test_a_reply_on_a_closed_incident_is_refused_with_advice(customer_client, customer, agent):
    incident = IncidentFactory(reporter=services.contact_for_user(user=customer))
    services.incident_transition(incident=incident, to_status="cancelled", actor=agent)
    response = customer_client.post(reverse("portal_reply", args=[incident.number]), {"body": "hello?"})
    assert response.status_code == 400
    assert "please raise a new incident" in response.text
    assert Comment.objects.count() == 0


def test_assigning_a_non_agent_is_refused(agent_client, customer, contact):
    incident = IncidentFactory(reporter=contact)
    response = agent_client.post(reverse("incident_assign", args=[incident.number]), {"assignee": customer.pk})
    assert response.status_code == 400
    incident.refresh_from_db()
    assert incident.assignee is None
