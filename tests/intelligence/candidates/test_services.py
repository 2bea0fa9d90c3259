"""Proposing problem candidates, accepting and dismissing them."""

import pytest
from django.core.exceptions import ValidationError

from intelligence.candidates import grouping
from intelligence.candidates.models import CandidateState, ProblemCandidate
from intelligence.candidates.services import candidate_accept, candidate_dismiss, candidates_refresh
from tickets import services as tickets
from tickets.models import Incident

pytestmark = pytest.mark.django_db


def member_numbers(candidate):
    return {m.number for m in candidate.members.all()}


def test_three_or_more_similar_incidents_are_proposed(proposed, vpn_storm):
    assert member_numbers(proposed) == {i.number for i in vpn_storm["vpn"]}
    assert "vpn" in proposed.top_terms
    assert proposed.services == ["Network"]
    assert proposed.suggested_title in {i.title for i in vpn_storm["vpn"]}
    assert proposed.cohesion >= grouping.PAIR_THRESHOLD
    # Two printer incidents are not a pattern yet.
    assert ProblemCandidate.objects.count() == 1


def test_refreshing_again_proposes_nothing_new(proposed):
    assert candidates_refresh().proposed == 0
    assert ProblemCandidate.objects.get() == proposed


def test_a_dismissed_group_is_not_proposed_again(proposed, agent):
    candidate_dismiss(candidate=proposed, actor=agent)
    assert candidates_refresh().proposed == 0
    assert not ProblemCandidate.objects.filter(state=CandidateState.PROPOSED).exists()


def test_a_group_that_grows_is_proposed_anew(proposed, indexed_incident, vpn_storm):
    indexed_incident(title="VPN disconnects all the time", description="VPN tunnel drops")
    result = candidates_refresh()
    assert (result.proposed, result.lapsed) == (1, 1)
    proposed.refresh_from_db()
    assert proposed.state == CandidateState.LAPSED
    assert len(member_numbers(ProblemCandidate.objects.get(state=CandidateState.PROPOSED))) == 5


def test_accepting_makes_a_problem_with_the_incidents_linked(proposed, agent, vpn_storm):
    problem = candidate_accept(candidate=proposed, actor=agent, title="VPN concentrator drops tunnels")
    assert problem.title == "VPN concentrator drops tunnels"
    assert {i.number for i in problem.incidents.all()} == {i.number for i in vpn_storm["vpn"]}
    assert problem.service.name == "Network"
    proposed.refresh_from_db()
    assert (proposed.state, proposed.problem, proposed.decided_by) == (CandidateState.ACCEPTED, problem, agent)
    # Linked now: no longer candidates.
    candidates_refresh()
    assert not ProblemCandidate.objects.filter(state=CandidateState.PROPOSED).exists()


def test_a_member_linked_meanwhile_stays_where_it_is(proposed, agent, vpn_storm):
    elsewhere = tickets.problem_create(title="Home routers", actor=agent, incidents=[vpn_storm["vpn"][0]])
    problem = candidate_accept(candidate=proposed, actor=agent)
    assert Incident.objects.get(pk=vpn_storm["vpn"][0].pk).problem == elsewhere
    assert problem.incidents.count() == 3


def test_a_decided_candidate_cannot_be_decided_again(proposed, agent):
    candidate_dismiss(candidate=proposed, actor=agent)
    with pytest.raises(ValidationError, match="already dismissed"):
        candidate_accept(candidate=proposed, actor=agent)


def test_customers_decide_nothing(proposed, customer):
    with pytest.raises(ValidationError):
        candidate_dismiss(candidate=proposed, actor=customer)


def test_groups_form_around_a_centre_without_chaining():
    # 1, 3 and 7 around 2; 4 is like 3 only: not pulled in through 3. 5-6 are only two.
    edges = [(1, 2, 0.9), (2, 3, 0.8), (2, 7, 0.6), (3, 4, 0.7), (1, 3, 0.5), (5, 6, 0.9), (8, 9, 0.1)]
    assert grouping.groups(edges, threshold=0.45) == [{1, 2, 3, 7}]
    assert grouping.signature([3, 1, 2]) == grouping.signature([1, 2, 3])
