"""Reads for pages and the API. Lists fetch their related rows up front, so the number of
queries a page makes does not grow with its length."""

import hashlib
import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Func,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.lookups import GreaterThan, LessThan
from django.http import QueryDict

from . import sla
from .access import incidents_visible_to, is_agent, problems_visible_to, sees_internal_notes
from .contact_sources import ContactIdentity, ContactSection, identities_of, sections_of
from .figure_filters import SLA_FIGURE_CHOICES, SLA_FIGURE_FILTERS, figure_q
from .models import (
    OPEN_STATUSES,
    SLA_RUNNING_STATUSES,
    Attachment,
    Comment,
    Contact,
    Event,
    EventKind,
    Incident,
    IncidentStatus,
    Macro,
    Problem,
    ProblemStatus,
    SavedView,
    Service,
    SupportGroup,
    Visibility,
)
from .timeline import TimelineEntry, build_timeline

logger = logging.getLogger(__name__)

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
    """The incident with this number if `user` may see it. One `user` may not see does not
    exist for them (the page answers 404, never 403), so a guessed number tells nothing."""
    try:
        return incidents_visible_to(user).select_related(*INCIDENT_LIST_RELATED, "category").get(number=number)
    except Incident.DoesNotExist:
        raise Incident.DoesNotExist("No such incident.") from None


def problem_list(*, user: User | AnonymousUser) -> QuerySet[Problem]:
    return problems_visible_to(user).select_related("service", "assignee").order_by("-created_at")


def problem_get(*, user: User | AnonymousUser, number: str) -> Problem:
    try:
        return problems_visible_to(user).select_related("service", "assignee").get(number=number)
    except Problem.DoesNotExist:
        raise Problem.DoesNotExist("No such problem.") from None


def incident_for_page(*, user: User | AnonymousUser, number: str, others: int = 10) -> Incident:
    """The incident for its page, found as `incident_get` finds it, with in the same query
    what the page draws beside it: `last_event_id`, the id of its latest audit event (0 if
    none; what the page was drawn from, its live poll and forms carry it), and
    `reporter_others`, its reporter's `others` latest other incidents, newest first.

    One query, not three: the page's incident comes first among its reporter's incidents
    (the reporter index finds them), the latest `others` of the rest after it."""
    this_one = Q(number=number)
    reporter = Incident.objects.filter(this_one).values("reporter_id")[:1]
    latest_event = Event.objects.filter(incident=OuterRef("pk")).order_by("-pk").values("pk")[:1]
    rows = list(
        incidents_visible_to(user)
        .filter(reporter_id=Subquery(reporter))
        .select_related(*INCIDENT_LIST_RELATED, "category")
        .annotate(
            is_this_one=Case(When(this_one, then=Value(1)), default=Value(0)),
            # Only the page's incident needs it: the others are links.
            last_event_id=Case(When(this_one, then=Subquery(latest_event))),
        )
        .order_by("-is_this_one", "-created_at", "-pk")[: others + 1]
    )
    if not rows or rows[0].number != number:
        raise Incident.DoesNotExist("No such incident.")
    incident, *incident.reporter_others = rows
    incident.last_event_id = incident.last_event_id or 0
    return incident


@dataclass(frozen=True)
class AssignmentChoices:
    """The assignment form's choices, (id, label), in the order they are offered."""

    groups: list[tuple[int, str]]
    agents: list[tuple[int, str]]


