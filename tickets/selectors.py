"""Reads for pages and the API. Lists fetch their related rows up front, so the number of
queries a page makes does not grow with its length."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from .access import incidents_visible_to, problems_visible_to, sees_internal_notes
from .models import Comment, Event, EventKind, Incident, IncidentStatus, Problem, Visibility

INCIDENT_LIST_RELATED = ("reporter", "assignee", "assignment_group", "service", "problem")


def incident_list(
    *,
    user: User | AnonymousUser,
    status: str | None = None,
    assignee: User | None = None,
    unassigned: bool = False,
) -> QuerySet[Incident]:
    incidents = incidents_visible_to(user).select_related(*INCIDENT_LIST_RELATED)
    if status == "open":
        incidents = incidents.filter(
            status__in=[IncidentStatus.NEW, IncidentStatus.IN_PROGRESS, IncidentStatus.ON_HOLD]
        )
    elif status:
        incidents = incidents.filter(status=status)
    if assignee is not None:
        incidents = incidents.filter(assignee=assignee)
    if unassigned:
        incidents = incidents.filter(assignee__isnull=True)
    return incidents.order_by("-created_at", "-id")


def incident_get(*, user: User | AnonymousUser, number: str) -> Incident:
    """The incident with this number if `user` may see it; otherwise 404, never 403, so a
    guessed number tells an outsider nothing."""
    try:
        return incidents_visible_to(user).select_related(*INCIDENT_LIST_RELATED, "category").get(number=number)
    except Incident.DoesNotExist:
        raise Http404("No such incident.") from None


def problem_list(*, user: User | AnonymousUser) -> QuerySet[Problem]:
    return problems_visible_to(user).select_related("service", "assignee").order_by("-created_at")


def problem_get(*, user: User | AnonymousUser, number: str) -> Problem:
    try:
        return problems_visible_to(user).select_related("service", "assignee").get(number=number)
    except Problem.DoesNotExist:
        raise Http404("No such problem.") from None


def reporter_other_incidents(*, incident: Incident, limit: int = 10) -> list[Incident]:
    return list(
        Incident.objects.filter(reporter_id=incident.reporter_id)
        .exclude(pk=incident.pk)
        .order_by("-created_at")[:limit]
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "comment" or "event"
    comment: Comment | None = None
    event: Event | None = None


def incident_timeline(*, incident: Incident, user: User | AnonymousUser) -> list[TimelineEntry]:
    """Comments and audit events of an incident, oldest first.

    Customers see the public replies and the status changes; agents see everything.
    """
    comments = incident.comments.select_related("author_user", "author_contact")
    events = incident.events.select_related("actor_user", "actor_contact")
    if not sees_internal_notes(user):
        comments = comments.filter(visibility=Visibility.PUBLIC)
        events = events.filter(kind=EventKind.STATUS)
    else:
        # A comment event only repeats the comment shown beside it.
        events = events.exclude(kind=EventKind.COMMENT)
    entries = [TimelineEntry(at=c.created_at, kind="comment", comment=c) for c in comments]
    entries += [TimelineEntry(at=e.created_at, kind="event", event=e) for e in events]
    entries.sort(key=lambda entry: (entry.at, entry.kind == "event"))
    return entries


def problem_timeline(*, problem: Problem) -> list[TimelineEntry]:
    comments = problem.comments.select_related("author_user", "author_contact")
    events = problem.events.select_related("actor_user", "actor_contact").exclude(kind=EventKind.COMMENT)
    entries = [TimelineEntry(at=c.created_at, kind="comment", comment=c) for c in comments]
    entries += [TimelineEntry(at=e.created_at, kind="event", event=e) for e in events]
    entries.sort(key=lambda entry: (entry.at, entry.kind == "event"))
    return entries


def agents() -> QuerySet[User]:
    """Active users who may work incidents: assignment choices."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename="work_incidents")
            | Q(user_permissions__codename="work_incidents")
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def problem_with_incidents(*, problem: Problem) -> Problem:
    return Problem.objects.prefetch_related(
        Prefetch(
            "incidents",
            queryset=Incident.objects.select_related("reporter", "assignee").order_by("-created_at"),
        )
    ).get(pk=problem.pk)
