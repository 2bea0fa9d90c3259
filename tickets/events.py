"""The audit trail's lines, one named builder per kind of event (as Saleor's `order/events.py`).

A builder returns an unsaved `Event`; the service that made the change saves it (or inserts
many at once) inside its own transaction, so the line and the change commit together. The
wording rules of the trail live here and nowhere else: how a value is shown, which long
texts are only noted as changed, what a breach or a merge says.

`actor` is whoever acts: a `User`, a `Contact`, or None for the system itself.
"""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User

from .models import (
    Attachment,
    Comment,
    Contact,
    Event,
    EventKind,
    Incident,
    IncidentStatus,
    Priority,
    Problem,
    ProblemStatus,
    Visibility,
)

Actor = User | Contact | None
Ticket = Incident | Problem

# A problem's long texts stay on the problem; the trail notes that they changed, and shows the
# new root cause or workaround as the note (the words people come to the trail for).
PROBLEM_LONG_TEXTS = ("description", "root_cause", "workaround")
PROBLEM_NOTED_TEXTS = ("root_cause", "workaround")


def display_value(value: Any) -> str:
    """A value as the trail shows it: people by name, yes/no, at most 500 characters."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, User):
        return value.get_full_name() or value.get_username()
    return str(value)[:500]


def _actor_fields(actor: Actor) -> dict[str, Any]:
    if isinstance(actor, Contact):
        return {"actor_contact": actor}
    if actor is not None:
        return {"actor_user": actor}
    return {}


def _ticket_fields(ticket: Ticket) -> dict[str, Ticket]:
    return {"problem": ticket} if isinstance(ticket, Problem) else {"incident": ticket}


def _line(
    *,
    kind: str,
    actor: Actor,
    at: datetime,
    incident: Incident | None = None,
    problem: Problem | None = None,
    field: str = "",
    old: Any = "",
    new: Any = "",
    note: str = "",
    comment: Comment | None = None,
) -> Event:
    return Event(
        kind=kind,
        incident=incident,
        problem=problem,
        field=field,
        old_value=display_value(old),
        new_value=display_value(new),
        note=note,
        comment=comment,
        created_at=at,
        **_actor_fields(actor),
    )


# --- both incidents and problems ------------------------------------------------------


def created_event(*, ticket: Ticket, actor: Actor, at: datetime, follow_up_of: Incident | None = None) -> Event:
    return _line(
        kind=EventKind.CREATED,
        actor=actor,
        at=at,
        new=ticket.get_status_display(),
        note=f"Follows up {follow_up_of.number}." if follow_up_of else "",
        **_ticket_fields(ticket),
    )


def status_changed_event(
    *,
    ticket: Ticket,
    actor: Actor,
    at: datetime,
    old_status: str,
    new_status: str,
    note: str = "",
    comment: Comment | None = None,
) -> Event:
    """`comment`: the reply whose words are also the note (a reopen); the timeline shows
    the words once, as the reply, and the line points at it."""
    statuses = ProblemStatus if isinstance(ticket, Problem) else IncidentStatus
    return _line(
        kind=EventKind.STATUS,
        actor=actor,
        at=at,
        field="status",
        old=statuses(old_status).label,
        new=statuses(new_status).label,
        note=note,
        comment=comment,
        **_ticket_fields(ticket),
    )


def comment_added_event(*, comment: Comment, actor: Actor, at: datetime) -> Event:
    """A public reply or an internal note, on an incident or a problem."""
    return _line(
        kind=EventKind.COMMENT,
        actor=actor,
        at=at,
        incident=comment.incident,
        problem=comment.problem,
        field="comment",
        new=Visibility(comment.visibility).label,
        comment=comment,
    )


def attachment_added_event(*, attachment: Attachment, actor: Actor, at: datetime) -> Event:
    """A file attached to an incident (or a platform's copy of a photo), by its name."""
    return _line(
        kind=EventKind.ATTACHMENT,
        actor=actor,
        at=at,
        incident=attachment.incident,
        field="attachment",
        new=attachment.name,
        note="" if attachment.is_public else "Internal",
        comment=attachment.comment,
    )


def problem_linked_events(*, problem: Problem, incident: Incident, actor: Actor, at: datetime) -> tuple[Event, Event]:
    """A link shows on both trails: the incident's (its problem) and the problem's (its incidents)."""
    return (
        _line(kind=EventKind.PROBLEM_LINK, actor=actor, at=at, incident=incident, field="problem", new=problem.number),
        _line(kind=EventKind.PROBLEM_LINK, actor=actor, at=at, problem=problem, field="incidents", new=incident.number),
    )


def problem_unlinked_events(*, problem: Problem, incident: Incident, actor: Actor, at: datetime) -> tuple[Event, Event]:
    return (
        _line(
            kind=EventKind.PROBLEM_UNLINK, actor=actor, at=at, incident=incident, field="problem", old=problem.number
        ),
        _line(
            kind=EventKind.PROBLEM_UNLINK, actor=actor, at=at, problem=problem, field="incidents", old=incident.number
        ),
    )


# --- incidents ------------------------------------------------------------------------


def incident_field_changed_event(
    *, incident: Incident, actor: Actor, at: datetime, field: str, old: Any, new: Any
) -> Event:
    return _line(
        kind=EventKind.FIELD,
        actor=actor,
        at=at,
        incident=incident,
        field=field,
        old=_incident_field_display(field, old),
        new=_incident_field_display(field, new),
    )


def _incident_field_display(name: str, value: Any) -> Any:
    field = Incident._meta.get_field(name)
    if field.choices and value is not None:
        return dict(field.choices).get(value, value)
    if name == "description":
        # The trail says the description changed; the text itself stays in one place so a
        # redaction (a deleted tweet) never has to rewrite the immutable trail.
        return f"{len(value or '')} characters"
    return value


def priority_changed_event(
    *, incident: Incident, actor: Actor, at: datetime, old_priority: int, new_priority: int
) -> Event:
    return _line(
        kind=EventKind.PRIORITY,
        actor=actor,
        at=at,
        incident=incident,
        field="priority",
        old=Priority(old_priority).label,
        new=Priority(new_priority).label,
    )


def assignment_changed_event(
    *, incident: Incident, actor: Actor, at: datetime, field: str, old: Any, new: Any
) -> Event:
    """`field` is "assignee" or "assignment_group"."""
    return _line(kind=EventKind.ASSIGNMENT, actor=actor, at=at, incident=incident, field=field, old=old, new=new)


def not_incident_event(*, incident: Incident, actor: Actor, at: datetime, old_status: str) -> Event:
    """Closed as not an incident: from which status, why (the kind), and the agent's words."""
    return _line(
        kind=EventKind.NOT_INCIDENT,
        actor=actor,
        at=at,
        incident=incident,
        field="status",
        old=IncidentStatus(old_status).label,
        new=f"Not an incident ({incident.get_not_incident_display().lower()})",
        note=incident.not_incident_reason,
    )


def sla_breached_event(*, incident: Incident, target: str, at: datetime) -> Event:
    """`target` is "response" or "resolution"; the system notices, so there is no actor."""
    due = getattr(incident, f"{target}_due_at")
    return _line(
        kind=EventKind.SLA_BREACH,
        actor=None,
        at=at,
        incident=incident,
        field=f"{target}_sla",
        old=f"due {due.isoformat(timespec='minutes')}",
        new="breached",
    )


def contact_merged_event(*, incident: Incident, actor: Actor, at: datetime, source: Contact, target: Contact) -> Event:
    """The incident's reporter was merged into another contact."""
    return _line(
        kind=EventKind.CONTACT_MERGE,
        actor=actor,
        at=at,
        incident=incident,
        field="reporter",
        old=source.name,
        new=target.name,
    )


# --- the social message behind an incident or a reply -----------------------------------


def incident_source_edited_event(*, incident: Incident, actor: Actor, at: datetime, old_description: str) -> Event:
    return _line(
        kind=EventKind.SOURCE_EDIT,
        actor=actor,
        at=at,
        incident=incident,
        field="description",
        old=old_description,
        new=incident.description,
    )


def comment_source_edited_event(*, comment: Comment, actor: Actor, at: datetime, old_body: str) -> Event:
    return _line(
        kind=EventKind.SOURCE_EDIT,
        actor=actor,
        at=at,
        incident=comment.incident,
        field="comment",
        old=old_body,
        new=comment.body,
        comment=comment,
    )


def incident_redacted_event(*, incident: Incident, at: datetime) -> Event:
    """The text went; the line says that something was said and deleted, not what."""
    return _line(kind=EventKind.REDACTED, actor=None, at=at, incident=incident, field="description")


def comment_redacted_event(*, comment: Comment, at: datetime) -> Event:
    return _line(
        kind=EventKind.REDACTED, actor=None, at=at, incident=comment.incident, field="comment", comment=comment
    )


# --- problems -------------------------------------------------------------------------


def problem_field_changed_event(
    *, problem: Problem, actor: Actor, at: datetime, field: str, old: Any, new: Any
) -> Event:
    long_text = field in PROBLEM_LONG_TEXTS
    return _line(
        kind=EventKind.FIELD,
        actor=actor,
        at=at,
        problem=problem,
        field=field,
        old="" if long_text else old,
        new="" if long_text else new,
        note=new if field in PROBLEM_NOTED_TEXTS else "",
    )
