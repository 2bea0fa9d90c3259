"""Snapshots of incidents, comments and problems for webhook payloads, taken at change time.

Plain functions over the models, so any service (single or batched) can call them inside
its transaction. Each takes many primary keys and reads them in one query, after the change
was written, so a payload shows the state the change left. Their shapes are those of the
REST API's representations (a test keeps the two in step).
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.utils import timezone

from ..models import Comment, Contact, Incident, Problem


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    # As the API writes times: in the desk's time zone, UTC spelled Z.
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _user(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.get_username(), "name": user.get_full_name() or user.get_username()}


def _named(obj) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


def _person(user: User | None, contact: Contact | None) -> dict[str, Any]:
    if user is not None:
        name = user.get_full_name() or user.get_username()
    elif contact is not None:
        name = contact.name
    else:
        name = "Service desk"
    return {"name": name, "user": user.pk if user else None, "contact": contact.pk if contact else None}


def incident_snapshot(incident: Incident) -> dict[str, Any]:
    """An incident with its reporter, assignee, service, category, group and problem loaded."""
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
            None if incident.problem is None else {"number": incident.problem.number, "title": incident.problem.title}
        ),
        "major": incident.major,
        "hold_reason": incident.hold_reason,
        "resolution": incident.resolution,
        "created_at": _time(incident.created_at),
        "updated_at": _time(incident.updated_at),
        "first_response_at": _time(incident.first_response_at),
        "resolved_at": _time(incident.resolved_at),
        "closed_at": _time(incident.closed_at),
        "response_due_at": _time(incident.response_due_at),
        "resolution_due_at": _time(incident.resolution_due_at),
        "response_breached": incident.response_breached,
        "resolution_breached": incident.resolution_breached,
    }


def comment_snapshot(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "incident": comment.incident.number if comment.incident_id else None,
        "problem": comment.problem.number if comment.problem_id else None,
        "body": comment.body,
        "visibility": comment.visibility,
        "author": _person(comment.author_user, comment.author_contact),
        "created_at": _time(comment.created_at),
    }


def problem_snapshot(problem: Problem) -> dict[str, Any]:
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
        "created_at": _time(problem.created_at),
        "updated_at": _time(problem.updated_at),
        "resolved_at": _time(problem.resolved_at),
        "closed_at": _time(problem.closed_at),
    }


INCIDENT_RELATED = ("reporter", "assignee", "assignment_group", "service", "category", "problem")


def incident_payloads(pks: Iterable[int]) -> list[dict[str, Any]]:
    incidents = Incident.objects.select_related(*INCIDENT_RELATED).filter(pk__in=list(pks)).order_by("id")
    return [{"incident": incident_snapshot(incident)} for incident in incidents]


def comment_payloads(pks: Iterable[int]) -> list[dict[str, Any]]:
    comments = (
        Comment.objects.select_related("incident", "problem", "author_user", "author_contact")
        .filter(pk__in=list(pks))
        .order_by("id")
    )
    return [{"comment": comment_snapshot(comment)} for comment in comments]


def problem_payloads(pks: Iterable[int]) -> list[dict[str, Any]]:
    problems = (
        Problem.objects.select_related("service", "assignee")
        .prefetch_related(
            Prefetch("incidents", queryset=Incident.objects.only("id", "number", "problem_id").order_by("id"))
        )
        .filter(pk__in=list(pks))
        .order_by("id")
    )
    return [{"problem": problem_snapshot(problem)} for problem in problems]
