"""What every rollup's refresh shares: the cursor lock, and recounting a set of periods (the
days' rows replaced, with their every-agent sums, then the weeks and months summed from days)."""

from datetime import date

from django.db.models import Sum

from ..rollup_models import ALL_AGENTS, RollupCursor
from .buckets import GRAIN_DAY, GRAIN_MONTH, GRAIN_WEEK, next_period, period_start

DIMENSION_FIELDS = ("service_id", "channel", "group_id", "agent_id")


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
