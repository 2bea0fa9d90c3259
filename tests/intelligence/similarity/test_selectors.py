"""Looking up similar incidents: right answers, scope, and a fixed number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from intelligence.similarity.selectors import Scope, incident_similar, text_similar
from tests.queries import assert_queries
from tickets import services
from tickets.models import IncidentStatus

pytestmark = pytest.mark.django_db


def numbers(found):
    return [f.incident.number for f in found]


def test_the_same_fault_comes_first(vpn_desk):
    found = incident_similar(incident=vpn_desk["vpn"])
    assert set(numbers(found)[:2]) == {vpn_desk["vpn2"].number, vpn_desk["vpn3"].number}
    assert vpn_desk["vpn"].number not in numbers(found)
    assert [f.score for f in found] == sorted((f.score for f in found), reverse=True)


def test_unrelated_incidents_are_not_shown(vpn_desk):
    assert vpn_desk["mail"].number not in numbers(incident_similar(incident=vpn_desk["vpn"]))


def test_a_lookup_costs_three_queries(vpn_desk):
    with assert_queries(3):  # its vectors, the candidates, their vectors with the incidents
        incident_similar(incident=vpn_desk["vpn"])


def test_an_incident_not_yet_indexed_is_weighed_on_the_spot(vpn_desk):
    from tests.factories import IncidentFactory

    fresh = IncidentFactory(title="VPN tunnel drops", description="")  # its task has not run
    with assert_queries(4):  # no vectors, the term counts, the candidates, their vectors
        found = incident_similar(incident=fresh)
    assert vpn_desk["vpn"].number in numbers(found)


def test_long_resolved_incidents_are_left_out_unless_asked_for(vpn_desk, agent):
    services.incident_transition(
        incident=vpn_desk["vpn2"], actor=agent, to_status=IncidentStatus.RESOLVED, resolution="Rebooted."
    )
    later = timezone.now() + timedelta(days=60)
    assert vpn_desk["vpn2"].number not in numbers(incident_similar(incident=vpn_desk["vpn"], now=later))
    assert vpn_desk["vpn2"].number in numbers(incident_similar(incident=vpn_desk["vpn"], now=later, scope=Scope.ALL))
    assert vpn_desk["vpn2"].number in numbers(incident_similar(incident=vpn_desk["vpn"]))


def test_a_typed_text_finds_incidents(vpn_desk):
    assert numbers(text_similar(title="my printer is jammed"))[0] == vpn_desk["printer2"].number
