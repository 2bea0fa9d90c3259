import pytest
from django.core.exceptions import ValidationError

from tickets import services
from tickets.models import Incident, Problem, ProblemStatus

from ...factories import IncidentFactory, ProblemFactory

pytestmark = pytest.mark.django_db


def test_problems_get_their_own_numbers(agent):
    first, second = ProblemFactory(actor=agent), ProblemFactory(actor=agent)
    assert (first.number, second.number) == ("PRB0000001", "PRB0000002")
    assert IncidentFactory().number == "INC0000001"


def test_a_problem_can_be_created_from_incidents(agent):
    incidents = [IncidentFactory(), IncidentFactory()]
    problem = ProblemFactory(actor=agent, incidents=incidents)
    assert set(problem.incidents.all()) == set(incidents)


def test_a_known_error_needs_a_workaround(agent):
    problem = ProblemFactory(actor=agent)
    problem = services.problem_transition(problem=problem, to_status="investigating", actor=agent)
    with pytest.raises(ValidationError) as raised:
        services.problem_transition(problem=problem, to_status="known_error", actor=agent)
    assert raised.value.message_dict == {"workaround": ["A known error needs a workaround."]}

    problem = services.problem_transition(
        problem=problem, to_status="known_error", actor=agent, workaround="Use the backup gateway"
    )
    assert problem.is_known_error and problem.workaround == "Use the backup gateway"


def test_the_workaround_of_a_known_error_cannot_be_emptied(agent):
    problem = ProblemFactory(actor=agent)
    problem = services.problem_transition(problem=problem, to_status="known_error", actor=agent, workaround="Reboot")
    with pytest.raises(ValidationError):
        services.problem_update(problem=problem, actor=agent, workaround="")
    problem.refresh_from_db()
    assert problem.workaround == "Reboot"


def test_resolving_needs_a_root_cause(agent):
    problem = services.problem_transition(problem=ProblemFactory(actor=agent), to_status="investigating", actor=agent)
    with pytest.raises(ValidationError) as raised:
        services.problem_transition(problem=problem, to_status="resolved", actor=agent)
    assert raised.value.message_dict == {"root_cause": ["Resolving a problem needs its root cause."]}
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.INVESTIGATING


def test_illegal_problem_transitions_are_refused(agent):
    problem = ProblemFactory(actor=agent)
    with pytest.raises(ValidationError) as raised:
        services.problem_transition(problem=problem, to_status="resolved", actor=agent, root_cause="x")
    assert raised.value.message_dict["status"] == ["A problem cannot go from New to Resolved."]
    problem.refresh_from_db()
    assert (problem.status, problem.root_cause) == ("new", "")


def test_resolving_a_problem_resolves_its_open_incidents_with_one_note(agent):
    open_one, on_hold, already_closed = IncidentFactory(), IncidentFactory(), IncidentFactory()
    services.incident_transition(incident=on_hold, to_status="on_hold", actor=agent, hold_reason="Vendor")
    services.incident_transition(incident=already_closed, to_status="cancelled", actor=agent)
    problem = ProblemFactory(actor=agent, incidents=[open_one, on_hold, already_closed])
    problem = services.problem_transition(problem=problem, to_status="investigating", actor=agent)

    services.problem_transition(
        problem=problem,
        to_status="resolved",
        actor=agent,
        root_cause="Firmware bug",
        resolve_incidents_note="Fixed by the firmware upgrade of 2 March.",
    )

    statuses = dict(Incident.objects.values_list("pk", "status"))
    assert statuses == {open_one.pk: "resolved", on_hold.pk: "resolved", already_closed.pk: "cancelled"}
    assert Incident.objects.get(pk=open_one.pk).resolution == "Fixed by the firmware upgrade of 2 March."


def test_resolving_without_the_note_leaves_incidents_alone(agent):
    incident = IncidentFactory()
    problem = ProblemFactory(actor=agent, incidents=[incident])
    problem = services.problem_transition(problem=problem, to_status="investigating", actor=agent)
    services.problem_transition(problem=problem, to_status="resolved", actor=agent, root_cause="Bug")
    incident.refresh_from_db()
    assert incident.status == "new"


def test_an_incident_links_to_at_most_one_problem(agent):
    incident, free = IncidentFactory(), IncidentFactory()
    first = ProblemFactory(actor=agent, incidents=[incident])
    second = ProblemFactory(actor=agent)

    with pytest.raises(ValidationError) as raised:
        services.problem_link_incidents(problem=second, incidents=[free, incident], actor=agent)

    assert raised.value.message_dict == {
        "incidents": [f"{incident.number} is already linked to {first.number}; unlink it first."]
    }
    # Nothing is half-saved: the free incident was not linked either.
    assert not second.incidents.exists()
    free.refresh_from_db()
    assert free.problem is None


def test_linking_twice_is_harmless(agent):
    incident = IncidentFactory()
    problem = ProblemFactory(actor=agent, incidents=[incident])
    services.problem_link_incidents(problem=problem, incidents=[incident], actor=agent)
    assert problem.incidents.count() == 1
    assert problem.events.filter(kind="problem_link").count() == 1


def test_a_closed_problem_takes_no_new_incidents(agent):
    problem = ProblemFactory(actor=agent)
    problem = services.problem_transition(problem=problem, to_status="closed", actor=agent)
    with pytest.raises(ValidationError):
        services.problem_link_incidents(problem=problem, incidents=[IncidentFactory()], actor=agent)
    assert Problem.objects.get(pk=problem.pk).incidents.count() == 0
