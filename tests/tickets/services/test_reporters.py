"""The rules that depend on who acts (tickets/services/reporters.py): pages, the API and the
social workers all go through these, so each rule is tested once, here."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from tickets import services
from tickets.models import Channel, Comment, Impact, IncidentStatus, Visibility

from ...factories import ContactFactory, IncidentFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def resolved(incident, agent):
    services.incident_transition(incident=incident, to_status="in_progress", actor=agent)
    return services.incident_transition(incident=incident, to_status="resolved", actor=agent, resolution="Fixed")


def test_a_customer_raises_for_themselves_at_low_impact(customer):
    someone_else = ContactFactory(name="Not me")
    incident = services.incident_raise(
        actor=customer, channel=Channel.API, title="Mail is down", impact=Impact.HIGH, reporter=someone_else
    )
    assert incident.impact == Impact.LOW
    assert incident.reporter == services.contact_for_user(user=customer)


def test_an_agent_judges_the_impact_and_names_the_reporter(agent, contact):
    incident = services.incident_raise(
        actor=agent, channel=Channel.API, title="Core switch down", impact=Impact.HIGH, reporter=contact
    )
    assert (incident.impact, incident.reporter) == (Impact.HIGH, contact)
    without_reporter = services.incident_raise(actor=agent, channel=Channel.WEB, title="Printer")
    assert without_reporter.reporter == services.contact_for_user(user=agent)


def test_an_agent_replies_or_notes_and_a_customer_only_replies(agent, customer):
    incident = IncidentFactory(reporter=services.contact_for_user(user=customer))
    note = services.incident_reply(incident=incident, author=agent, body="Checked", visibility=Visibility.INTERNAL)
    reply = services.incident_reply(incident=incident, author=customer, body="Any news?")
    assert (note.visibility, reply.visibility) == (Visibility.INTERNAL, Visibility.PUBLIC)
    with pytest.raises(PermissionDenied, match="public replies only"):
        services.incident_reply(incident=incident, author=customer, body="psst", visibility=Visibility.INTERNAL)
    assert Comment.objects.filter(incident=incident).count() == 2


def test_the_reporter_cannot_reply_to_a_closed_incident_but_an_agent_can(agent, customer):
    incident = IncidentFactory(reporter=services.contact_for_user(user=customer))
    incident = services.incident_transition(incident=incident, to_status="cancelled", actor=agent, note="Duplicate")
    with pytest.raises(ValidationError, match="please raise a new incident"):
        services.incident_reply(incident=incident, author=customer, body="Still there?")
    services.incident_reply(incident=incident, author=agent, body="Closed as a duplicate of another one.")


@override_settings(INCIDENT_REOPEN_DAYS=7)
def test_the_reopen_deadline_is_days_after_resolution_and_only_when_resolved(agent):
    with time_machine.travel(T0, tick=False):
        incident = IncidentFactory()
        assert services.incident_reopen_deadline(incident=incident) is None
        incident = resolved(incident, agent)
        assert services.incident_reopen_deadline(incident=incident) == T0 + timedelta(days=7)


@override_settings(INCIDENT_REOPEN_DAYS=7)
def test_a_reopen_needs_a_note_and_the_window(agent, customer):
    with time_machine.travel(T0, tick=False) as clock:
        incident = resolved(IncidentFactory(reporter=services.contact_for_user(user=customer)), agent)
        with pytest.raises(ValidationError) as blank:
            services.incident_reopen_by_reporter(incident=incident, actor=customer, note="  ")
        assert blank.value.message_dict == {"note": ["Tell us what is still wrong."]}
        clock.shift(timedelta(days=7, seconds=1))
        with pytest.raises(ValidationError, match="more than 7 days ago"):
            services.incident_reopen_by_reporter(incident=incident, actor=customer, note="Broken again")
        clock.shift(timedelta(seconds=-2))
        reopened = services.incident_reopen_by_reporter(incident=incident, actor=customer, note="Broken again")
    assert reopened.status == IncidentStatus.IN_PROGRESS
    assert Comment.objects.filter(incident=incident, body="Broken again", visibility=Visibility.PUBLIC).exists()


def test_a_customer_may_change_nothing_but_a_reopen(customer, agent):
    check = services.check_incident_change
    check(actor=customer, changes={})
    check(actor=customer, changes={"status": "in_progress", "note": "Still broken"})
    check(actor=agent, changes={"title": "Anything the services allow", "status": "closed"})
    for refused in ({"status": "closed", "note": "x"}, {"status": "in_progress", "note": "x", "title": "Mine"}):
        with pytest.raises(PermissionDenied, match="Customers can only reopen"):
            check(actor=customer, changes=refused)
    with pytest.raises(ValidationError) as no_note:
        check(actor=customer, changes={"status": "in_progress", "note": " "})
    assert no_note.value.message_dict == {"note": ["Tell us what is still wrong."]}


def test_a_customers_change_is_their_reopen(agent, customer):
    incident = resolved(IncidentFactory(reporter=services.contact_for_user(user=customer)), agent)
    changed = services.incident_change(incident=incident, actor=customer, status="in_progress", note="Again")
    assert changed.status == IncidentStatus.IN_PROGRESS
    assert Comment.objects.get(incident=incident, author_user=customer).body == "Again"
    with pytest.raises(PermissionDenied):
        services.incident_change(incident=incident, actor=customer, title="Renamed by the reporter")
