"""The deflection rollups, kept like the survey ones: the days deflections were made since the
mark are recounted whole (idempotent), then their weeks and months. A few a day: one batch."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from tickets.deflection_models import INCIDENT_CHANNEL_OF
from tickets.models import Deflection

from ..rollup_models import DEFLECTION_COUNTERS, DeflectionRollup
from .buckets import GRAIN_DAY, day_start, local_day
from .periods import locked_cursor, recount_longer_periods, replace_periods, with_all_agents

DEFLECTIONS = "deflections"
# Deflections are inserted in one short transaction: a minute of overlap sees late commits.
OVERLAP = timedelta(seconds=60)


def deflection_days_recount(*, days: Iterable[date]) -> None:
    """Recount the deflection rollups of `days`, then their weeks and months."""
    days = sorted(set(days))
    if not days:
        return
    rows: dict[tuple, dict] = {}
    for day in days:
        sums = (
            Deflection.objects.filter(created_at__gte=day_start(day), created_at__lt=day_start(day + timedelta(1)))
            .values("channel", service_or_none=Coalesce("service_id", Value(0)))
            .order_by()
            .annotate(deflections=Count("pk"))
        )
        for row in sums:
            key = (day, row["service_or_none"], INCIDENT_CHANNEL_OF.get(row["channel"], row["channel"]), 0, 0)
            rows[key] = {"deflections": rows.get(key, {}).get("deflections", 0) + row["deflections"]}
    replace_periods(DeflectionRollup, GRAIN_DAY, days, with_all_agents(rows))
    recount_longer_periods(DeflectionRollup, DEFLECTION_COUNTERS, days)


def deflection_rollups_refresh() -> set[date]:
    """Roll up the deflections made since the mark; answers the days recounted."""
    with transaction.atomic():
        cursor = locked_cursor(DEFLECTIONS)
        now = timezone.now()
        deflections = Deflection.objects.all()
        if cursor.high_water is not None:
            deflections = deflections.filter(created_at__gte=cursor.high_water - OVERLAP)
        days = {local_day(at) for at in deflections.values_list("created_at", flat=True)}
        deflection_days_recount(days=days)
        cursor.high_water, cursor.refreshed_at = now, now
        cursor.save()
    return days


def deflections_rebuild() -> None:
    """Every deflection rollup again (the caller holds the transaction and has set the mark)."""
    DeflectionRollup.objects.all().delete()
    days = sorted({local_day(at) for at in Deflection.objects.values_list("created_at", flat=True)})
    for start in range(0, len(days), 31):
        deflection_days_recount(days=days[start : start + 31])
