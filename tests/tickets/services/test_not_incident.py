"""incident_close_not_incident: a thanks, spam or chatter that became an incident is closed as
not one, with a reason; its clocks stop, its message stays, its audit line says why."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from social.models import SocialMessage
from tickets import services
from tickets.models import Event, EventKind, Incident, IncidentStatus
from tickets.timeline import build_timeline

from ...factories import IncidentFactory
from ...social.factories import InboundMessageFactory

pytestmark = pytest.mark.django_db


def test_it_cancels_with_the_kind_and_the_reason_stops_the_clocks_and_keeps_the_message(agent):
    incident = IncidentFactory(channel="twitter")
    message = InboundMessageFactory(incident=incident, text="@desk thanks, all good now!")

    closed = services.incident_close_not_incident(
        incident=incident, kind="thanks", reason="  Only thanking us  ", actor=agent
    )

    closed.refresh_from_db()
    assert (closed.status, closed.not_incident, closed.not_incident_reason) == (
        IncidentStatus.CANCELLED,
        "thanks",
        "Only thanking us",
    )
    assert closed.sla_paused_since is not None  # both clocks stopped
    assert closed.resolved_at is None and closed.resolution == ""  # never resolved work
    assert SocialMessage.objects.filter(pk=message.pk, incident=closed).exists()
    assert any(getattr(entry.item, "message", None) == message for entry in build_timeline(incident=closed, user=agent))
    line = Event.objects.get(incident=closed, kind=EventKind.NOT_INCIDENT)
    assert (line.old_value, line.new_value, line.note, line.actor_user) == (
        "New",
        "Not an incident (thanks)",
        "Only thanking us",
        agent,
    )


def test_the_breach_sweep_leaves_it_alone(agent):
    incident = IncidentFactory()
    services.incident_close_not_incident(incident=incident, kind="spam", reason="Advert", actor=agent)
    Incident.objects.filter(pk=incident.pk).update(
        response_due_at=incident.created_at, resolution_due_at=incident.created_at
    )
    services.sla_flag_breaches()
    incident.refresh_from_db()
    assert not incident.response_breached and not incident.resolution_breached


@pytest.mark.parametrize(
    ("kind", "reason", "field"),
    [("thanks", "   ", "reason"), ("complaint", "Angry", "kind"), ("chatter", "x" * 501, "reason")],
)
def test_it_refuses_what_does_not_say_why(agent, kind, reason, field):
    incident = IncidentFactory()
    with pytest.raises(ValidationError) as refused:
        services.incident_close_not_incident(incident=incident, kind=kind, reason=reason, actor=agent)
    assert field in refused.value.message_dict
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.NEW and incident.not_incident == ""


def test_only_an_open_incident_and_only_an_agent(agent, customer):
    resolved = IncidentFactory()
    services.incident_transition(incident=resolved, to_status="resolved", resolution="Done", actor=agent)
    with pytest.raises(ValidationError) as refused:
        services.incident_close_not_incident(incident=resolved, kind="spam", reason="Spam", actor=agent)
    assert "only an open incident" in refused.value.message_dict["status"][0]
    with pytest.raises(PermissionDenied):
        services.incident_close_not_incident(incident=IncidentFactory(), kind="spam", reason="Spam", actor=customer)


def test_the_console_closes_it_from_the_incident_page(agent_client):
    incident = IncidentFactory(channel="twitter")
    page = agent_client.get(reverse("incident_detail", args=[incident.number])).text
    assert "Not an incident?" in page

    refused = agent_client.post(reverse("incident_not_incident", args=[incident.number]), {"not_incident-kind": "spam"})
    assert refused.status_code == 400 and "This field is required." in refused.text

    response = agent_client.post(
        reverse("incident_not_incident", args=[incident.number]),
        {"not_incident-kind": "chatter", "not_incident-reason": "Talking about the weather"},
        follow=True,
    )
    assert "is closed as not an incident (chatter)" in response.text
    assert "Not an incident: chatter" in response.text and "Talking about the weather" in response.text
    queue = agent_client.get(reverse("incident_list"), {"status": "not_incident"}).text
    assert incident.number in queue
