from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tickets import services
from tickets.models import Event, EventKind, Incident, IncidentStatus, SlaTarget

from ...factories import IncidentFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def p3_incident(**kwargs) -> Incident:
    # impact 2 × urgency 2 → P3: respond within 2 h, resolve within 3 days (seeded targets)
    return IncidentFactory(impact=2, urgency=2, **kwargs)


def test_due_times_come_from_the_priority_targets(clock):
    incident = p3_incident()
    assert incident.priority == 3
    assert incident.response_due_at == T0 + timedelta(hours=2)
    assert incident.resolution_due_at == T0 + timedelta(days=3)


def test_targets_are_data(clock):
    SlaTarget.objects.filter(priority=3).update(response_minutes=10, resolution_minutes=60)
    incident = p3_incident()
    assert incident.response_due_at == T0 + timedelta(minutes=10)
    assert incident.resolution_due_at == T0 + timedelta(minutes=60)


def test_without_a_target_there_is_no_due_time(clock):
    SlaTarget.objects.filter(priority=3).delete()
    incident = p3_incident()
    assert (incident.response_due_at, incident.resolution_due_at) == (None, None)


def test_time_on_hold_does_not_count(clock, agent):
    incident = p3_incident()
    clock.shift(timedelta(hours=1))
    incident = services.incident_transition(incident=incident, to_status="on_hold", actor=agent, hold_reason="Vendor")
    clock.shift(timedelta(hours=5))  # five hours on hold
    incident = services.incident_transition(incident=incident, to_status="in_progress", actor=agent)

    assert incident.sla_paused_seconds == 5 * 3600
    assert incident.response_due_at == T0 + timedelta(hours=2 + 5)
    assert incident.resolution_due_at == T0 + timedelta(days=3, hours=5)


def test_nothing_is_flagged_while_on_hold(clock, agent):
    incident = p3_incident()
    services.incident_transition(incident=incident, to_status="on_hold", actor=agent, hold_reason="Vendor")
    clock.shift(timedelta(days=10))
    assert services.sla_flag_breaches() == 0
    incident.refresh_from_db()
    assert not incident.response_breached and not incident.resolution_breached


def test_the_sweep_flags_missed_targets_once(clock):
    late = p3_incident()
    clock.shift(timedelta(hours=1))
    on_time = p3_incident()
    clock.shift(timedelta(hours=1, minutes=30))  # late is 2h30 old, on_time 1h30

    assert services.sla_flag_breaches() == 1
    assert services.sla_flag_breaches() == 0  # a second run changes nothing

    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.response_breached and not late.resolution_breached
    assert not on_time.response_breached
    event = Event.objects.get(incident=late, kind=EventKind.SLA_BREACH)
    assert (event.field, event.new_value, event.actor_user) == ("response_sla", "breached", None)


def test_the_sweep_flags_resolution_targets(clock):
    incident = p3_incident()
    clock.shift(timedelta(days=3, minutes=1))
    assert services.sla_flag_breaches() == 2  # response and resolution
    incident.refresh_from_db()
    assert incident.response_breached and incident.resolution_breached


def test_a_public_agent_reply_meets_the_response_target(clock, agent):
    incident = p3_incident()
    clock.shift(timedelta(minutes=30))
    services.comment_create(incident=incident, body="Internal only", visibility="internal", author=agent)
    incident.refresh_from_db()
    assert incident.first_response_at is None

    services.comment_create(incident=incident, body="We're on it", visibility="public", author=agent)
    incident.refresh_from_db()
    assert incident.first_response_at == T0 + timedelta(minutes=30)
    clock.shift(timedelta(hours=3))
    assert services.sla_flag_breaches() == 0


def test_a_reply_from_the_reporter_is_not_a_response(clock, customer):
    incident = p3_incident(reporter=services.contact_for_user(user=customer))
    services.comment_create(incident=incident, body="Any news?", visibility="public", author=customer)
    incident.refresh_from_db()
    assert incident.first_response_at is None


def test_resolving_late_flags_the_breach_at_once(clock, agent):
    incident = p3_incident()
    clock.shift(timedelta(days=4))  # the sweep has not run
    incident = services.incident_transition(incident=incident, to_status="resolved", actor=agent, resolution="Done")
    assert incident.response_breached and incident.resolution_breached
    assert Event.objects.filter(incident=incident, kind=EventKind.SLA_BREACH).count() == 2


def test_resolving_in_time_breaches_nothing(clock, agent):
    incident = p3_incident()
    clock.shift(timedelta(hours=1))
    incident = services.incident_transition(incident=incident, to_status="resolved", actor=agent, resolution="Done")
    assert not incident.response_breached and not incident.resolution_breached


def test_the_reporter_reopens_within_the_window(clock, agent, customer, settings):
    settings.INCIDENT_REOPEN_DAYS = 7
    incident = p3_incident(reporter=services.contact_for_user(user=customer))
    incident = services.incident_transition(incident=incident, to_status="resolved", actor=agent, resolution="Done")
    clock.shift(timedelta(days=6))

    incident = services.incident_reopen_by_reporter(incident=incident, actor=customer, note="Broken again")

    assert incident.status == IncidentStatus.IN_PROGRESS
    assert incident.resolved_at is None
    assert incident.comments.get().body == "Broken again"
    # The six days it sat resolved do not count against the resolution target.
    assert incident.resolution_due_at == T0 + timedelta(days=3 + 6)


def test_the_reporter_cannot_reopen_after_the_window(clock, agent, customer, settings):
    settings.INCIDENT_REOPEN_DAYS = 7
    incident = p3_incident(reporter=services.contact_for_user(user=customer))
    incident = services.incident_transition(incident=incident, to_status="resolved", actor=agent, resolution="Done")
    clock.shift(timedelta(days=7, minutes=1))

    with pytest.raises(ValidationError) as raised:
        services.incident_reopen_by_reporter(incident=incident, actor=customer, note="Broken again")

    assert "more than 7 days ago" in raised.value.message_dict["status"][0]
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    assert incident.comments.count() == 0


def test_resolved_incidents_close_themselves(clock, agent, settings):
    settings.INCIDENT_AUTO_CLOSE_DAYS = 14
    incident = p3_incident()
    services.incident_transition(incident=incident, to_status="resolved", actor=agent, resolution="Done")
    clock.shift(timedelta(days=13))
    assert services.incidents_close_resolved() == 0
    clock.shift(timedelta(days=1, minutes=1))
    assert services.incidents_close_resolved() == 1
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED
    closing = Event.objects.filter(incident=incident, kind=EventKind.STATUS).latest("id")
    assert closing.actor_user is None and "automatically" in closing.note
