"""Reads of the spikes: the counts the live detector judges, and the alerts and their messages
for the pages. Each is one query."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Func, IntegerField, Q, QuerySet, Subquery
from django.http import Http404

from feedback.negativity import negative_q
from social.models import Direction, SocialMessage

from .models import AlertState, Metric, SpikeAlert

# --- what a negative message is ----------------------------------------------------------------


@dataclass(frozen=True)
class SentimentConditions:
    scored: Q  # the message has a sentiment (scoring is asynchronous: recent ones may not yet)
    negative: Q  # ...and it is negative


def negative_message_conditions() -> SentimentConditions:
    """Is this inbound message negative? The one place that says so, as conditions on
    `SocialMessage`: the sentiment model's label (`feedback.negativity`, one rule for the
    dashboards and the spikes)."""
    return SentimentConditions(
        scored=Q(sentiment__isnull=False),
        negative=negative_q("sentiment__"),
    )


# --- counts per interval -------------------------------------------------------------------------


class IntervalIndex(Func):
    """Which interval of `seconds` since `origin` (epoch seconds) a timestamp falls in (0, 1, …)."""

    output_field = IntegerField()

    def __init__(self, expression, *, origin: int, seconds: int):
        super().__init__(expression)
        self.origin, self.seconds = origin, seconds

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL
        sql, params = compiler.compile(self.source_expressions[0])
        return f"FLOOR((EXTRACT(EPOCH FROM {sql}) - %s) / %s)::bigint", [*params, self.origin, self.seconds]

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"((CAST(strftime('%%s', {sql}) AS INTEGER) - %s) / %s)", [*params, self.origin, self.seconds]


@dataclass(frozen=True)
class IntervalCount:
    interval: int  # index from the start of the range
    service_id: int | None  # the service of the message's incident (None: no incident or no service)
    messages: int
    scored: int
    negatives: int


def inbound_counts(*, start: datetime, end: datetime, seconds: int) -> list[IntervalCount]:
    """Inbound messages per interval of `seconds` from `start` to `end` and per service, with
    how many have a sentiment and how many are negative: one grouped query, on the messages'
    (created_at) index whatever the size of the table."""
    sentiment = negative_message_conditions()
    rows = (
        SocialMessage.objects.filter(direction=Direction.INBOUND, created_at__gte=start, created_at__lt=end)
        .annotate(
            interval=IntervalIndex("created_at", origin=int(start.timestamp()), seconds=seconds),
            service_id=F("incident__service_id"),
        )
        .values("interval", "service_id")
        .annotate(
            messages=Count("id"),
            scored=Count("id", filter=sentiment.scored),
            negatives=Count("id", filter=sentiment.negative),
        )
        .order_by()
    )
    return [IntervalCount(**row) for row in rows]


# --- alerts for the pages ----------------------------------------------------------------------

ALERT_RELATED = ("service", "incident", "problem", "acknowledged_by", "resolved_by")


def alerts_raised(*, limit: int) -> list[SpikeAlert]:
    """The newest alerts nobody has acknowledged yet (the banner), on their partial index."""
    return list(
        SpikeAlert.objects.filter(state=AlertState.RAISED).select_related("service").order_by("-raised_at")[:limit]
    )


@dataclass(frozen=True)
class AlertPage:
    alerts: list[SpikeAlert]
    older_before: int | None


def alert_list(*, state: str = "", before: int | None = None, size: int = 50) -> AlertPage:
    """One page of alerts, newest first, from the alert with id `before` (excluded) on."""
    alerts = SpikeAlert.objects.select_related(*ALERT_RELATED)
    if state == "open":
        alerts = alerts.exclude(state=AlertState.RESOLVED)
    elif state:
        alerts = alerts.filter(state=state)
    if before:
        anchor = Subquery(SpikeAlert.objects.filter(pk=before).values("raised_at")[:1])
        alerts = alerts.filter(Q(raised_at__lt=anchor) | Q(raised_at=anchor, pk__lt=before))
    rows = list(alerts.order_by("-raised_at", "-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return AlertPage(alerts=rows, older_before=rows[-1].pk if more and rows else None)


def alert_get(*, pk: int) -> SpikeAlert:
    try:
        return SpikeAlert.objects.select_related(*ALERT_RELATED).get(pk=pk)
    except SpikeAlert.DoesNotExist:
        raise Http404("No such alert.") from None


def alert_messages(*, alert: SpikeAlert, limit: int = 200) -> QuerySet[SocialMessage]:
    """The inbound messages behind an alert, newest first: those of its window, of its service
    if it has one, and the negative ones if the spike was in the negative share. Shaped as the
    Social page's rows (identity joined, the incident's number, no raw payload)."""
    messages = (
        SocialMessage.objects.filter(
            direction=Direction.INBOUND, created_at__gte=alert.window_start, created_at__lt=alert.window_end
        )
        .select_related("identity")
        .annotate(incident_number=F("incident__number"))
        .defer("raw", "parts")
    )
    if alert.service_id:
        messages = messages.filter(incident__service_id=alert.service_id)
    if alert.metric == Metric.NEGATIVE_SHARE:
        messages = messages.filter(negative_message_conditions().negative)
    return messages.order_by("-created_at", "-id")[:limit]
