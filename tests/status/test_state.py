"""Each service's state, derived from incidents, problems and changes, overridden by agents."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from broadcasts.changes import change_create, change_transition
from status import services
from status.models import ServiceState
from status.state import service_states
from tickets import services as tickets

from ..factories import IncidentFactory, ProblemFactory, ServiceFactory
from ..queries import assert_queries

pytestmark = pytest.mark.django_db


def states() -> dict[str, str]:
    return {status.service.name: status.state for status in service_states()}


def test_every_active_service_is_operational_when_nothing_is_wrong():
    ServiceFactory(name="Mail")
    ServiceFactory(name="Old", active=False)
    assert states() == {"Mail": ServiceState.OPERATIONAL}


def test_an_open_major_incident_is_a_major_outage_until_it_is_resolved(agent):
    mail = ServiceFactory(name="Mail")
    incident = IncidentFactory(service=mail, major=True)
    assert states()["Mail"] == ServiceState.MAJOR_OUTAGE
    tickets.incident_transition(incident=incident, to_status="resolved", actor=agent, resolution="Fixed")
    assert states()["Mail"] == ServiceState.OPERATIONAL


def test_an_open_critical_incident_is_a_partial_outage():
    IncidentFactory(service=ServiceFactory(name="VPN"), impact=1, urgency=1)
    IncidentFactory(service=ServiceFactory(name="Wifi"), impact=3, urgency=3)  # a low one changes nothing
    assert states() == {"VPN": ServiceState.PARTIAL_OUTAGE, "Wifi": ServiceState.OPERATIONAL}


def test_an_open_problem_degrades_it():
    ProblemFactory(service=ServiceFactory(name="Printing"))
    assert states()["Printing"] == ServiceState.DEGRADED


def test_a_change_window_is_maintenance_and_the_worst_cause_wins(agent):
    erp, mail = ServiceFactory(name="ERP"), ServiceFactory(name="Mail")
    now = timezone.now()
    later = change_create(
        by=agent, title="Upgrade", planned_start=now + timedelta(hours=2), planned_end=now + timedelta(hours=3)
    )
    later.services.set([erp])
    assert states()["ERP"] == ServiceState.OPERATIONAL  # not begun
    running = change_create(
        by=agent, title="Patch", planned_start=now - timedelta(minutes=5), planned_end=now + timedelta(hours=1)
    )
    running.services.set([erp, mail])
    assert states() == {"ERP": ServiceState.MAINTENANCE, "Mail": ServiceState.MAINTENANCE}
    IncidentFactory(service=mail, major=True)
    assert states()["Mail"] == ServiceState.MAJOR_OUTAGE
    change_transition(change=later, by=agent, to_state="in_progress")  # started early
    change_transition(change=running, by=agent, to_state="in_progress")
    change_transition(change=running, by=agent, to_state="completed")
    assert states()["ERP"] == ServiceState.MAINTENANCE


def test_an_agent_overrides_with_a_reason_and_clears_it(agent, customer):
    mail = ServiceFactory(name="Mail")
    with pytest.raises(ValidationError):
        services.override_set(service=mail, by=agent, state="degraded", reason=" ")
    with pytest.raises(PermissionDenied):
        services.override_set(service=mail, by=customer, state="degraded", reason="Slow")
    services.override_set(service=mail, by=agent, state="degraded", reason="Slow to deliver outside mail.")
    [status] = service_states()
    assert (status.state, status.why, status.overridden) == ("degraded", "Slow to deliver outside mail.", True)
    services.override_clear(service=mail, by=agent)
    assert states()["Mail"] == ServiceState.OPERATIONAL


def test_the_derivation_takes_five_queries_however_many_services():
    for _ in range(3):
        IncidentFactory(service=ServiceFactory(), major=True)
        ProblemFactory(service=ServiceFactory())
    with assert_queries(5):
        service_states()
    for _ in range(10):
        IncidentFactory(service=ServiceFactory(), impact=1, urgency=1)
    with assert_queries(5):
        assert len(service_states()) == 16


def test_a_change_is_moved_only_along_its_lifecycle(agent):
    now = timezone.now()
    change = change_create(by=agent, title="Patch", planned_start=now, planned_end=now + timedelta(hours=1))
    with pytest.raises(ValidationError, match="cannot go from Planned to Completed"):
        change_transition(change=change, by=agent, to_state="completed")
    with pytest.raises(ValidationError, match="must end after it starts"):
        change_create(by=agent, title="Bad", planned_start=now, planned_end=now)
