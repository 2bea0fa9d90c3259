"""The dashboards' figures, read from the rollups only (never from incidents or messages).

A `Window` is what a dashboard shows: a run of days, weeks or months of the desk's calendar
ending with the current one (or one the manager picked), the same run just before it (the
previous period, shown beside), and filters on service, channel, group and agent. Each
reader runs a fixed number of queries, whatever the window's length or the data's size.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet, Sum

from ..rollup_models import (
    ALL_AGENTS,
    INCIDENT_COUNTERS,
    MESSAGE_COUNTERS,
    RESOLUTION_BIN_FIELDS,
    RESPONSE_BIN_FIELDS,
    IncidentRollup,
    MessageRollup,
)
from ..rollups.buckets import (
    GRAIN_DAY,
    GRAIN_MONTH,
    GRAIN_WEEK,
    next_period,
    percentile_minutes,
    period_start,
    previous_period,
)

# URL parameter → rollup column. A value of 0 means "none" (no service, unassigned...).
DIMENSIONS = {"service": "service_id", "channel": "channel", "group": "group_id", "agent": "agent_id"}
DEFAULT_PERIODS = {GRAIN_DAY: 30, GRAIN_WEEK: 12, GRAIN_MONTH: 12}
MAX_PERIODS = {GRAIN_DAY: 92, GRAIN_WEEK: 104, GRAIN_MONTH: 36}


@dataclass(frozen=True)
class Window:
    grain: str
    starts: tuple[date, ...]  # the periods shown, oldest first
    previous_starts: tuple[date, ...]  # as many periods just before them
    filters: dict = field(default_factory=dict)  # DIMENSIONS key → id, channel name, or 0

    @classmethod
    def ending(cls, *, day: date, grain: str, periods: int | None = None, filters: dict | None = None) -> "Window":
        count = min(periods or DEFAULT_PERIODS[grain], MAX_PERIODS[grain])
        starts = [period_start(day, grain)]
        while len(starts) < 2 * count:
            starts.insert(0, previous_period(starts[0], grain))
        return cls(
            grain=grain, starts=tuple(starts[count:]), previous_starts=tuple(starts[:count]), filters=filters or {}
        )

    @property
    def first(self) -> date:
        return self.starts[0]

    @property
    def end(self) -> date:
        """The day after the window (exclusive bound)."""
        return next_period(self.starts[-1], self.grain)

    @property
    def previous_first(self) -> date:
        return self.previous_starts[0]

    def period_end(self, start: date) -> date:
        return next_period(start, self.grain)

    def filtered(self, model, *, by: str = "") -> QuerySet:
        rows = model.objects.filter(grain=self.grain, period__gte=self.previous_first, period__lt=self.end)
        return rows.filter(self.dimensions_q(by=by))

    def dimensions_q(self, *, by: str = "") -> Q:
        """The filters, and which agent rows to read: one agent's, every agent's (to break
        down by agent), or their sums (`ALL_AGENTS`) for everything else."""
        condition = Q(**{DIMENSIONS[name]: value for name, value in self.filters.items()})
        if "agent" not in self.filters:
            condition &= Q(agent_id__gte=0) if by == "agent" else Q(agent_id=ALL_AGENTS)
        return condition


def _sums(counters: list[str], **extra) -> dict:
    return {name: Sum(name) for name in counters} | extra


def _zero(counters: list[str]) -> dict:
    return dict.fromkeys(counters, 0)


def _ratio(part, whole) -> float | None:
    return part / whole if whole else None


# --- the service dashboard ------------------------------------------------------------------


@dataclass
class ServiceFigures:
    """One period's (or a whole window's) incident figures."""

    opened: int = 0
    exited: int = 0
    resolved: int = 0
    responded: int = 0
    response_breached: int = 0
    resolution_breached: int = 0
    not_incidents: int = 0  # of those opened: closed as not an incident
    backlog: int | None = None  # open at the end of the period
    response_bins: list[int] = field(default_factory=list)
    resolution_bins: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, row: dict) -> "ServiceFigures":
        """From summed counters; those `row` lacks (a breakdown sums only its own) are 0."""
        return cls(
            opened=row.get("opened") or 0,
            exited=row.get("exited") or 0,
            resolved=row.get("resolved") or 0,
            responded=row.get("responded") or 0,
            response_breached=row.get("response_breached") or 0,
            resolution_breached=row.get("resolution_breached") or 0,
            not_incidents=row.get("not_incidents") or 0,
            response_bins=[row.get(name) or 0 for name in RESPONSE_BIN_FIELDS],
            resolution_bins=[row.get(name) or 0 for name in RESOLUTION_BIN_FIELDS],
        )

    @property
    def breaches(self) -> int:
        return self.response_breached + self.resolution_breached

    @property
    def response_met(self) -> float | None:
        """Share of the first responses of the period given on time."""
        return _ratio(self.responded - self.response_breached, self.responded)

    @property
    def resolution_met(self) -> float | None:
        return _ratio(self.resolved - self.resolution_breached, self.resolved)

    @property
    def response_median(self) -> float | None:
        return percentile_minutes(self.response_bins, 0.5)

    @property
    def response_p90(self) -> float | None:
        return percentile_minutes(self.response_bins, 0.9)

    @property
    def resolution_median(self) -> float | None:
        return percentile_minutes(self.resolution_bins, 0.5)

    @property
    def resolution_p90(self) -> float | None:
        return percentile_minutes(self.resolution_bins, 0.9)


def _add(figures: list[ServiceFigures]) -> ServiceFigures:
    total = ServiceFigures(
        response_bins=[sum(b) for b in zip(*[f.response_bins for f in figures], strict=True)] if figures else [],
        resolution_bins=[sum(b) for b in zip(*[f.resolution_bins for f in figures], strict=True)] if figures else [],
    )
    for name in (
        "opened",
        "exited",
        "resolved",
        "responded",
        "response_breached",
        "resolution_breached",
        "not_incidents",
    ):
        setattr(total, name, sum(getattr(f, name) for f in figures))
    total.backlog = figures[-1].backlog if figures else None
    return total


@dataclass
class Series:
    """Figures per period of the window and of the previous one, and their totals."""

    window: Window
    current: list  # one figures object per period of window.starts
    previous: list
    total: object
    previous_total: object


def service_series(window: Window) -> Series:
    """Two queries: the sums per period, and the backlog before the window."""
    by_period = {
        row.pop("period"): ServiceFigures.of(row)
        for row in window.filtered(IncidentRollup)
        .values("period")
        .order_by("period")
        .annotate(**_sums(INCIDENT_COUNTERS))
    }
    backlog = _backlog_before(window)
    figures = []
    for start in (*window.previous_starts, *window.starts):
        one = by_period.get(start) or ServiceFigures.of(_zero(INCIDENT_COUNTERS))
        backlog += one.opened - one.exited
        one.backlog = backlog
        figures.append(one)
    previous, current = figures[: len(window.previous_starts)], figures[len(window.previous_starts) :]
    return Series(window, current, previous, _add(current), _add(previous))


def _backlog_before(window: Window) -> int:
    """Incidents opened and not yet gone before the previous period starts: whole months from
    the month rows, the rest of the days from the day rows (a few thousand rows at most)."""
    month = period_start(window.previous_first, GRAIN_MONTH)
    rows = IncidentRollup.objects.filter(
        Q(grain=GRAIN_MONTH, period__lt=month) | Q(grain=GRAIN_DAY, period__gte=month, period__lt=window.previous_first)
    ).filter(window.dimensions_q())
    sums = rows.aggregate(opened=Sum("opened"), exited=Sum("exited"))
    return (sums["opened"] or 0) - (sums["exited"] or 0)


# --- the satisfaction dashboard (sentiment; ratings join when surveys exist) -----------------


@dataclass
class SentimentFigures:
    messages: int = 0
    negative: int = 0
    sentiment_sum: float = 0.0

    @classmethod
    def of(cls, row: dict) -> "SentimentFigures":
        return cls(row["messages"] or 0, row["negative"] or 0, row["sentiment_sum"] or 0.0)

    @property
    def average_sentiment(self) -> float | None:
        return _ratio(self.sentiment_sum, self.messages)

    @property
    def negative_share(self) -> float | None:
        return _ratio(self.negative, self.messages)


def _add_sentiment(figures: list[SentimentFigures]) -> SentimentFigures:
    return SentimentFigures(
        sum(f.messages for f in figures), sum(f.negative for f in figures), sum(f.sentiment_sum for f in figures)
    )


def sentiment_series(window: Window) -> Series:
    """One query: the message sums per period."""
    by_period = {
        row.pop("period"): SentimentFigures.of(row)
        for row in window.filtered(MessageRollup)
        .values("period")
        .order_by("period")
        .annotate(**_sums(MESSAGE_COUNTERS))
    }
    previous = [by_period.get(start) or SentimentFigures() for start in window.previous_starts]
    current = [by_period.get(start) or SentimentFigures() for start in window.starts]
    return Series(window, current, previous, _add_sentiment(current), _add_sentiment(previous))


# --- breakdowns by one dimension -------------------------------------------------------------


@dataclass
class BreakdownRow:
    value: object  # the dimension's value: an id, a channel name, or 0 for none
    current: object
    previous: object


def _breakdown(window: Window, model, counters: list[str], by: str, make) -> list[BreakdownRow]:
    """One query: the window's and the previous window's totals per value of `by`. Grouped by
    the value and by whether the period is the window's (two rows per value), each counter
    summed once: not twice behind a FILTER, which cost PostgreSQL twice the sums per row."""
    column = DIMENSIONS[by]
    sums: dict = {}
    rows = (
        window.filtered(model, by=by)
        .annotate(in_window=Q(period__gte=window.first))
        .values(column, "in_window")
        .order_by(column, "in_window")
        .annotate(**_sums(counters))
    )
    for row in rows:
        sums.setdefault(row.pop(column), {})[row.pop("in_window")] = row
    zero = _zero(counters)
    return [
        BreakdownRow(value, make(halves.get(True, zero)), make(halves.get(False, zero)))
        for value, halves in sums.items()
    ]


# What the service dashboard's breakdown shows (opened, resolved, on time, first response
# times) needs these counters only, half of them: not the resolution bins, what left the
# backlog or the not-incidents. The metrics API's breakdown answers every figure, so sums all.
PAGE_BREAKDOWN_COUNTERS = [
    "opened",
    "resolved",
    "responded",
    "response_breached",
    "resolution_breached",
    *RESPONSE_BIN_FIELDS,
]


def service_breakdown(window: Window, *, by: str, counters: list[str] = INCIDENT_COUNTERS) -> list[BreakdownRow]:
    rows = _breakdown(window, IncidentRollup, counters, by, ServiceFigures.of)
    return sorted(rows, key=lambda r: -r.current.opened)


def sentiment_breakdown(window: Window, *, by: str) -> list[BreakdownRow]:
    rows = _breakdown(window, MessageRollup, MESSAGE_COUNTERS, by, SentimentFigures.of)
    return sorted(rows, key=lambda r: -r.current.messages)
