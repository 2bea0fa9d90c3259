"""The audit trail's builders (tickets/events.py): what each kind of line says. No database:
a builder only builds; the services' tests check that the lines are saved with the change."""

from datetime import UTC, datetime

from django.contrib.auth.models import User

from tickets import events
from tickets.models import Contact, EventKind, Incident, IncidentStatus, Problem, ProblemStatus

AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def test_values_are_shown_as_people_read_them():
    assert events.display_value(None) == ""
    assert events.display_value("") == ""
    assert events.display_value(True) == "yes"
    assert events.display_value(False) == "no"
    assert events.display_value(User(username="sam", first_name="Sam", last_name="Agent")) == "Sam Agent"
    assert events.display_value(User(username="sam")) == "sam"
    assert events.display_value("x" * 600) == "x" * 500


def test_the_actor_is_a_user_a_contact_or_the_system():
    incident = Incident(number="INC0000001")
    user, contact = User(username="sam"), Contact(name="Ann")
    by_user = events.created_event(ticket=incident, actor=user, at=AT)
    by_contact = events.created_event(ticket=incident, actor=contact, at=AT)
    by_system = events.created_event(ticket=incident, actor=None, at=AT)
    assert (by_user.actor_user, by_user.actor_contact) == (user, None)
    assert (by_contact.actor_user, by_contact.actor_contact) == (None, contact)
    assert (by_system.actor_user, by_system.actor_contact) == (None, None)


def test_a_follow_up_says_what_it_follows():
    earlier = Incident(number="INC0000007")
    event = events.created_event(ticket=Incident(number="INC0000008"), actor=None, at=AT, follow_up_of=earlier)
    assert (event.kind, event.new_value, event.note, event.created_at) == (
        EventKind.CREATED,
        "New",
        "Follows up INC0000007.",
        AT,
    )


def test_a_status_change_uses_the_labels_of_the_record_it_is_on():
    incident_line = events.status_changed_event(
        ticket=Incident(), actor=None, at=AT, old_status=IncidentStatus.NEW, new_status=IncidentStatus.ON_HOLD
    )
    problem_line = events.status_changed_event(
        ticket=Problem(),
        actor=None,
        at=AT,
        old_status=ProblemStatus.INVESTIGATING,
        new_status=ProblemStatus.KNOWN_ERROR,
        note="Reboot the router.",
    )
    assert (incident_line.field, incident_line.old_value, incident_line.new_value) == ("status", "New", "On hold")
    assert incident_line.problem is None and problem_line.incident is None
    assert (problem_line.old_value, problem_line.new_value, problem_line.note) == (
        "Investigating",
        "Known error",
        "Reboot the router.",
    )


def test_an_incident_description_change_is_noted_by_its_length_not_its_text():
    """A redaction (a deleted tweet) must never have to rewrite the immutable trail."""
    event = events.incident_field_changed_event(
        incident=Incident(), actor=None, at=AT, field="description", old="my password is hunter2", new=""
    )
    assert (event.old_value, event.new_value) == ("22 characters", "0 characters")


def test_choices_are_shown_by_their_labels():
    event = events.incident_field_changed_event(incident=Incident(), actor=None, at=AT, field="impact", old=3, new=1)
    assert (event.kind, event.old_value, event.new_value) == (EventKind.FIELD, "3 - Low", "1 - High")
    priority = events.priority_changed_event(incident=Incident(), actor=None, at=AT, old_priority=4, new_priority=2)
    assert (priority.kind, priority.old_value, priority.new_value) == (EventKind.PRIORITY, "4 - Low", "2 - High")


def test_a_problem_long_text_is_noted_and_its_new_root_cause_or_workaround_kept_as_the_note():
    line = events.problem_field_changed_event
    description = line(problem=Problem(), actor=None, at=AT, field="description", old="a", new="b")
    root_cause = line(problem=Problem(), actor=None, at=AT, field="root_cause", old="", new="A bad cable.")
    title = line(problem=Problem(), actor=None, at=AT, field="title", old="Old", new="New")
    assert (description.old_value, description.new_value, description.note) == ("", "", "")
    assert (root_cause.old_value, root_cause.new_value, root_cause.note) == ("", "", "A bad cable.")
    assert (title.old_value, title.new_value, title.note) == ("Old", "New", "")


def test_a_breach_names_the_target_and_when_it_was_due():
    incident = Incident(response_due_at=datetime(2026, 3, 1, 8, 0, 59, tzinfo=UTC))
    event = events.sla_breached_event(incident=incident, target="response", at=AT)
    assert (event.kind, event.field, event.old_value, event.new_value) == (
        EventKind.SLA_BREACH,
        "response_sla",
        "due 2026-03-01T08:00+00:00",
        "breached",
    )
    assert event.actor_user is None and event.actor_contact is None


def test_a_link_shows_on_both_trails():
    problem, incident = Problem(number="PRB0000001"), Incident(number="INC0000002")
    on_incident, on_problem = events.problem_linked_events(problem=problem, incident=incident, actor=None, at=AT)
    assert (on_incident.incident, on_incident.field, on_incident.new_value) == (incident, "problem", "PRB0000001")
    assert (on_problem.problem, on_problem.field, on_problem.new_value) == (problem, "incidents", "INC0000002")
    off_incident, off_problem = events.problem_unlinked_events(problem=problem, incident=incident, actor=None, at=AT)
    assert (off_incident.kind, off_incident.old_value, off_problem.old_value) == (
        EventKind.PROBLEM_UNLINK,
        "PRB0000001",
        "INC0000002",
    )


def test_a_redaction_says_that_something_went_not_what():
    incident = Incident(number="INC0000003", description="[deleted at the source]")
    event = events.incident_redacted_event(incident=incident, at=AT)
    assert (event.kind, event.field, event.old_value, event.new_value) == (EventKind.REDACTED, "description", "", "")
