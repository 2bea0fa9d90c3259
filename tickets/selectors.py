"""Reads for pages and the API. Lists fetch their related rows up front, so the number of
queries a page makes does not grow with its length."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from .access import incidents_visible_to, problems_visible_to, sees_internal_notes
from .models import Comment, Contact, Event, EventKind, Incident, IncidentStatus, Problem, Service, Visibility

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


# --- the REST API ----------------------------------------------------------------------

INCIDENT_FULL_RELATED = (*INCIDENT_LIST_RELATED, "category")
# The small reference tables are fetched by id after the page rather than joined into it:
# PostgreSQL spends longer planning a seven-table join (~8 ms) than a page of a million-row
# table costs to read (~1 ms), while four lookups by primary key cost well under that.
INCIDENT_PAGE_JOINED = ("reporter", "assignee")
INCIDENT_PAGE_PREFETCHED = ("service", "category", "assignment_group", "problem")


def incident_list_full(*, user: User | AnonymousUser) -> QuerySet[Incident]:
    """Visible incidents with every related row their full representation shows."""
    return incidents_visible_to(user).select_related(*INCIDENT_PAGE_JOINED).prefetch_related(*INCIDENT_PAGE_PREFETCHED)


def incident_get_own_row(*, user: User | AnonymousUser, number: str) -> Incident:
    """The incident's own row, nothing joined: for endpoints that need to know it exists and
    `user` may see it (its comments, its trail), not to show it."""
    try:
        return incidents_visible_to(user).get(number=number)
    except Incident.DoesNotExist:
        raise Http404("No such incident.") from None


def incident_get_full(*, user: User | AnonymousUser, number: str) -> Incident:
    """As `incident_get`, with what `incident_list_full` loads (and as cheaply planned)."""
    try:
        return incident_list_full(user=user).get(number=number)
    except Incident.DoesNotExist:
        raise Http404("No such incident.") from None


def incident_get_for_update(*, user: User | AnonymousUser, number: str) -> Incident:
    """As `incident_get`, with the incident's row locked until the transaction ends."""
    try:
        return (
            incidents_visible_to(user)
            .select_related(*INCIDENT_FULL_RELATED)
            .select_for_update(of=("self",))
            .get(number=number)
        )
    except Incident.DoesNotExist:
        raise Http404("No such incident.") from None


def incidents_by_number(*, user: User | AnonymousUser, numbers: list[str]) -> list[Incident]:
    """The incidents named, in the order given; a number that `user` cannot see is an error."""
    found = {i.number: i for i in incidents_visible_to(user).filter(number__in=numbers)}
    missing = [number for number in numbers if number not in found]
    if missing:
        raise ValidationError({"incidents": [f"No incident {number}." for number in missing]})
    return [found[number] for number in dict.fromkeys(numbers)]


def incident_comments(*, incident: Incident, user: User | AnonymousUser) -> QuerySet[Comment]:
    """An incident's comments; customers see the public replies only."""
    comments = Comment.objects.filter(incident=incident).select_related("author_user", "author_contact")
    if not sees_internal_notes(user):
        comments = comments.filter(visibility=Visibility.PUBLIC)
    return comments


def incident_events(*, incident: Incident, user: User | AnonymousUser) -> QuerySet[Event]:
    """An incident's audit trail; customers see its status changes, as on the portal."""
    events = Event.objects.filter(incident=incident).select_related("actor_user", "actor_contact")
    if not sees_internal_notes(user):
        events = events.filter(kind=EventKind.STATUS)
    return events


PROBLEM_INCIDENTS = Prefetch("incidents", queryset=Incident.objects.only("id", "number", "problem_id").order_by("id"))


def problem_list_full(*, user: User | AnonymousUser) -> QuerySet[Problem]:
    return problems_visible_to(user).select_related("service", "assignee").prefetch_related(PROBLEM_INCIDENTS)


def problem_get_full(*, user: User | AnonymousUser, number: str, for_update: bool = False) -> Problem:
    problems = problem_list_full(user=user)
    if for_update:
        problems = problems.select_for_update(of=("self",))
    try:
        return problems.get(number=number)
    except Problem.DoesNotExist:
        raise Http404("No such problem.") from None


def service_list(*, user: User | AnonymousUser) -> QuerySet[Service]:
    """The catalogue: agents see retired services too, customers only those they can pick."""
    services = Service.objects.select_related("owner_group")
    return services if sees_internal_notes(user) else services.filter(active=True)


def contact_list() -> QuerySet[Contact]:
    return Contact.objects.select_related("user")
