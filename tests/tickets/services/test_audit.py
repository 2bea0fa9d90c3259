import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction

from tickets import services
from tickets.models import Comment, Event, EventKind, Incident, Problem

from ...factories import IncidentFactory, ProblemFactory, SupportGroupFactory

pytestmark = pytest.mark.django_db


def kinds(incident) -> list[tuple[str, str, str, str]]:
    return list(
        Event.objects.filter(incident=incident).order_by("id").values_list("kind", "field", "old_value", "new_value")
    )


def test_creation_is_recorded_with_its_actor(customer):
    incident = IncidentFactory(actor=customer)
    event = Event.objects.get(incident=incident)
    assert (event.kind, event.new_value, event.actor_user) == (EventKind.CREATED, "New", customer)


def test_assignment_changes_are_recorded(agent):
    other_agent = type(agent).objects.create(username="priya", first_name="Priya", last_name="Patel")
    other_agent.groups.add(*agent.groups.all())
    team = SupportGroupFactory(name="Network")
    incident = IncidentFactory()

    services.incident_assign(incident=incident, actor=agent, assignee=agent, assignment_group=team)
    services.incident_assign(incident=incident, actor=agent, assignee=other_agent)
    services.incident_assign(incident=incident, actor=agent, assignee=None)

    assert kinds(incident)[1:] == [
        ("assignment", "assignment_group", "", "Network"),
        ("assignment", "assignee", "", "Sam Agent"),
        ("assignment", "assignee", "Sam Agent", "Priya Patel"),
        ("assignment", "assignee", "Priya Patel", ""),
    ]


def test_only_agents_can_be_assigned(agent, customer):
    incident = IncidentFactory()
    with pytest.raises(Exception, match="not an active agent"):
        services.incident_assign(incident=incident, actor=agent, assignee=customer)
    incident.refresh_from_db()
    assert incident.assignee is None


def test_comments_are_recorded_without_copying_their_text(agent):
    incident = IncidentFactory()
    comment = services.comment_create(incident=incident, body="Secret detail", visibility="internal", author=agent)
    event = Event.objects.get(incident=incident, kind=EventKind.COMMENT)
    assert event.comment == comment and event.new_value == "Internal note"
    assert "Secret" not in (event.old_value + event.new_value + event.note)


def test_problem_links_are_recorded_on_both_sides(agent):
    incident = IncidentFactory()
    problem = ProblemFactory(actor=agent)
    services.problem_link_incidents(problem=problem, incidents=[incident], actor=agent)
    services.problem_unlink_incident(incident=incident, actor=agent)

    assert kinds(incident)[1:] == [
        ("problem_link", "problem", "", problem.number),
        ("problem_unlink", "problem", problem.number, ""),
    ]
    problem_side = Event.objects.filter(problem=problem).exclude(kind=EventKind.CREATED)
    assert list(problem_side.values_list("kind", "new_value", "old_value")) == [
        ("problem_link", incident.number, ""),
        ("problem_unlink", "", incident.number),
    ]


def test_field_changes_are_recorded(agent):
    incident = IncidentFactory(title="Old title")
    services.incident_update(incident=incident, actor=agent, title="New title", major=True)
    assert kinds(incident)[1:] == [
        ("field", "title", "Old title", "New title"),
        ("field", "major", "no", "yes"),
    ]


def test_events_cannot_be_changed_or_deleted():
    incident = IncidentFactory()
    event = Event.objects.get(incident=incident)
    event.new_value = "tampered"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        Event.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the immutability trigger is PostgreSQL's")
def test_the_database_refuses_to_rewrite_history():
    incident = IncidentFactory()
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        Event.objects.filter(incident=incident).update(new_value="tampered")
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM tickets_event")


def test_records_are_never_deleted(agent):
    incident = IncidentFactory()
    comment = services.comment_create(incident=incident, body="hi", visibility="public", author=agent)
    problem = ProblemFactory(actor=agent)
    for record in (incident, comment, problem):
        with pytest.raises(PermissionDenied):
            record.delete()
    for model in (Incident, Comment, Problem):
        with pytest.raises(PermissionDenied):
            model.objects.all().delete()
    assert Incident.objects.count() == 1
