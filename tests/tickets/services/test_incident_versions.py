"""A change made from a stale copy of an incident is refused by the services, whoever calls
them (the incident page's forms, the API's If-Match): `expected_version`, the API's ETag."""

import pytest

from tickets import services
from tickets.models import Event, Impact, Incident, IncidentStatus

from ...factories import AgentFactory, IncidentFactory, ProblemFactory, SupportGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(contact):
    return IncidentFactory(reporter=contact, title="VPN drops")


def version_of(incident: Incident, *, internal: bool = True) -> str:
    fresh = Incident.objects.select_related(*services.VERSIONED_RELATED).get(pk=incident.pk)
    return services.incident_version(fresh, internal=internal)


def test_the_version_is_the_apis_etag_as_each_reader_sees_it(client, agent, customer, incident):
    client.force_login(agent)
    as_agent = client.get(f"/api/v1/incidents/{incident.number}/")["ETag"]
    assert version_of(incident) == as_agent
    customer_incident = IncidentFactory(reporter=services.contact_for_user(user=customer))
    client.force_login(customer)
    as_customer = client.get(f"/api/v1/incidents/{customer_incident.number}/")["ETag"]
    assert version_of(customer_incident, internal=False) == as_customer


def test_the_version_moves_with_every_change_a_reader_could_see(agent, incident):
    seen = {version_of(incident)}
    services.incident_transition(incident=incident, to_status=IncidentStatus.IN_PROGRESS, actor=agent)
    seen.add(version_of(incident))
    services.comment_create(incident=incident, body="Looking", visibility="internal", author=agent)
    seen.add(version_of(incident))
    Incident.objects.filter(pk=incident.pk).update(response_breached=True)  # the sweep, without updated_at
    seen.add(version_of(incident))
    assert len(seen) == 4


def stale_cases(agent):
    group = SupportGroupFactory(name="Network")
    problem = ProblemFactory(actor=agent, title="Concentrator overloaded")
    taking_it = services.macro_create(actor=agent, name="On it", body="On it", set_status=IncidentStatus.IN_PROGRESS)
    return {
        "problem_link": lambda incident, version: services.problem_link_incidents(
            problem=problem, incidents=[incident], actor=agent, expected_version=version
        ),
        "macro_reply": lambda incident, version: services.macro_reply(
            incident=incident, macro=taking_it, author=agent, body="Looking at it", expected_version=version
        ),
        "transition": lambda incident, version: services.incident_transition(
            incident=incident, to_status=IncidentStatus.IN_PROGRESS, actor=agent, expected_version=version
        ),
        "assign": lambda incident, version: services.incident_assign(
            incident=incident, assignee=agent, assignment_group=group, actor=agent, expected_version=version
        ),
        "update": lambda incident, version: services.incident_update(
            incident=incident, actor=agent, impact=Impact.HIGH, expected_version=version
        ),
        "not_incident": lambda incident, version: services.incident_close_not_incident(
            incident=incident, kind="spam", reason="An advert", actor=agent, expected_version=version
        ),
        "change": lambda incident, version: services.incident_change(
            incident=incident, actor=agent, status=IncidentStatus.IN_PROGRESS, title="Mine", expected_version=version
        ),
    }


WRITES = ["transition", "assign", "update", "not_incident", "change", "problem_link", "macro_reply"]


@pytest.mark.parametrize("write", WRITES)
def test_a_change_from_a_stale_version_is_refused_and_writes_nothing(agent, manager, incident, write):
    change = stale_cases(agent)[write]
    stale = version_of(incident)
    services.incident_update(incident=incident, actor=manager, title="Renamed by a colleague")
    row_before = Incident.objects.values().get(pk=incident.pk)
    events = Event.objects.count()

    with pytest.raises(services.IncidentChanged) as refused:
        change(incident, stale)

    assert Incident.objects.values().get(pk=incident.pk) == row_before
    assert Event.objects.count() == events
    assert refused.value.current_version == version_of(incident)
    assert refused.value.incident.title == "Renamed by a colleague"
    assert str(refused.value) == "This incident changed since you opened it."


WRITES = ["transition", "assign", "update", "not_incident", "change", "problem_link", "macro_reply"]


@pytest.mark.parametrize("write", WRITES)
def test_a_change_from_the_current_version_is_made(agent, incident, write):
    stale_cases(agent)[write](incident, version_of(incident))
    assert Event.objects.filter(incident=incident, actor_user=agent).exists()


