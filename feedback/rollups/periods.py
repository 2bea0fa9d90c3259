"""What every rollup's refresh shares: the cursor lock, and recounting a set of days from the
rows they count (the days' rows replaced, with their every-agent sums, then the weeks and months
summed from days)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.db.models import Aggregate, Expression, F, Sum

from ..rollup_models import ALL_AGENTS, RollupCursor
from .buckets import GRAIN_DAY, GRAIN_MONTH, GRAIN_WEEK, day_start, next_period, period_start

DIMENSION_FIELDS = ("service_id", "channel", "group_id", "agent_id")
# The names a source's dimensions are read under: prefixed, so that none collides with a field
# of the model read (a survey's `channel` is its incident's, not a field of its own).
_DAY = "rollup_day"
_DIMENSIONS = ("rollup_service", "rollup_channel", "rollup_group", "rollup_agent")


@dataclass(frozen=True)
class DaySource:
    """Rows a rollup counts: `on` names the field that dates them (a date is the desk's day as
    stored; a time is read as the desk's day it falls in); `dimensions` are what they are counted
    by, in the order of DIMENSION_FIELDS (a field name or an expression each, 0 where none);
    `counts` the aggregate of each counter they fill."""

    rows: models.QuerySet
    on: str
    dimensions: tuple[str | Expression, str | Expression, str | Expression, str | Expression]
    counts: dict[str, Aggregate]


def days_recount(
    *, rollup: type[models.Model], counters: list[str], days: Iterable[date], sources: list[DaySource]
) -> None:
    """Recount `rollup`'s rows of `days` from `sources`, then their weeks and months. Every
    source's sums are added into one row per day and dimensions, so several sources fill one
    row (an incident's opened, exited, responded and resolved days) and a dimension that reads two
    values as one (a portal deflection's channel is the web's) adds them up."""
    days = sorted(set(days))
    if not days:
        return
    rows: dict[tuple, dict] = {}
    for source in sources:
        for row in _sums_by_day(source, days):
            key = (row.pop(_DAY), *(row.pop(name) for name in _DIMENSIONS))
            target = rows.setdefault(key, dict.fromkeys(counters, 0))
            for name, value in row.items():
                target[name] += value
    replace_periods(rollup, GRAIN_DAY, days, with_all_agents(rows))
    recount_longer_periods(rollup, counters, days)


def _sums_by_day(source: DaySource, days: list[date]) -> Iterable[dict]:
    dimensions = {
        name: F(dimension) if isinstance(dimension, str) else dimension
        for name, dimension in zip(_DIMENSIONS, source.dimensions, strict=True)
    }
    if not isinstance(source.rows.model._meta.get_field(source.on), models.DateTimeField):
        yield from (
            source.rows.filter(**{f"{source.on}__in": days})
            .values(**{_DAY: F(source.on)}, **dimensions)
            .order_by()
            .annotate(**source.counts)
        )
        return
    # A time is counted on the desk's day it falls in, whose bounds depend on the desk's zone
    # (and its daylight saving): one query per day, each a range the time's index serves.
    for day in days:
        sums = (
            source.rows.filter(
                **{f"{source.on}__gte": day_start(day), f"{source.on}__lt": day_start(day + timedelta(1))}
            )
            .values(**dimensions)
            .order_by()
            .annotate(**source.counts)
        )
        for row in sums:
            yield {_DAY: day, **row}


def locked_cursor(source: str) -> RollupCursor:
    RollupCursor.objects.get_or_create(source=source)
    return RollupCursor.objects.select_for_update().get(source=source)


def with_all_agents(rows: dict[tuple, dict]) -> dict[tuple, dict]:
    """`rows` and, per (day, service, channel, group), their sum over every agent."""
    totals: dict[tuple, dict] = {}
    for (day, service, channel, group, _agent), counts in rows.items():
        total = totals.setdefault((day, service, channel, group, ALL_AGENTS), dict.fromkeys(counts, 0))
        for name, value in counts.items():
            total[name] += value
    return rows | totals


def replace_periods(model, grain: str, periods: list[date], rows: dict[tuple, dict]) -> None:
    model.objects.filter(grain=grain, period__in=periods).delete()
    model.objects.bulk_create(
        [
            model(
                grain=grain,
                period=period,
                service_id=service,
                channel=channel,
                group_id=group,
                agent_id=agent,
                **counts,
            )
            for (period, service, channel, group, agent), counts in rows.items()
        ],
        batch_size=2000,
    )


def recount_longer_periods(model, counters: list[str], days: list[date]) -> None:
    """Weeks and months are the sums of their days' rows."""
    for grain in (GRAIN_WEEK, GRAIN_MONTH):
        starts = sorted({period_start(day, grain) for day in days})
        rows: dict[tuple, dict] = {}
        for start in starts:
            sums = (
                model.objects.filter(grain=GRAIN_DAY, period__gte=start, period__lt=next_period(start, grain))
                .values(*DIMENSION_FIELDS)
                .order_by()
                .annotate(**{name: Sum(name) for name in counters})
            )
            for row in sums:
                key = (start, *(row.pop(f) for f in DIMENSION_FIELDS))
                rows[key] = row
        replace_periods(model, grain, starts, rows)