def assignment_choices() -> AssignmentChoices:
    """The support groups and the agents an incident may be assigned to, in one query: the
    incident page offers both every time it is drawn. Labels as the forms show them."""
    text = CharField()
    groups = SupportGroup.objects.order_by().annotate(
        kind=Value("group", output_field=text),
        label=F("name"),
        label_2=Value("", output_field=text),
        label_3=Value("", output_field=text),
    )
    people = (
        agents()
        .order_by()
        .annotate(
            kind=Value("agent", output_field=text), label=F("first_name"), label_2=F("last_name"), label_3=F("username")
        )
    )
    columns = ("kind", "pk", "label", "label_2", "label_3")
    rows = (
        groups.values_list(*columns)
        .union(people.values_list(*columns), all=True)
        .order_by("kind", "label", "label_2", "label_3")
    )
    choices = AssignmentChoices(groups=[], agents=[])
    for kind, pk, name, last_name, username in rows:
        if kind == "group":
            choices.groups.append((pk, name))
        else:  # User.get_full_name(), else the username
            choices.agents.append((pk, f"{name} {last_name}".strip() or username))
    return choices


def incident_timeline(*, incident: Incident, user: User | AnonymousUser) -> list[TimelineEntry]:
    """Everything that happened to an incident, oldest first, from every registered source
    (`tickets.timeline`). Customers see the public replies and the status changes."""
    return build_timeline(incident=incident, user=user)


def problem_timeline(*, problem: Problem) -> list[TimelineEntry]:
    comments = problem.comments.select_related("author_user", "author_contact")
    events = problem.events.select_related("actor_user", "actor_contact").exclude(kind=EventKind.COMMENT)
    entries = [
        TimelineEntry(at=c.created_at, kind="comment", template="tickets/timeline/comment.html", item=c, order=1)
        for c in comments
    ]
    entries += [
        TimelineEntry(at=e.created_at, kind="event", template="tickets/timeline/event.html", item=e, order=2)
        for e in events
    ]
    entries.sort(key=lambda entry: (entry.at, entry.order))
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


# --- the triage queue ------------------------------------------------------------------


class RowValue(Func):
    """A SQL row value, `(a, b, c)`. Compared as a whole with the last row of the previous
    page, it lets the index of the sort order start right there (keyset pagination): page
    10,000 costs what page 1 costs, where OFFSET would read and drop every row before it."""

    function = ""
    template = "(%(expressions)s)"
    output_field = models.Field()


@dataclass(frozen=True)
class QueueSort:
    label: str
    fields: tuple[str, ...]  # all in one direction, ending in id; an index matches each
    descending: bool = False


QUEUE_SORTS = {
    "triage": QueueSort(
        "Triage: breached, untriaged, priority, oldest", ("triage_rank", "priority", "created_at", "id")
    ),
    "newest": QueueSort("Newest first", ("created_at", "id"), descending=True),
    "oldest": QueueSort("Oldest first", ("created_at", "id")),
    "updated": QueueSort("Recently updated", ("updated_at", "id"), descending=True),
    "priority": QueueSort("Priority, oldest first", ("priority", "created_at", "id")),
}
QUEUE_STATUS_FILTERS = [("open", "Open"), *IncidentStatus.choices, ("not_incident", "Not an incident"), ("", "All")]
QUEUE_ASSIGNEE_FILTERS = [("", "Anyone"), ("me", "Assigned to me"), ("none", "Unassigned")]
QUEUE_SLA_FILTERS = [
    ("", "Any SLA state"),
    ("breached", "Breached"),
    ("due_soon", "Due within an hour"),
    *SLA_FIGURE_CHOICES,
]
INCIDENT_NUMBER = re.compile(r"^\s*(INC\d{7})\s*$", re.IGNORECASE)
# What an agent types for an incident number: INC0000042, inc42 or #42.
TYPED_INCIDENT_NUMBER = re.compile(r"^\s*(?:INC|#)\s*0*(\d{1,7})\s*$", re.IGNORECASE)


def incident_number_typed(*, user: User | AnonymousUser, query: str) -> str | None:
    """The number of the incident `query` names, if it names one `user` may see (the queue's
    search jumps to it)."""
    typed = TYPED_INCIDENT_NUMBER.match(query or "")
    if not typed:
        return None
    number = f"INC{int(typed.group(1)):07d}"
    return number if incidents_visible_to(user).filter(number=number).exists() else None


