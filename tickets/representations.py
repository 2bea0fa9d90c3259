"""How incidents, comments and problems look to the outside world, as plain dicts.

The REST API answers with these (its serializers declare the fields for the schema and
call these to fill them), and webhook payloads snapshot the same, so an integrator reads
one shape everywhere. Plain functions rather than serializers: services call them inside
their transactions, and they are several times faster than nested serializers on a page
of fifty. Each expects its object's related rows loaded (select_related), so it makes no
query of its own, except a problem's incidents, which list views prefetch.

The outward field lists (`INCIDENT_FIELDS`, ...) are written here once: the API serializers
declare them (and so the schema), the functions below fill them in that order, and the tests
read them from here (tests/tickets/test_representations.py holds the two together).
"""

from datetime import datetime, tzinfo
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from .models import Comment, Contact, Event, Incident, Problem

INCIDENT_FIELDS = (
    "number",
    "title",
    "description",
    "status",
    "impact",
    "urgency",
    "priority",
    "channel",
    "service",
    "category",
    "reporter",
    "assignee",
    "assignment_group",
    "problem",
    "major",
    "hold_reason",
    "resolution",
    "not_incident",
    "not_incident_reason",
    "created_at",
    "updated_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "response_due_at",
    "resolution_due_at",
    "response_breached",
    "resolution_breached",
)
COMMENT_FIELDS = ("id", "body", "visibility", "author", "created_at")
EVENT_FIELDS = ("id", "kind", "field", "old_value", "new_value", "note", "actor", "created_at")
PROBLEM_FIELDS = (
    "number",
    "title",
    "description",
    "status",
    "root_cause",
    "workaround",
    "known_error",
    "service",
    "assignee",
    "incidents",
    "created_at",
    "updated_at",
    "resolved_at",
    "closed_at",
)


def _time(value: datetime | None, tz: tzinfo) -> str | None:
    """As REST framework writes times: in the desk's time zone, UTC spelled Z. The zone is
    looked up once per object, not per field: the lookup costs more than the formatting."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _user(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.get_username(), "name": user.get_full_name() or user.get_username()}


def _named(obj) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


def _person(user: User | None, contact: Contact | None, *, nobody: str) -> dict[str, Any]:
    if user is not None:
        name = user.get_full_name() or user.get_username()
    elif contact is not None:
        name = contact.name
    else:
        name = nobody
    return {"name": name, "user": user.pk if user else None, "contact": contact.pk if contact else None}


def incident_representation(incident: Incident, *, internal: bool = True) -> dict[str, Any]:
    """An incident with its reporter, assignee, service, category, group and problem loaded.

    `internal=False` is the customer's view: problems are the desk's internal records, so
    the link to one is not shown (as on the portal)."""
    tz = timezone.get_current_timezone()
    return {
        "number": incident.number,
        "title": incident.title,
        "description": incident.description,
        "status": incident.status,
        "impact": incident.impact,
        "urgency": incident.urgency,
        "priority": incident.priority,
        "channel": incident.channel,
        "service": _named(incident.service),
        "category": _named(incident.category),
        "reporter": {"id": incident.reporter.pk, "name": incident.reporter.name},
        "assignee": _user(incident.assignee),
        "assignment_group": _named(incident.assignment_group),
        "problem": (
            None
            if incident.problem is None or not internal
            else {"number": incident.problem.number, "title": incident.problem.title}
        ),
        "major": incident.major,
        "hold_reason": incident.hold_reason,
        "resolution": incident.resolution,
        "not_incident": incident.not_incident,
        "not_incident_reason": incident.not_incident_reason,
        "created_at": _time(incident.created_at, tz),
        "updated_at": _time(incident.updated_at, tz),
        "first_response_at": _time(incident.first_response_at, tz),
        "resolved_at": _time(incident.resolved_at, tz),
        "closed_at": _time(incident.closed_at, tz),
        "response_due_at": _time(incident.response_due_at, tz),
        "resolution_due_at": _time(incident.resolution_due_at, tz),
        "response_breached": incident.response_breached,
        "resolution_breached": incident.resolution_breached,
    }


def comment_representation(comment: Comment) -> dict[str, Any]:
    tz = timezone.get_current_timezone()
    return {
        "id": comment.pk,
        "body": comment.body,
        "visibility": comment.visibility,
        "author": _person(comment.author_user, comment.author_contact, nobody="Service desk"),
        "created_at": _time(comment.created_at, tz),
    }


def event_representation(event: Event) -> dict[str, Any]:
    tz = timezone.get_current_timezone()
    return {
        "id": event.pk,
        "kind": event.kind,
        "field": event.field,
        "old_value": event.old_value,
        "new_value": event.new_value,
        "note": event.note,
        "actor": _person(event.actor_user, event.actor_contact, nobody="System"),
        "created_at": _time(event.created_at, tz),
    }


def problem_representation(problem: Problem) -> dict[str, Any]:
    tz = timezone.get_current_timezone()
    return {
        "number": problem.number,
        "title": problem.title,
        "description": problem.description,
        "status": problem.status,
        "root_cause": problem.root_cause,
        "workaround": problem.workaround,
        "known_error": problem.is_known_error,
        "service": _named(problem.service),
        "assignee": _user(problem.assignee),
        "incidents": [incident.number for incident in problem.incidents.all()],
        "created_at": _time(problem.created_at, tz),
        "updated_at": _time(problem.updated_at, tz),
        "resolved_at": _time(problem.resolved_at, tz),
        "closed_at": _time(problem.closed_at, tz),
    }
