"""Keeping the rollups: an incremental refresh with a high-water mark, and a full rebuild.

The refresh reads what changed since its mark (incidents by `updated_at`, scores by
`scored_at`), finds the desk's days whose counts that changes, and recounts those days
whole, then their weeks and months. Recounting (delete the period's rows, insert its sums)
rather than adding deltas makes it idempotent: running it twice, or over rows it has seen,
gives the same counters. The source's cursor row is locked for each batch, so concurrent
workers take turns instead of counting twice; the mark is read back by `ROLLUP_OVERLAP`
so a transaction that committed late, with an older `updated_at`, is still seen.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from tickets.models import Incident, IncidentStatus

from ..models import SentimentScore
from ..negativity import negative_q
from ..rollup_models import (
    INCIDENT_COUNTERS,
    MESSAGE_COUNTERS,
    RESOLUTION_BIN_FIELDS,
    RESPONSE_BIN_FIELDS,
    SURVEY_COUNTERS,
    IncidentFact,
    IncidentRollup,
    MessageRollup,
    SurveyRollup,
)
from ..surveys.models import GOOD_RATINGS, Survey, SurveyState
from .buckets import (
    DURATION_BINS,
    GRAIN_MONTH,
    duration_bin,
    local_day,
    next_period,
    period_start,
)
from .deflections import DEFLECTIONS, deflection_rollups_refresh, deflections_rebuild
from .periods import DIMENSION_FIELDS, DaySource, days_recount, locked_cursor
from .rebuild_sql import rebuild_in_sql

INCIDENTS = "incidents"
MESSAGES = "messages"
SURVEYS = "surveys"
# Transactions here last milliseconds; a minute of overlap sees any that committed late.
ROLLUP_OVERLAP = timedelta(seconds=60)
BATCH = 2000

FACT_FIELDS = (
    "service_id",
    "channel",
    "group_id",
    "agent_id",
    "opened_on",
    "exited_on",
    "responded_on",
    "response_bin",
    "response_breached",
    "resolved_on",
    "resolution_bin",
    "resolution_breached",
    "not_incident",
)
# What each kind of counter reads of a fact: when that part changes, its old and new days
# are recounted (a resolution today does not recount the day the incident was opened).
COUNTED_PARTS = {
    "opened_on": (*DIMENSION_FIELDS, "not_incident"),
    "exited_on": DIMENSION_FIELDS,
    "responded_on": (*DIMENSION_FIELDS, "response_bin", "response_breached"),
    "resolved_on": (*DIMENSION_FIELDS, "resolution_bin", "resolution_breached"),
}
INCIDENT_COLUMNS = (
    "id",
    "updated_at",
    "status",
    "service_id",
    "channel",
    "assignment_group_id",
    "assignee_id",
    "created_at",
    "first_response_at",
    "resolved_at",
    "response_due_at",
    "resolution_due_at",
    "response_breached",
    "resolution_breached",
    "not_incident",
)


@dataclass
class RefreshResult:
    incidents_read: int = 0
    incidents_changed: int = 0
    scores_read: int = 0
    days_recounted: set[date] = field(default_factory=set)

    def __str__(self):
        return (
            f"{self.incidents_read} incidents read, {self.incidents_changed} changed, {self.scores_read} scores read, "
            f"{len(self.days_recounted)} days recounted"
        )


def fact_of(incident: dict) -> IncidentFact:
    """What the rollups count of one incident (a row of `INCIDENT_COLUMNS`)."""
    created = incident["created_at"]
    responded = incident["first_response_at"]
    resolved = incident["resolved_at"]
    if resolved is not None:
        exited = resolved
    elif incident["status"] == IncidentStatus.CANCELLED:
        # No cancellation time is kept: the last change of a cancelled incident is its cancellation.
        exited = incident["updated_at"]
    else:
        exited = None
    response_due, resolution_due = incident["response_due_at"], incident["resolution_due_at"]
    return IncidentFact(
        incident_id=incident["id"],
        source_updated_at=incident["updated_at"],
        service_id=incident["service_id"] or 0,
        channel=incident["channel"],
        group_id=incident["assignment_group_id"] or 0,
        agent_id=incident["assignee_id"] or 0,
        opened_on=local_day(created),
        exited_on=local_day(exited),
        responded_on=local_day(responded),
        response_bin=duration_bin((responded - created).total_seconds()) if responded else None,
        # Flagged by the breach sweep, or answered after the due time.
        response_breached=bool(
            responded and (incident["response_breached"] or (response_due and responded > response_due))
        ),
        resolved_on=local_day(resolved),
        resolution_bin=duration_bin((resolved - created).total_seconds()) if resolved else None,
        resolution_breached=bool(
            resolved and (incident["resolution_breached"] or (resolution_due and resolved > resolution_due))
        ),
        not_incident=bool(incident["not_incident"]),
    )


def _changed_days(old: IncidentFact | None, new: IncidentFact) -> set[date]:
    days = set()
    for day_field, parts in COUNTED_PARTS.items():
        if old is not None and all(getattr(old, f) == getattr(new, f) for f in (day_field, *parts)):
            continue
        days.update(d for d in (getattr(old, day_field, None), getattr(new, day_field)) if d is not None)
    return days


def _dimensions_changed(old: IncidentFact | None, new: IncidentFact) -> bool:
    return old is not None and any(getattr(old, f) != getattr(new, f) for f in ("service_id", "group_id", "agent_id"))


def _after(queryset, time_field: str, position: tuple[datetime, int] | None):
    if position is None:
        return queryset
    at, pk = position
    return queryset.filter(**{f"{time_field}__gte": at}).filter(
        Q(**{f"{time_field}__gt": at}) | Q(**{time_field: at, "pk__gt": pk})
    )


def incidents_apply(*, rows: list[dict], result: RefreshResult) -> tuple[set[date], set[int]]:
    """Store the facts of `rows`; return the days to recount and the incidents whose messages
    moved to other dimensions."""
    old_facts = IncidentFact.objects.in_bulk([row["id"] for row in rows])
    days: set[date] = set()
    moved: set[int] = set()
    changed = []
    for row in rows:
        new = fact_of(row)
        old = old_facts.get(row["id"])
        if old is not None and all(getattr(old, f) == getattr(new, f) for f in FACT_FIELDS):
            continue
        days |= _changed_days(old, new)
        if _dimensions_changed(old, new):
            moved.add(row["id"])
        changed.append(new)
    if changed:
        IncidentFact.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["incident_id"],
            update_fields=["source_updated_at", *FACT_FIELDS],
        )
    result.incidents_changed += len(changed)
    return days, moved


def incident_rollups_refresh(*, batch_size: int = BATCH, result: RefreshResult | None = None) -> RefreshResult:
    """Roll up the incidents changed since the mark."""
    result = result or RefreshResult()
    position = None
    while True:
        with transaction.atomic():
            cursor = locked_cursor(INCIDENTS)
            incidents = Incident.objects.order_by("updated_at", "id")
            if cursor.high_water is not None:
                incidents = incidents.filter(updated_at__gte=cursor.high_water - ROLLUP_OVERLAP)
            rows = list(_after(incidents, "updated_at", position).values(*INCIDENT_COLUMNS)[:batch_size])
            if not rows:
                break
            days, moved = incidents_apply(rows=rows, result=result)
            incident_days_recount(days=days)
            message_days = _message_days_of_incidents(moved)
            message_days_recount(days=message_days)
            survey_days = _survey_days_of_incidents(moved)
            survey_days_recount(days=survey_days)
            result.days_recounted |= days | message_days | survey_days
            result.incidents_read += len(rows)
            last = rows[-1]
            cursor.high_water = max(filter(None, [cursor.high_water, last["updated_at"]]))
            cursor.refreshed_at = timezone.now()
            cursor.save()
        position = (last["updated_at"], last["id"])
        if len(rows) < batch_size:
            break
    return result


def message_rollups_refresh(*, batch_size: int = 10 * BATCH, result: RefreshResult | None = None) -> RefreshResult:
    """Roll up the scores stored (or rescored) since the mark."""
    result = result or RefreshResult()
    position = None
    while True:
        with transaction.atomic():
            cursor = locked_cursor(MESSAGES)
            scores = SentimentScore.objects.order_by("scored_at", "id")
            if cursor.high_water is not None:
                scores = scores.filter(scored_at__gte=cursor.high_water - ROLLUP_OVERLAP)
            rows = list(_after(scores, "scored_at", position).values_list("scored_at", "id", "created_at")[:batch_size])
            if not rows:
                break
            days = {local_day(created) for _, _, created in rows}
            message_days_recount(days=days)
            result.days_recounted |= days
            result.scores_read += len(rows)
            cursor.high_water = max(filter(None, [cursor.high_water, rows[-1][0]]))
            cursor.refreshed_at = timezone.now()
            cursor.save()
        position = rows[-1][:2]
        if len(rows) < batch_size:
            break
    return result


def survey_rollups_refresh(*, result: RefreshResult | None = None) -> RefreshResult:
    """Roll up the surveys sent or answered since the mark: their sent days are recounted (an
    answer changes the day the survey was asked). A few hundred a day: one batch."""
    result = result or RefreshResult()
    with transaction.atomic():
        cursor = locked_cursor(SURVEYS)
        now = timezone.now()
        surveys = Survey.objects.filter(state=SurveyState.SENT)
        if cursor.high_water is not None:
            since = cursor.high_water - ROLLUP_OVERLAP
            surveys = surveys.filter(Q(sent_at__gte=since) | Q(answered_at__gte=since))
        days = {local_day(sent) for sent in surveys.values_list("sent_at", flat=True).distinct()}
        survey_days_recount(days=days)
        result.days_recounted |= days
        cursor.high_water, cursor.refreshed_at = now, now
        cursor.save()
    return result


def rollups_refresh() -> RefreshResult:
    """The periodic job: incidents, then scores, then surveys, then deflections."""
    result = incident_rollups_refresh()
    result = message_rollups_refresh(result=result)
    result = survey_rollups_refresh(result=result)
    result.days_recounted |= deflection_rollups_refresh()
    return result


def _survey_days_of_incidents(incident_ids: set[int]) -> set[date]:
    if not incident_ids:
        return set()
    return {
        local_day(at)
        for at in Survey.objects.filter(incident_id__in=incident_ids, state=SurveyState.SENT).values_list(
            "sent_at", flat=True
        )
    }


def _message_days_of_incidents(incident_ids: set[int]) -> set[date]:
    if not incident_ids:
        return set()
    return {
        local_day(at)
        for at in SentimentScore.objects.filter(incident_id__in=incident_ids).values_list("created_at", flat=True)
    }


# --- recounting ---------------------------------------------------------------------------


def _bin_counts(bin_field: str, names: list[str]) -> dict:
    return {name: Count("pk", filter=Q(**{bin_field: k})) for k, name in enumerate(names)}


# Each counter kind: the fact's day field and the sums it contributes.
INCIDENT_COUNTS = {
    "opened_on": lambda: {"opened": Count("pk"), "not_incidents": Count("pk", filter=Q(not_incident=True))},
    "exited_on": lambda: {"exited": Count("pk")},
    "responded_on": lambda: {
        "responded": Count("pk"),
        "response_breached": Count("pk", filter=Q(response_breached=True)),
        **_bin_counts("response_bin", RESPONSE_BIN_FIELDS),
    },
    "resolved_on": lambda: {
        "resolved": Count("pk"),
        "resolution_breached": Count("pk", filter=Q(resolution_breached=True)),
        **_bin_counts("resolution_bin", RESOLUTION_BIN_FIELDS),
    },
}
assert len(RESPONSE_BIN_FIELDS) == DURATION_BINS


def incident_days_recount(*, days: Iterable[date]) -> None:
    """Recount the incident rollups of `days` from the facts, then their weeks and months."""
    days_recount(
        rollup=IncidentRollup,
        counters=INCIDENT_COUNTERS,
        days=days,
        sources=[
            DaySource(rows=IncidentFact.objects.all(), on=day_field, dimensions=DIMENSION_FIELDS, counts=counts())
            for day_field, counts in INCIDENT_COUNTS.items()
        ],
    )


def _of_incident(field: str) -> Coalesce:
    return Coalesce(f"incident__{field}", Value(0))


def message_days_recount(*, days: Iterable[date]) -> None:
    """Recount the message rollups of `days` from the scores, then their weeks and months."""
    days_recount(
        rollup=MessageRollup,
        counters=MESSAGE_COUNTERS,
        days=days,
        sources=[
            DaySource(
                rows=SentimentScore.objects.all(),
                on="created_at",
                dimensions=(
                    _of_incident("service_id"),
                    "channel",
                    _of_incident("assignment_group_id"),
                    _of_incident("assignee_id"),
                ),
                counts={
                    "messages": Count("pk"),
                    "negative": Count("pk", filter=negative_q()),
                    "sentiment_sum": Sum("score"),
                },
            )
        ],
    )


def survey_days_recount(*, days: Iterable[date]) -> None:
    """Recount the survey rollups of `days` from the surveys sent on them, then their weeks and months."""
    days_recount(
        rollup=SurveyRollup,
        counters=SURVEY_COUNTERS,
        days=days,
        sources=[
            DaySource(
                rows=Survey.objects.filter(state=SurveyState.SENT),
                on="sent_at",
                dimensions=(
                    _of_incident("service_id"),
                    "incident__channel",
                    _of_incident("assignment_group_id"),
                    _of_incident("assignee_id"),
                ),
                counts={
                    "sent": Count("pk"),
                    "answered": Count("pk", filter=Q(rating__isnull=False)),
                    "good": Count("pk", filter=Q(rating__in=GOOD_RATINGS)),
                },
            )
        ],
    )


# --- rebuilding ---------------------------------------------------------------------------


def rollups_rebuild(*, batch_size: int = 20_000, progress=None) -> RefreshResult:
    """Count everything again from the incidents and the scores: after a change of
    TIME_ZONE or of the duration bins, a restore, or a rescoring of history. The marks are
    set first, so a refresh running after it misses nothing written meanwhile."""
    result = RefreshResult()
    now = timezone.now()
    with transaction.atomic():
        for source in (INCIDENTS, MESSAGES, SURVEYS, DEFLECTIONS):
            cursor = locked_cursor(source)
            cursor.high_water = now
            cursor.save()
        _surveys_rebuild()
        deflections_rebuild()
        if connection.vendor == "postgresql":
            rebuild_in_sql(progress)
            result.incidents_read = IncidentFact.objects.count()
            return result
        IncidentFact.objects.all().delete()
    position = None
    while True:
        incidents = Incident.objects.order_by("id")
        if position is not None:
            incidents = incidents.filter(pk__gt=position)
        rows = list(incidents.values(*INCIDENT_COLUMNS)[:batch_size])
        if not rows:
            break
        IncidentFact.objects.bulk_create([fact_of(row) for row in rows], batch_size=5000)
        result.incidents_read += len(rows)
        position = rows[-1]["id"]
        if progress:
            progress(f"{result.incidents_read:,} incident facts")
    with transaction.atomic():
        IncidentRollup.objects.all().delete()
        MessageRollup.objects.all().delete()
    for model, recount, bounds in (
        (
            IncidentRollup,
            incident_days_recount,
            IncidentFact.objects.aggregate(first=Min("opened_on"), last=Max(F("opened_on"))),
        ),
        (
            MessageRollup,
            message_days_recount,
            SentimentScore.objects.aggregate(first=Min("created_at"), last=Max("created_at")),
        ),
    ):
        first, last = bounds["first"], bounds["last"]
        if first is None:
            continue
        if isinstance(first, datetime):
            first, last = local_day(first), local_day(last)
        last = max(last, local_day(now))
        day = first
        while day <= last:
            month = [
                day + timedelta(n) for n in range((next_period(period_start(day, GRAIN_MONTH), GRAIN_MONTH) - day).days)
            ]
            with transaction.atomic():
                recount(days=month)
            result.days_recounted |= set(month)
            day = month[-1] + timedelta(1)
            if progress:
                progress(f"{model.__name__}: {day:%Y-%m}")
    return result


def _surveys_rebuild() -> None:
    """Every survey rollup again, day by day of the days surveys were sent."""
    SurveyRollup.objects.all().delete()
    days = sorted(
        {local_day(at) for at in Survey.objects.filter(state=SurveyState.SENT).values_list("sent_at", flat=True)}
    )
    for start in range(0, len(days), 31):
        survey_days_recount(days=days[start : start + 31])
