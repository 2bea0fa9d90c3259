"""tickets tells other apps what changed through `tickets.signals`, inside the transaction of
the change, naming none of them: a receiver's writes commit or roll back with the change."""

import pytest
from django.db import connection, transaction

from tickets import services
from tickets.signals import Change, changed, redacted

from ..factories import IncidentFactory, ProblemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    calls = []

    def receiver(sender, **kwargs):
        calls.append({**kwargs, "in_transaction": connection.in_atomic_block})

    changed.connect(receiver, dispatch_uid="test-changed")
    redacted.connect(receiver, dispatch_uid="test-redacted")
    yield calls
    changed.disconnect(dispatch_uid="test-changed")
    redacted.disconnect(dispatch_uid="test-redacted")


def test_a_change_is_announced_inside_its_transaction(heard, agent, contact):
    incident = IncidentFactory(reporter=contact)
    services.incident_transition(incident=incident, to_status="in_progress", actor=agent)
    assert [(call["change"], call["pks"]) for call in heard] == [
        (Change.INCIDENT_CREATED, [incident.pk]),
        (Change.INCIDENT_UPDATED, [incident.pk]),
    ]
    assert all(call["in_transaction"] for call in heard)


def test_a_batch_is_announced_once(heard, agent, contact):
    first, second = IncidentFactory(reporter=contact), IncidentFactory(reporter=contact)
    heard.clear()
    ProblemFactory(incidents=[first, second])
    updates = [call["pks"] for call in heard if call["change"] == Change.INCIDENT_UPDATED]
    assert updates == [[first.pk, second.pk]]


def test_a_refused_change_announces_nothing_that_survives(heard, agent, contact):
    incident = IncidentFactory(reporter=contact)
    heard.clear()
    with pytest.raises(Exception, match="cannot go from New to Closed"), transaction.atomic():
        services.incident_transition(incident=incident, to_status="closed", actor=agent)
    assert heard == []
