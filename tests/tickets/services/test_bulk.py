"""Bulk actions on the queue's selection: each incident through its own service (audit, SLA),
all or none."""

import pytest
from django.core.exceptions import ValidationError

from tickets import services
from tickets.models import Event, EventKind, Incident

from ...factories import IncidentFactory

pytestmark = pytest.mark.django_db


def test_bulk_assign_assigns_each_with_its_own_audit_event(agent, contact):
    incidents = IncidentFactory.create_batch(3, reporter=contact)
    services.incidents_bulk_assign(incidents=incidents, assignee=agent, actor=agent)
    assert set(Incident.objects.values_list("assignee", flat=True)) == {agent.pk}
    assert Event.objects.filter(kind=EventKind.ASSIGNMENT, field="assignee").count() == 3
    assert {i.triage_rank for i in Incident.objects.all()} == {2}  # assigned: triaged, none breached


def test_bulk_assign_refuses_a_customer_and_changes_nothing(agent, customer, contact):
    incidents = IncidentFactory.create_batch(2, reporter=contact)
    with pytest.raises(ValidationError) as raised:
        services.incidents_bulk_assign(incidents=incidents, assignee=customer, actor=agent)
    assert "is not an active agent" in raised.value.message_dict["assignee"][0]
    assert not Incident.objects.filter(assignee__isnull=False).exists()


def test_bulk_transition_moves_each_through_the_lifecycle(agent, contact):
    incidents = IncidentFactory.create_batch(2, reporter=contact)
    services.incidents_bulk_transition(incidents=incidents, to_status="on_hold", hold_reason="Vendor", actor=agent)
    assert set(Incident.objects.values_list("status", "hold_reason")) == {("on_hold", "Vendor")}
    assert all(i.sla_paused_since for i in Incident.objects.all())
    assert Event.objects.filter(kind=EventKind.STATUS).count() == 2


def test_bulk_transition_is_all_or_nothing_and_names_the_incidents_that_cannot_move(agent, contact):
    movable = IncidentFactory(reporter=contact)
    closed = IncidentFactory(reporter=contact)
    closed = services.incident_transition(incident=closed, to_status="cancelled", actor=agent)
    with pytest.raises(ValidationError) as raised:
        services.incidents_bulk_transition(incidents=[movable, closed], to_status="in_progress", actor=agent)
    assert raised.value.message_dict["status"] == [f"{closed.number} cannot go from Cancelled to In progress."]
    movable.refresh_from_db()
    assert movable.status == "new"


def test_an_incident_moved_since_the_page_was_drawn_is_named(agent, contact):
    first, second = IncidentFactory.create_batch(2, reporter=contact)
    stale = Incident.objects.get(pk=second.pk)
    services.incident_transition(incident=second, to_status="cancelled", actor=agent)
    with pytest.raises(ValidationError) as raised:
        services.incidents_bulk_transition(incidents=[first, stale], to_status="in_progress", actor=agent)
    assert raised.value.message_dict["status"] == [
        f"{second.number}: An incident cannot go from Cancelled to In progress."
    ]
    first.refresh_from_db()
    assert first.status == "new"


def test_bulk_resolve_needs_the_resolution_note_and_saves_nothing_without_it(agent, contact):
    incidents = IncidentFactory.create_batch(2, reporter=contact)
    with pytest.raises(ValidationError) as raised:
        services.incidents_bulk_transition(incidents=incidents, to_status="resolved", actor=agent)
    assert raised.value.message_dict["resolution"] == [
        f"{incidents[0].number}: Resolving an incident needs a resolution note."
    ]
    assert set(Incident.objects.values_list("status", flat=True)) == {"new"}


def test_an_empty_or_oversized_selection_is_refused(agent, contact, monkeypatch):
    with pytest.raises(ValidationError, match="Select at least one incident"):
        services.incidents_bulk_assign(incidents=[], assignee=agent, actor=agent)
    monkeypatch.setattr(services.bulk, "BULK_LIMIT", 2)
    with pytest.raises(ValidationError, match="at most 2 incidents"):
        services.incidents_bulk_assign(
            incidents=IncidentFactory.create_batch(3, reporter=contact), assignee=agent, actor=agent
        )
