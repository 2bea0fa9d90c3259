"""What the incident page reads in one query each: the incident with its latest audit event
and its reporter's other incidents, and the assignment form's groups and agents."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tickets import selectors, services
from tickets.models import Event, Incident

from ...factories import (
    AgentFactory,
    ContactFactory,
    CustomerFactory,
    IncidentFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_it_reads_the_incident_its_latest_event_and_its_reporters_latest_others_in_one_query(agent, contact):
    now = timezone.now()
    earlier = [IncidentFactory(reporter=contact, opened_at=now - timedelta(days=n)) for n in range(1, 14)]
    incident = IncidentFactory(reporter=contact, opened_at=now - timedelta(days=5, hours=12))
    IncidentFactory(reporter=ContactFactory())  # somebody else's
    services.incident_assign(incident=incident, assignee=agent, actor=agent)

    with CaptureQueriesContext(connection) as captured:
        page = selectors.incident_for_page(user=agent, number=incident.number)
        loaded_with_it = (page.assignee, page.reporter, page.problem, page.category)
    assert len(captured) == 1
    assert page.pk == incident.pk and loaded_with_it[0] == agent
    assert page.last_event_id == Event.objects.filter(incident=incident).latest("pk").pk
    # the ten newest of the reporter's others, newest first, whether older or newer than this one
    assert [other.number for other in page.reporter_others] == [i.number for i in earlier[:10]]


def test_a_reporter_with_one_incident_has_no_others(agent, contact):
    incident = IncidentFactory(reporter=contact)
    IncidentFactory(reporter=ContactFactory())
    page = selectors.incident_for_page(user=agent, number=incident.number)
    assert page.reporter_others == []
    assert page.last_event_id == Event.objects.get(incident=incident).pk  # its creation


def test_an_unknown_or_unseen_incident_does_not_exist(agent, contact, customer):
    IncidentFactory(reporter=contact)
    with pytest.raises(Incident.DoesNotExist):
        selectors.incident_for_page(user=agent, number="INC9999999")
    theirs = IncidentFactory(reporter=contact)
    with pytest.raises(Incident.DoesNotExist):
        selectors.incident_for_page(user=customer, number=theirs.number)


def test_the_assignment_choices_are_the_groups_and_the_active_agents_by_name_in_one_query(agent):
    SupportGroupFactory(name="Workplace")
    network = SupportGroupFactory(name="Network")
    nameless = AgentFactory(username="zed", first_name="", last_name="")
    aaron = AgentFactory(first_name="Aaron", last_name="Zuber")
    AgentFactory(first_name="Gone", is_active=False)
    UserFactory(first_name="Not an agent")
    CustomerFactory(first_name="Customer")
    root = UserFactory(username="root", first_name="", last_name="", is_superuser=True)

    with CaptureQueriesContext(connection) as captured:
        choices = selectors.assignment_choices()
    assert len(captured) == 1
    assert [label for _, label in choices.groups] == ["Network", "Workplace"]
    assert choices.groups[0] == (network.pk, "Network")
    # as the form's own queryset would offer them: by first name, last name, username
    assert choices.agents == [
        (root.pk, "root"),
        (nameless.pk, "zed"),
        (aaron.pk, "Aaron Zuber"),
        (agent.pk, "Sam Agent"),
    ]