def test_an_unlink_from_a_stale_version_is_refused_and_from_the_current_one_made(agent, manager, incident):
    problem = ProblemFactory(actor=agent)
    services.problem_link_incidents(problem=problem, incidents=[incident], actor=agent)
    stale = version_of(incident)
    services.incident_update(incident=incident, actor=manager, title="Renamed by a colleague")
    with pytest.raises(services.IncidentChanged):
        services.problem_unlink_incident(incident=incident, actor=agent, expected_version=stale)
    assert Incident.objects.get(pk=incident.pk).problem == problem
    services.problem_unlink_incident(incident=incident, actor=agent, expected_version=version_of(incident))
    assert Incident.objects.get(pk=incident.pk).problem is None


def test_a_saved_reply_without_actions_is_a_reply_and_never_refused(agent, manager, incident):
    words_only = services.macro_create(actor=agent, name="Thanks", body="Thanks for waiting")
    stale = version_of(incident)
    services.incident_update(incident=incident, actor=manager, title="Renamed by a colleague")
    services.macro_reply(incident=incident, macro=words_only, author=agent, body="Thanks", expected_version=stale)
    assert incident.comments.get().body == "Thanks"


def test_a_version_names_one_incident_linked_alone(agent, incident):
    with pytest.raises(TypeError):
        services.problem_link_incidents(
            problem=ProblemFactory(actor=agent),
            incidents=[incident, IncidentFactory()],
            actor=agent,
            expected_version=version_of(incident),
        )


def test_any_of_several_versions_will_do_and_none_means_unchecked(agent, incident):
    current = version_of(incident)
    services.incident_update(incident=incident, actor=agent, title="One", expected_version=['"old"', current])
    with pytest.raises(services.IncidentChanged):
        services.incident_update(incident=incident, actor=agent, title="Two", expected_version=['"old"', current])
    services.incident_update(incident=incident, actor=agent, title="Three", expected_version=None)
    assert Incident.objects.get(pk=incident.pk).title == "Three"


def test_two_writers_from_one_version_cannot_both_pass(agent, incident):
    """The second compares under the lock with what the first wrote."""
    version = version_of(incident)
    other = AgentFactory()
    services.incident_assign(incident=incident, assignee=agent, actor=agent, expected_version=version)
    with pytest.raises(services.IncidentChanged):
        services.incident_assign(incident=incident, assignee=other, actor=other, expected_version=version)
    assert Incident.objects.get(pk=incident.pk).assignee == agent


def test_a_customer_reopening_through_the_api_shape_is_checked_as_they_see_it(customer, agent):
    incident = IncidentFactory(reporter=services.contact_for_user(user=customer))
    services.problem_link_incidents(problem=ProblemFactory(actor=agent), incidents=[incident], actor=agent)
    services.incident_transition(incident=incident, to_status=IncidentStatus.RESOLVED, actor=agent, resolution="Done")
    as_customer = version_of(incident, internal=False)
    with pytest.raises(services.IncidentChanged):
        services.incident_change(
            incident=incident,
            actor=customer,
            status=IncidentStatus.IN_PROGRESS,
            note="Still broken",
            expected_version=version_of(incident),  # the agent's view names the problem link: not theirs
        )
    services.incident_change(
        incident=incident,
        actor=customer,
        status=IncidentStatus.IN_PROGRESS,
        note="Still broken",
        expected_version=as_customer,
    )
    assert Incident.objects.get(pk=incident.pk).status == IncidentStatus.IN_PROGRESS


@pytest.mark.parametrize("if_match", [True, False])
def test_a_patch_linking_a_problem_locks_the_problem_before_the_incident(agent, incident, if_match):
    """Linking from the problem's page locks the problem, then its incidents: the API's change
    of an incident's problem takes them in the same order, so the two never deadlock."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    problem = ProblemFactory()
    with CaptureQueriesContext(connection) as queries:
        services.incident_change(
            incident=incident,
            actor=agent,
            expected_version=version_of(incident) if if_match else None,
            problem=problem,
            impact=Impact.HIGH,
        )
    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    first_problem = next(i for i, sql in enumerate(locks) if 'FROM "tickets_problem"' in sql)
    first_incident = next(i for i, sql in enumerate(locks) if 'FROM "tickets_incident"' in sql)
    assert first_problem < first_incident
    incident.refresh_from_db()
    assert incident.problem_id == problem.pk