@dataclass(frozen=True)
class QueueFilters:
    """What the agent asked to see. Every field has a URL parameter of the same name, so a
    view of the queue can be bookmarked and shared."""

    status: str = "open"
    priority: int | None = None
    channel: str = ""
    service: int | None = None
    assignee: str = ""  # "me", "none", or "" for anyone
    sla: str = ""  # "breached", "due_soon", or ""
    q: str = ""
    sort: str = "triage"
    # The incidents behind a dashboard figure (tickets.figure_filters).
    opened: str = ""  # the desk's days, "2026-11-02..2026-11-08"
    responded: str = ""
    resolved: str = ""
    open_on: str = ""  # a day: open at its end
    group: str = ""  # an id, or "none"
    agent: str = ""  # an id, or "none"
    no_service: bool = False


@dataclass(frozen=True)
class QueuePage:
    incidents: list[Incident]
    # Ids of the rows the neighbouring pages start after / end before; None: no such page.
    next_after: int | None
    previous_before: int | None


def incident_queue_filtered(
    *, user: User | AnonymousUser, filters: QueueFilters, now: datetime, rare_first: bool = True
) -> QuerySet[Incident]:
    """The incidents `user` may see that match `filters`, unordered. `rare_first=False` keeps
    a search to one query (`incident_search_q`)."""
    incidents = incidents_visible_to(user)
    if filters.status == "open":
        incidents = incidents.filter(status__in=OPEN_STATUSES)
    elif filters.status == "not_incident":
        incidents = incidents.filter(status=IncidentStatus.CANCELLED).exclude(not_incident="")
    elif filters.status:
        incidents = incidents.filter(status=filters.status)
    if filters.priority:
        incidents = incidents.filter(priority=filters.priority)
    if filters.channel:
        incidents = incidents.filter(channel=filters.channel)
    if filters.service:
        incidents = incidents.filter(service_id=filters.service)
    if filters.assignee == "me":
        incidents = incidents.filter(assignee_id=user.pk)
    elif filters.assignee == "none":
        incidents = incidents.filter(assignee__isnull=True)
    if filters.sla in SLA_FIGURE_FILTERS:
        incidents = incidents.filter(SLA_FIGURE_FILTERS[filters.sla])
    incidents = incidents.filter(
        figure_q(
            opened=filters.opened,
            responded=filters.responded,
            resolved=filters.resolved,
            open_on=filters.open_on,
            group=filters.group,
            agent=filters.agent,
            no_service=filters.no_service,
        )
    )
    if filters.sla == "breached":
        incidents = incidents.filter(sla_breached_q(now=now))
    elif filters.sla == "due_soon":
        incidents = incidents.filter(sla_due_soon_q(now=now)).exclude(sla_breached_q(now=now))
    if filters.q.strip():
        incidents = incidents.filter(incident_search_q(query=filters.q, rare_first=rare_first))
    return incidents


def sla_breached_q(*, now: datetime) -> Q:
    """The queue's "Breached" filter: the same definition its SLA badge shows (`tickets.sla`)."""
    return sla.breached_q(now=now)


def sla_due_soon_q(*, now: datetime, within: timedelta = timedelta(hours=1)) -> Q:
    """A running clock whose response or resolution target falls within the next hour."""
    running = Q(status__in=SLA_RUNNING_STATUSES, sla_paused_since__isnull=True)
    return running & (
        Q(resolution_due_at__gte=now, resolution_due_at__lt=now + within)
        | Q(first_response_at__isnull=True, response_due_at__gte=now, response_due_at__lt=now + within)
    )


