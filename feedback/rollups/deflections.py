"""The deflection rollups, kept like the survey ones: the days deflections were made since the
mark are recounted whole (idempotent), then their weeks and months. A few a day: one batch."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Case, CharField, Count, F, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from tickets.deflection_models import INCIDENT_CHANNEL_OF
from tickets.models import Deflection

from ..rollup_models import DEFLECTION_COUNTERS, DeflectionRollup
from .buckets import local_day
from .periods import DaySource, days_recount, locked_cursor

DEFLECTIONS = "deflections"
# Deflections are inserted in one short transaction: a minute of overlap sees late commits.
OVERLAP = timedelta(seconds=60)
# A deflection's channel as the incident rollups name it (the portal's is the web's), read in
# the query so the sums are grouped under it.
INCIDENT_CHANNEL = Case(
    *(When(channel=channel, then=Value(incident_channel)) for channel, incident_channel in INCIDENT_CHANNEL_OF.items()),
    default=F("channel"),
    output_field=CharField(),
)


def deflection_days_recount(*, days: Iterable[date]) -> None:
    """Recount the deflection rollups of `days`, then their weeks and months."""
    days_recount(
        rollup=DeflectionRollup,
        counters=DEFLECTION_COUNTERS,
        days=days,
        sources=[
            DaySource(
                rows=Deflection.objects.all(),
                on="created_at",
                # No group or agent: nothing was raised, so nobody was assigned.
                dimensions=(Coalesce("service_id", Value(0)), INCIDENT_CHANNEL, Value(0), Value(0)),
                counts={"deflections": Count("pk")},
            )
        ],
    )


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
