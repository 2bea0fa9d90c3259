"""Self-service while somebody writes an incident: public known errors and current outages
that match, and "This solved it" recorded once per form, for what the public may see only."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from status.models import ServiceState
from status.self_service import self_service_deflect, self_service_suggestions
from status.services import public_known_error_save
from tickets import services as tickets
from tickets.models import Deflection, DeflectionKind, Incident, ProblemStatus

pytestmark = pytest.mark.django_db
VPN_TEXT = "The VPN tunnel drops every hour\nat home, since this morning"


def test_a_matching_published_known_error_is_suggested_in_its_public_words(desk):
    found = self_service_suggestions(text=VPN_TEXT)

    assert [s.known_error for s in found.known_errors] == [desk["public"]]
    assert found.known_errors[0].score >= 0.4


def test_a_current_outage_of_the_service_the_text_is_about_is_suggested(desk):
    found = self_service_suggestions(text=VPN_TEXT)

    assert [(o.service, o.status.state) for o in found.outages] == [(desk["network"], ServiceState.MAJOR_OUTAGE)]
    assert found.outages[0].status.why == "A major incident is being handled."


def test_a_known_error_without_public_words_or_unpublished_is_not_suggested(desk, agent):
    assert self_service_suggestions(text="Outlook cannot send mail, stuck in the outbox").known_errors == []
    public_known_error_save(
        problem=desk["vpn"], by=agent, title="The VPN drops", description="It drops.", published=False
    )
    assert self_service_suggestions(text=VPN_TEXT).known_errors == []


def test_a_resolved_known_error_is_not_suggested(desk, agent):
    tickets.problem_transition(
        problem=desk["vpn"], actor=agent, to_status=ProblemStatus.RESOLVED, root_cause="A bad firmware."
    )
    assert self_service_suggestions(text=VPN_TEXT).known_errors == []


def test_an_operational_service_is_no_outage(desk, agent):
    tickets.incident_update(incident=desk["major"], actor=agent, major=False, impact=3, urgency=3)
    tickets.problem_transition(
        problem=desk["vpn"], actor=agent, to_status=ProblemStatus.RESOLVED, root_cause="A bad firmware."
    )
    assert self_service_suggestions(text=VPN_TEXT).outages == []


def test_a_text_too_short_to_match_costs_no_query(desk, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert not self_service_suggestions(text="  vpn  ")


def test_unrelated_text_suggests_nothing(desk):
    assert not self_service_suggestions(text="My chair squeaks when I lean back")


# --- "This solved it" ------------------------------------------------------------------------


def test_a_known_error_that_solved_it_is_recorded_with_who_and_what_was_typed(desk, customer):
    key = uuid.uuid4()
    deflection, recorded = self_service_deflect(key=key, text=VPN_TEXT, user=customer, known_error_id=desk["public"].pk)

    assert recorded
    assert (deflection.kind, deflection.problem, deflection.service) == (
        DeflectionKind.KNOWN_ERROR,
        desk["vpn"],
        desk["network"],
    )
    assert (deflection.user, deflection.contact, deflection.channel) == (customer, customer.contact, "portal")
    assert deflection.text == VPN_TEXT.strip()
    assert Incident.objects.filter(reporter=customer.contact).count() == 0


def test_an_outage_that_solved_it_keeps_the_state_shown(desk, customer):
    deflection, _ = self_service_deflect(
        key=uuid.uuid4(), text=VPN_TEXT, user=customer, outage_service_id=desk["network"].pk
    )

    assert (deflection.kind, deflection.service, deflection.outage_state, deflection.problem) == (
        DeflectionKind.OUTAGE,
        desk["network"],
        ServiceState.MAJOR_OUTAGE,
        None,
    )


def test_a_second_click_with_the_same_form_records_nothing_more(desk, customer):
    key = uuid.uuid4()
    first, recorded = self_service_deflect(key=key, text=VPN_TEXT, user=customer, known_error_id=desk["public"].pk)
    again, recorded_again = self_service_deflect(
        key=key, text=VPN_TEXT, user=customer, outage_service_id=desk["network"].pk
    )

    assert (recorded, recorded_again, again) == (True, False, first)
    assert Deflection.objects.count() == 1


def test_only_a_published_known_error_may_be_chosen(desk, customer, agent):
    public_known_error_save(problem=desk["vpn"], by=agent, title="VPN", description="It drops.", published=False)
    with pytest.raises(ValidationError) as refused:
        self_service_deflect(key=uuid.uuid4(), text=VPN_TEXT, user=customer, known_error_id=desk["public"].pk)
    assert "not published" in str(refused.value)
    assert not Deflection.objects.exists()


def test_one_suggestion_must_be_named(desk, customer):
    for named in ({}, {"known_error_id": desk["public"].pk, "outage_service_id": desk["network"].pk}):
        with pytest.raises(ValidationError):
            self_service_deflect(key=uuid.uuid4(), text=VPN_TEXT, user=customer, **named)
    with pytest.raises(ValidationError):
        self_service_deflect(key=uuid.uuid4(), text=VPN_TEXT, user=customer, outage_service_id=999_999)


def test_what_was_typed_is_required(desk, customer):
    with pytest.raises(ValidationError) as refused:
        self_service_deflect(key=uuid.uuid4(), text="   ", user=customer, known_error_id=desk["public"].pk)
    assert "text" in refused.value.message_dict


def test_agents_do_not_count_as_deflections(desk, agent):
    with pytest.raises(PermissionDenied):
        self_service_deflect(key=uuid.uuid4(), text=VPN_TEXT, user=agent, known_error_id=desk["public"].pk)