def incident_search_q(*, query: str, rare_first: bool = True) -> Q:
    """Incidents whose title, description or comments match `query`.

    On PostgreSQL: full-text search (web search syntax: words, "a phrase", -not) on the
    GIN-indexed `search_document` (migration 0005). When the words are rare their matches
    are read from the GIN index first (one more query), else the queue's sort index is
    walked and each row tested; either way a page costs milliseconds. Elsewhere: every word must appear in
    the title, the description or a comment (LIKE; fine for a desk that fits SQLite). An
    incident number finds that incident.
    """
    number = INCIDENT_NUMBER.match(query)
    if number:
        return Q(number=number.group(1).upper())
    if connection.vendor == "postgresql":
        rare_ids = _rare_match_ids(query) if rare_first else None
        if rare_ids is not None:
            return Q(pk__in=rare_ids)
        return Q(
            RawSQL(
                "tickets_incident.search_document @@ websearch_to_tsquery('english', translate(%s, '<>', '  '))",
                [query],
                output_field=models.BooleanField(),
            )
        )
    # The same syntax as websearch_to_tsquery reads: words, "a phrase", -word, -"a phrase".
    condition = Q()
    for match in list(SEARCH_TERM.finditer(query))[:10]:
        excluded, phrase, word = match.group("not"), match.group("phrase"), match.group("word")
        term = (phrase or word or "").strip('"')
        if not term:
            continue
        in_comments = Comment.objects.filter(incident__isnull=False, body__icontains=term).values("incident_id")
        found = Q(title__icontains=term) | Q(description__icontains=term) | Q(pk__in=in_comments)
        condition &= ~found if excluded else found
    return condition


SEARCH_TERM = re.compile(r'(?P<not>-)?(?:"(?P<phrase>[^"]*)"?|(?P<word>\S+))')


# Up to this many matches, a search reads them all from the GIN index and sorts them.
SEARCH_RARE_CAP = 5000


QUEUE_DEFERRED = (
    "description",
    "resolution",
    "hold_reason",
    "service__description",
    "problem__description",
    "problem__root_cause",
    "problem__workaround",
)


