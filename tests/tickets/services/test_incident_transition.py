import itertools

import pytest
from django.core.exceptions import ValidationError

from tickets import services
from tickets.models import INCIDENT_TRANSITIONS, Event, EventKind, Incident, IncidentStatus

from ...factories import IncidentFactory

pytestmark = pytest.mark.django_db

# How to reach each status from a new incident, through allowed transitions only.
PATHS = {
    IncidentStatus.NEW: [],
    IncidentStatus.IN_PROGRESS: [IncidentStatus.IN_PROGRESS],
    IncidentStatus.ON_HOLD: [IncidentStatus.ON_HOLD],
    IncidentStatus.RESOLVED: [IncidentStatus.RESOLVED],
    IncidentStatus.CLOSED: [IncidentStatus.RESOLVED, IncidentStatus.CLOSED],
    IncidentStatus.CANCELLED: [IncidentStatus.CANCELLED],
}
ALL_PAIRS = list(itertools.product(IncidentStatus.values, repeat=2))
ALLOWED = [(a, b) for a, b in ALL_PAIRS if b in INCIDENT_TRANSITIONS[a]]
ILLEGAL = [(a, b) for a, b in ALL_PAIRS if b not in INCIDENT_TRANSITIONS[a]]


def incident_in(status: str, actor) -> Incident:
    incident = IncidentFactory()
    for step in PATHS[status]:
        incident = services.incident_transition(
            incident=incident, to_status=step, actor=actor, hold_reason="waiting", resolution="fixed"
        )
    assert incident.status == status
    return incident


def test_the_table_covers_every_status():
    assert set(INCIDENT_TRANSITIONS) == set(IncidentStatus.values)
    assert len(ALLOWED) == 12 and len(ILLEGAL) == 24


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_it_allows(from_status, to_status, agent):
    incident = incident_in(from_status, agent)
    events_before = Event.objects.filter(incident=incident, kind=EventKind.STATUS).count()

    incident = services.incident_transition(
        incident=incident,
        to_status=to_status,
        actor=agent,
        hold_reason="Waiting for the vendor",
        resolution="Replaced the cable",
    )

    incident.refresh_from_db()
    assert incident.status == to_status
    last = Event.objects.filter(incident=incident, kind=EventKind.STATUS).latest("id")
    assert Event.objects.filter(incident=incident, kind=EventKind.STATUS).count() == events_before + 1
    assert (last.old_value, last.new_value) == (IncidentStatus(from_status).label, IncidentStatus(to_status).label)
    assert last.actor_user == agent


@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL)
def test_it_refuses(from_status, to_status, agent):
    incident = incident_in(from_status, agent)
    before = Incident.objects.values().get(pk=incident.pk)
    events_before = Event.objects.filter(incident=incident).count()

    with pytest.raises(ValidationError) as raised:
        services.incident_transition(
            incident=incident, to_status=to_status, actor=agent, hold_reason="x", resolution="y"
        )

    assert raised.value.message_dict["status"] == [
        f"An incident cannot go from {IncidentStatus(from_status).label} to {IncidentStatus(to_status).label}."
    ]
    assert Incident.objects.values().get(pk=incident.pk) == before
    assert Event.objects.filter(incident=incident).count() == events_before


def test_on_hold_needs_a_reason(agent):
    incident = IncidentFactory()
    with pytest.raises(ValidationError) as raised:
        services.incident_transition(incident=incident, to_status=IncidentStatus.ON_HOLD, actor=agent, hold_reason="  ")
    assert raised.value.message_dict == {"hold_reason": ["Putting an incident on hold needs a reason."]}
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.NEW


def test_resolved_needs_a_resolution_note(agent):
    incident = IncidentFactory()
    with pytest.raises(ValidationError) as raised:
        services.incident_transition(incident=incident, to_status=IncidentStatus.RESOLVED, actor=agent)
    assert raised.value.message_dict == {"resolution": ["Resolving an incident needs a resolution note."]}
    incident.refresh_from_db()
    assert (incident.status, incident.resolved_at) == (IncidentStatus.NEW, None)


def test_an_unknown_status_is_refused(agent):
    incident = IncidentFactory()
    with pytest.raises(ValidationError) as raised:
        services.incident_transition(incident=incident, to_status="done", actor=agent)
    assert raised.value.message_dict == {"status": ["“done” is not an incident status."]}


def test_resolving_records_the_note_and_the_times(agent):
    incident = IncidentFactory()
    incident = services.incident_transition(
        incident=incident, to_status=IncidentStatus.RESOLVED, actor=agent, resolution="Rebooted the router"
    )
    assert incident.resolution == "Rebooted the router"
    assert incident.resolved_at is not None
    assert incident.first_response_at == incident.resolved_at
    event = Event.objects.filter(incident=incident, kind=EventKind.STATUS).get()
    assert event.note == "Rebooted the router"


def test_leaving_hold_clears_the_reason_and_closing_sets_closed_at(agent):
    incident = IncidentFactory()
    incident = services.incident_transition(incident=incident, to_status="on_hold", actor=agent, hold_reason="Vendor")
    assert incident.hold_reason == "Vendor"
    incident = services.incident_transition(incident=incident, to_status="in_progress", actor=agent)
    assert incident.hold_reason == ""
    incident = services.incident_transition(incident=incident, to_status="resolved", actor=agent, resolution="Done")
    incident = services.incident_transition(incident=incident, to_status="closed", actor=agent)
    assert incident.closed_at is not None


def test_it_works_on_the_current_row_not_a_stale_copy(agent):
    incident = IncidentFactory()
    stale = Incident.objects.get(pk=incident.pk)
    services.incident_transition(incident=incident, to_status="cancelled", actor=agent)
    # The stale copy still says "new"; the service reads the locked row, which is cancelled.
    with pytest.raises(ValidationError):
        services.incident_transition(incident=stale, to_status="in_progress", actor=agent)
