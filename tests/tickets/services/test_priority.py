import pytest

from tickets import services
from tickets.models import Event, EventKind, PriorityRule

from ...factories import IncidentFactory

pytestmark = pytest.mark.django_db

ITIL_MATRIX = [
    # impact, urgency, priority
    (1, 1, 1), (1, 2, 2), (1, 3, 3),
    (2, 1, 2), (2, 2, 3), (2, 3, 4),
    (3, 1, 3), (3, 2, 4), (3, 3, 5),
]  # fmt: skip


@pytest.mark.parametrize(("impact", "urgency", "priority"), ITIL_MATRIX)
def test_priority_follows_the_itil_matrix(impact, urgency, priority):
    incident = IncidentFactory(impact=impact, urgency=urgency)
    assert incident.priority == priority


def test_the_matrix_is_data_that_can_change_without_code():
    PriorityRule.objects.filter(impact=3, urgency=3).update(priority=4)
    assert IncidentFactory(impact=3, urgency=3).priority == 4


def test_changing_impact_recomputes_priority_and_sla_and_records_it(agent):
    incident = IncidentFactory(impact=3, urgency=3)
    old_due = incident.resolution_due_at

    incident = services.incident_update(incident=incident, actor=agent, impact=1, urgency=1)

    assert incident.priority == 1
    assert incident.resolution_due_at < old_due
    priority_event = Event.objects.get(incident=incident, kind=EventKind.PRIORITY)
    assert (priority_event.old_value, priority_event.new_value) == ("5 - Planning", "1 - Critical")
    fields = set(Event.objects.filter(incident=incident, kind=EventKind.FIELD).values_list("field", flat=True))
    assert fields == {"impact", "urgency"}


def test_an_update_that_changes_nothing_records_nothing(agent):
    incident = IncidentFactory(impact=2, urgency=2, title="Same")
    before = Event.objects.count()
    services.incident_update(incident=incident, actor=agent, impact=2, title="Same")
    assert Event.objects.count() == before