def _rare_match_ids(query: str) -> list[int] | None:
    """The ids of every incident matching `query` when they are few, None when many (one
    query; see `tickets_incident_search_rare_ids` in migration 0005 for why)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tickets_incident_search_rare_ids(%s, %s)", [query, SEARCH_RARE_CAP])
        ids = cursor.fetchone()[0]
    return ids


def incident_queue(
    *,
    user: User | AnonymousUser,
    filters: QueueFilters,
    now: datetime,
    after: int | None = None,
    before: int | None = None,
    size: int = 50,
) -> QueuePage:
    """One page of the triage queue: at most `size` incidents after (or before) the incident
    with id `after` (`before`) in the chosen sort order. Two queries at most: the anchor
    row's sort key, and the page."""
    sort = QUEUE_SORTS.get(filters.sort, QUEUE_SORTS["triage"])
    incidents = (
        incident_queue_filtered(user=user, filters=filters, now=now)
        .select_related(*INCIDENT_LIST_RELATED)
        # The queue shows none of the long texts; fifty of them cost more than the query.
        .defer(*QUEUE_DEFERRED)
    )
    anchor_id = after or before
    backwards = before is not None and after is None
    if anchor_id:
        anchor = Incident.objects.filter(pk=anchor_id).values(*sort.fields).first()
        if anchor is None:
            anchor_id, backwards = None, False
        else:
            lhs = RowValue(*(F(name) for name in sort.fields))
            rhs = RowValue(*(Value(anchor[name], output_field=_value_field(name)) for name in sort.fields))
            # Forwards in a descending order, or backwards in an ascending one, is "<".
            incidents = incidents.filter(LessThan(lhs, rhs) if sort.descending != backwards else GreaterThan(lhs, rhs))
    descending = sort.descending != backwards
    ordering = [f"-{name}" if descending else name for name in sort.fields]
    rows = list(incidents.order_by(*ordering)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        return QueuePage(
            incidents=rows,
            next_after=rows[-1].pk if rows else None,
            previous_before=rows[0].pk if more else None,
        )
    return QueuePage(
        incidents=rows,
        next_after=rows[-1].pk if more else None,
        previous_before=rows[0].pk if anchor_id and rows else None,
    )


def _value_field(name: str) -> models.Field:
    field = Incident._meta.get_field(name)
    return field.output_field if field.generated else field


@dataclass(frozen=True)
class QueueChanges:
    new: int  # arrived since the queue was loaded
    updated: int  # were there already, and changed since
    since_seen: int  # arrived or changed since the previous poll


def incident_queue_changes(
    *,
    user: User | AnonymousUser,
    filters: QueueFilters,
    now: datetime,
    last_id: int,
    since: datetime,
    seen: datetime,
) -> QueueChanges:
    """What happened in the queue's view since the agent loaded it (incidents with an id
    above `last_id`, or updated after `since`) and since the last poll (`seen`). One query,
    on the id and updated-at indexes."""
    counts = (
        incident_queue_filtered(user=user, filters=filters, now=now)
        .filter(Q(pk__gt=last_id) | Q(updated_at__gt=since))
        .aggregate(
            new=Count("pk", filter=Q(pk__gt=last_id)),
            updated=Count("pk", filter=Q(pk__lte=last_id, updated_at__gt=since)),
            since_seen=Count("pk", filter=Q(updated_at__gt=seen)),
        )
    )
    return QueueChanges(new=counts["new"], updated=counts["updated"], since_seen=counts["since_seen"])


def incident_latest_id() -> int:
    return Incident.objects.aggregate(latest=Max("pk"))["latest"] or 0


def incidents_by_ids(*, user: User | AnonymousUser, ids: list[int]) -> list[Incident]:
    """The incidents of a selection that `user` may see, in id order (bulk actions)."""
    return list(incidents_visible_to(user).filter(pk__in=ids).order_by("pk"))


# --- saved views of the queue ----------------------------------------------------------

# Saved views count their incidents exactly up to this many; above it the planner's estimate
# is shown, as such: counting a million rows on every queue load would cost more than the page.
SAVED_VIEW_EXACT_BOUND = 1000
# ... and a view's count is kept this long in the shared cache: the bounded walk that finds
# few matches among many rows (a rare word, "breached" on a calm desk) is the queue's most
# expensive query, and a count a few seconds old tells an agent as much as a fresh one.
SAVED_VIEW_COUNT_CACHE_SECONDS = 30
SAVED_VIEW_COUNT_KEY_PREFIX = "saved-view-count:v1:"


def saved_views_for(*, user: User | AnonymousUser) -> list[SavedView]:
    """The agent's own views and those others shared, theirs first (one query)."""
    if not user.is_authenticated:
        return []
    views = SavedView.objects.filter(Q(owner_id=user.pk) | Q(shared=True)).select_related("owner")
    return sorted(views, key=lambda v: (v.owner_id != user.pk, v.name.casefold(), v.pk))


def saved_view_get(*, user: User | AnonymousUser, pk: int) -> SavedView:
    """A view `user` can see (their own or a shared one)."""
    try:
        return SavedView.objects.filter(Q(owner_id=user.pk) | Q(shared=True)).get(pk=pk)
    except SavedView.DoesNotExist:
        raise SavedView.DoesNotExist("No such view.") from None


@dataclass(frozen=True)
class ViewCount:
    """How many incidents a saved view holds: `value` exactly when `exact`, else at least
    `bound` and, where the database can tell, about `estimate`."""

    value: int
    exact: bool
    estimate: int | None = None

    def __str__(self) -> str:
        if self.exact:
            return f"{self.value:,}"
        if self.estimate and self.estimate > self.value:
            return f"≈ {_round_estimate(self.estimate):,}"
        return f"{self.value:,}+"


def _round_estimate(value: int) -> int:
    """Two significant figures above a thousand: an estimate should not look like a count."""
    digits = len(str(value))
    return round(value, -(digits - 2)) if digits > 3 else value


def saved_view_counts(
    *, user: User | AnonymousUser, views: list[SavedView], now: datetime, bound: int = SAVED_VIEW_EXACT_BOUND
) -> dict[int, ViewCount]:
    """Every view's count: those counted in the last `SAVED_VIEW_COUNT_CACHE_SECONDS` from the
    shared cache, the others in one query, whatever their number, and kept there for the next
    `SAVED_VIEW_COUNT_CACHE_SECONDS` (`saved_view_counts_cached`)."""
    keys = {view.pk: _saved_view_count_key(user=user, view=view, bound=bound) for view in views}
    counts = saved_view_counts_cached(user=user, views=views, bound=bound, keys=keys)
    missing = [view for view in views if view.pk not in counts]
    if missing:
        counted = _saved_view_counts_counted(user=user, views=missing, now=now, bound=bound)
        try:
            cache.set_many({keys[pk]: count for pk, count in counted.items()}, SAVED_VIEW_COUNT_CACHE_SECONDS)
        except Exception:  # a cache that does not answer: counted each time, never a failed queue
            logger.warning("Saved-view counts not kept: the cache is unavailable", exc_info=True)
        counts.update(counted)
    return counts


def saved_view_counts_cached(
    *,
    user: User | AnonymousUser,
    views: list[SavedView],
    bound: int = SAVED_VIEW_EXACT_BOUND,
    keys: dict[int, str] | None = None,
) -> dict[int, ViewCount]:
    """The counts of `views` that anyone for whom they are the same counted in the last
    `SAVED_VIEW_COUNT_CACHE_SECONDS`, from the shared cache (no query); views without one are
    left out. The queue draws these with the page and loads the others after it."""
    if not views:
        return {}
    keys = keys or {view.pk: _saved_view_count_key(user=user, view=view, bound=bound) for view in views}
    try:
        found = cache.get_many(list(keys.values()))
    except Exception:  # as above: nothing kept, so every count is missing and counted
        logger.warning("Saved-view counts not read: the cache is unavailable", exc_info=True)
        return {}
    return {pk: found[key] for pk, key in keys.items() if key in found}


def _saved_view_count_key(*, user: User | AnonymousUser, view: SavedView, bound: int) -> str:
    """What a view's count depends on: its filters as the queue reads them (so editing its
    definition, or a change in how the queue reads it, makes a new key), whose "me" it is, and
    which incidents the reader may see. Not its name, owner or sort: a shared view, and two
    views with the same filters, share one count among every agent."""
    filters = queue_filters_from_query(view.query)
    filters = replace(filters, sort="", assignee=f"user {user.pk}" if filters.assignee == "me" else filters.assignee)
    scope = "agents" if is_agent(user) else f"user {user.pk}"
    digest = hashlib.sha256(f"{scope}|{bound}|{filters!r}".encode()).hexdigest()[:40]
    return f"{SAVED_VIEW_COUNT_KEY_PREFIX}{digest}"


def _saved_view_counts_counted(
    *, user: User | AnonymousUser, views: list[SavedView], now: datetime, bound: int
) -> dict[int, ViewCount]:
    """Every view's count in one query, whatever their number: each view's incidents are
    counted up to `bound` + 1 (`COUNT(*)` over a LIMITed subquery, so an index walk stops
    there), and on PostgreSQL a view that reaches the bound gets the planner's estimate
    (`tickets_count_estimate`, EXPLAIN, migration 0018) in the same statement."""
    if not views:
        return {}
    exact_parts, exact_params, estimate_parts, estimate_params = [], [], [], []
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for n, view in enumerate(views):
            matching = incident_queue_filtered(
                user=user, filters=queue_filters_from_query(view.query), now=now, rare_first=False
            ).values("pk")
            sql, params = matching[: bound + 1].query.sql_with_params()
            exact_parts.append(f"(SELECT count(*) FROM ({sql}) AS v{n}) AS c{n}")  # noqa: S608 - the ORM's SQL
            exact_params.extend(params)
            if postgres:
                whole_sql, whole_params = matching.query.sql_with_params()
                estimate_parts.append(f"CASE WHEN c{n} > %s THEN tickets_count_estimate(%s) END")
                estimate_params.extend([bound, cursor.mogrify(whole_sql, whole_params).decode()])
            else:
                estimate_parts.append("NULL")
        outer = ", ".join(f"c{n}, {estimate}" for n, estimate in enumerate(estimate_parts))
        cursor.execute(
            f"SELECT {outer} FROM (SELECT {', '.join(exact_parts)}) AS counts",  # noqa: S608 - ORM-written SQL
            estimate_params + exact_params,
        )
        row = cursor.fetchone()
    counts = {}
    for n, view in enumerate(views):
        value, estimate = row[2 * n], row[2 * n + 1]
        counts[view.pk] = (
            ViewCount(value=value, exact=True)
            if value <= bound
            else ViewCount(value=bound, exact=False, estimate=estimate)
        )
    return counts


def queue_filters_from_query(query: str) -> QueueFilters:
    """A saved view's URL parameters read as the queue reads its own URL."""
    from .forms import QueueFilterForm  # the forms import this module

    return QueueFilterForm(QueryDict(query)).filters()


# --- problems and contacts -------------------------------------------------------------


def problem_list_page(*, user: User | AnonymousUser, status: str = "", q: str = "") -> QuerySet[Problem]:
    """Problems with the number of incidents linked to each (one query per page)."""
    problems = problem_list(user=user).annotate(incident_count=Count("incidents"))
    if status == "open":
        problems = problems.exclude(status__in=[ProblemStatus.RESOLVED, ProblemStatus.CLOSED])
    elif status:
        problems = problems.filter(status=status)
    q = q.strip()
    if q:
        problems = problems.filter(Q(number__iexact=q) | Q(title__icontains=q))
    return problems.order_by("-created_at", "-id")


def problem_search(*, user: User | AnonymousUser, q: str, limit: int = 8) -> list[Problem]:
    """Problems an incident can still be linked to, by number or words of the title
    (search-as-you-type on the incident page)."""
    q = q.strip()
    if not q:
        return []
    problems = problems_visible_to(user).exclude(status=ProblemStatus.CLOSED)
    condition = Q(number__iexact=q)
    words = [word for word in q.split()[:6] if word]
    if words:
        title_match = Q()
        for word in words:
            title_match &= Q(title__icontains=word)
        condition |= title_match
    return list(problems.filter(condition).order_by("-created_at")[:limit])


def contact_list(*, q: str = "") -> QuerySet[Contact]:
    """Contacts still in use (not merged away), with how many incidents each reported."""
    contacts = (
        Contact.objects.filter(merged_into__isnull=True)
        .select_related("user")
        .annotate(incident_count=Count("incidents"))
    )
    q = q.strip()
    if q:
        contacts = contacts.filter(Q(name__icontains=q) | Q(email__icontains=q) | Q(user__username__icontains=q))
    return contacts.order_by("name", "id")


CONTACT_INCIDENTS_SHOWN = 50


@dataclass(frozen=True)
class ContactPage:
    contact: Contact
    identities: list[ContactIdentity]
    incidents: list[Incident]
    more_incidents: bool
    merged: list[Contact]  # the contacts merged into this one
    sections: list[ContactSection]


def contact_page(*, pk: int) -> ContactPage:
    """A contact as the contact page shows it: where they are met (every registered
    identity source), their incidents, newest first, and what other apps show (their
    messages). A contact merged away is not shown: its survivor is (the view redirects)."""
    contact = Contact.objects.select_related("user").get(pk=pk)
    incidents = list(
        Incident.objects.filter(reporter=contact)
        .select_related("assignee", "service")
        .defer(*QUEUE_DEFERRED[:3])
        .order_by("-created_at", "-id")[: CONTACT_INCIDENTS_SHOWN + 1]
    )
    return ContactPage(
        contact=contact,
        identities=identities_of(contact_ids=[contact.pk])[contact.pk],
        incidents=incidents[:CONTACT_INCIDENTS_SHOWN],
        more_incidents=len(incidents) > CONTACT_INCIDENTS_SHOWN,
        merged=list(Contact.objects.filter(merged_into=contact).order_by("name", "id")),
        sections=sections_of(contact=contact),
    )


def contact_identities(*, contacts: list[Contact]) -> dict[int, list[ContactIdentity]]:
    """Where each contact is met (the list shows the channel beside each name): one query
    per registered source, whatever the number of contacts."""
    return identities_of(contact_ids=[c.pk for c in contacts])


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
        raise Incident.DoesNotExist("No such incident.") from None


def incident_get_full(*, user: User | AnonymousUser, number: str) -> Incident:
    """As `incident_get`, with what `incident_list_full` loads (and as cheaply planned)."""
    try:
        return incident_list_full(user=user).get(number=number)
    except Incident.DoesNotExist:
        raise Incident.DoesNotExist("No such incident.") from None


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
        raise Incident.DoesNotExist("No such incident.") from None


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
        raise Problem.DoesNotExist("No such problem.") from None


def service_list(*, user: User | AnonymousUser) -> QuerySet[Service]:
    """The catalogue: agents see retired services too, customers only those they can pick."""
    services = Service.objects.select_related("owner_group")
    return services if sees_internal_notes(user) else services.filter(active=True)


def contact_list_for_api() -> QuerySet[Contact]:
    return Contact.objects.select_related("user")


def incident_attachments(*, incident: Incident, user: User | AnonymousUser) -> QuerySet[Attachment]:
    """An incident's attachments, oldest first; customers see the public ones only."""
    attachments = Attachment.objects.filter(incident=incident).select_related("uploaded_by_user", "uploaded_by_contact")
    if not sees_internal_notes(user):
        attachments = attachments.filter(visibility=Visibility.PUBLIC)
    return attachments.order_by("created_at", "id")


def attachment_get(*, user: User | AnonymousUser, pk: int) -> Attachment:
    """The attachment if `user` may see it: on an incident they may see, and public unless
    they see internal notes. Otherwise it does not exist for them (404, as an incident)."""
    attachments = Attachment.objects.filter(incident__in=incidents_visible_to(user))
    if not sees_internal_notes(user):
        attachments = attachments.filter(visibility=Visibility.PUBLIC)
    try:
        return attachments.get(pk=pk)
    except Attachment.DoesNotExist:
        raise Attachment.DoesNotExist("No such attachment.") from None


# --- saved replies ---------------------------------------------------------------------


def macros_for(*, user: User) -> QuerySet[Macro]:
    """The saved replies an agent may use: the shared ones and their own, by name."""
    if not is_agent(user):
        return Macro.objects.none()
    return Macro.objects.filter(Q(owner__isnull=True) | Q(owner=user)).select_related("owner", "assignment_group")


def known_errors_for_reply(*, incident: Incident, limit: int = 50) -> list[Problem]:
    """Known errors whose workaround an agent may quote in a reply: the incident's own problem
    first, then those of its service, then the rest, newest first (one query)."""
    first = Case(
        When(pk=incident.problem_id or 0, then=Value(0)),
        When(service_id=incident.service_id or 0, then=Value(1)),
        default=Value(2),
    )
    return list(
        Problem.objects.filter(status=ProblemStatus.KNOWN_ERROR)
        .exclude(workaround="")
        .annotate(first=first)
        .order_by("first", "-updated_at", "-id")[:limit]
    )
