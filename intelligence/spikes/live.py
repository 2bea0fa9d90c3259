"""The live detector: each run judges the intervals that closed since the last run.

A run reads the counts of every closed interval since the cursor in one grouped query (overall
and per service, volume and negative share), feeds each series' detector from its stored state,
stores the states and the alerts, and moves the cursor: all in one transaction, with the cursor
row locked. A second run at the same time skips (the lock is held) and a run repeated later
finds nothing new: safe to run twice, or from two workers.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tickets.models import Service

from . import selectors, services
from .detector import NEGATIVE_SHARE, VOLUME, DetectorConfig, SpikeDetector
from .models import Metric, Scope, SpikeAlert, SpikeCursor, SpikeSeries

logger = logging.getLogger(__name__)

CURSOR_KEY = "live"


class _LostRace(Exception):
    """Another run moved the cursor first (SQLite has no row locks): undo this run."""


@dataclass(frozen=True)
class DetectionRun:
    intervals: int  # closed intervals judged
    series: int  # series fed
    alerts: list[SpikeAlert]
    skipped: bool = False  # another run held the cursor


def detector_config() -> DetectorConfig:
    return replace(
        DetectorConfig(), interval_seconds=settings.SPIKE_INTERVAL_SECONDS, min_count=settings.SPIKE_MIN_MESSAGES
    )


def closed_until(now: datetime) -> datetime:
    """The end of the last interval that is closed and settled (messages of an interval keep
    arriving a little after it ends: polls, and the sentiment scored right after intake)."""
    seconds = settings.SPIKE_INTERVAL_SECONDS
    settled = int((now - timedelta(seconds=settings.SPIKE_SETTLE_SECONDS)).timestamp())
    return datetime.fromtimestamp(settled - settled % seconds, tz=UTC)


def _cursor() -> SpikeCursor:
    try:
        with transaction.atomic():
            return SpikeCursor.objects.get_or_create(key=CURSOR_KEY)[0]
    except IntegrityError:  # made by a run at the same moment
        return SpikeCursor.objects.get(key=CURSOR_KEY)


def spikes_detect(*, now: datetime | None = None) -> DetectionRun:
    """Judge every interval closed since the last run (on the first run, the last
    SPIKE_BACKFILL_DAYS, to learn the desk's usual traffic at once)."""
    now = now or timezone.now()
    end = closed_until(now)
    _cursor()
    try:
        with transaction.atomic():
            cursor = SpikeCursor.objects.select_for_update(skip_locked=True).filter(key=CURSOR_KEY).first()
            if cursor is None:
                return DetectionRun(intervals=0, series=0, alerts=[], skipped=True)
            earliest = end - timedelta(days=settings.SPIKE_BACKFILL_DAYS)
            start = max(cursor.processed_until or earliest, earliest)
            if start >= end:
                return DetectionRun(intervals=0, series=0, alerts=[])
            run = _judge(start=start, end=end, now=now)
            moved = SpikeCursor.objects.filter(pk=cursor.pk, processed_until=cursor.processed_until).update(
                processed_until=end, updated_at=now
            )
            if not moved:
                raise _LostRace
            return run
    except _LostRace:
        return DetectionRun(intervals=0, series=0, alerts=[], skipped=True)


def _judge(*, start: datetime, end: datetime, now: datetime) -> DetectionRun:
    config = detector_config()
    seconds = config.interval_seconds
    intervals = int((end - start).total_seconds() // seconds)
    counts: dict[int, dict[int | None, selectors.IntervalCount]] = defaultdict(dict)
    for row in selectors.inbound_counts(start=start, end=end, seconds=seconds):
        counts[row.interval][row.service_id] = row

    stored = {(series.service_id, series.metric): series for series in SpikeSeries.objects.all()}
    detectors: dict[tuple[int | None, str], SpikeDetector] = {}
    for key, series in stored.items():
        kind = VOLUME if series.metric == Metric.VOLUME else NEGATIVE_SHARE
        detectors[key] = SpikeDetector(kind=kind, config=config, state=series.state)

    for metric, kind in ((Metric.VOLUME, VOLUME), (Metric.NEGATIVE_SHARE, NEGATIVE_SHARE)):
        detectors.setdefault((None, metric), SpikeDetector(kind=kind, config=config))

    # Alerts for intervals older than this are learnt from, not raised: a first run's backfill,
    # or a worker back after an outage, must not ring for last week's spikes.
    fresh_after = now - timedelta(seconds=settings.SPIKE_STALE_SECONDS)
    raised = []
    for index in range(intervals):
        at = start + timedelta(seconds=index * seconds)
        rows = counts.get(index, {})
        for service_id in rows:
            if service_id is not None:
                for metric, kind in ((Metric.VOLUME, VOLUME), (Metric.NEGATIVE_SHARE, NEGATIVE_SHARE)):
                    detectors.setdefault((service_id, metric), SpikeDetector(kind=kind, config=config))
        overall = _total(rows.values())
        local = timezone.localtime(at)
        for (service_id, metric), detector in detectors.items():
            if detector.last_timestamp is not None and detector.last_timestamp >= at.timestamp():
                continue  # seen already (a cursor moved back by hand): judged once, not twice
            row = overall if service_id is None else rows.get(service_id)
            if metric == Metric.VOLUME:
                alert = detector.update(local, row.messages if row else 0)
            else:
                alert = detector.update(local, row.negatives if row else 0, exposure=row.scored if row else 0)
            if alert is not None and at + timedelta(seconds=seconds) > fresh_after:
                raised.append((service_id, metric, alert))

    _store_states(stored, detectors, now=now)
    alerts = []
    services_by_id = Service.objects.in_bulk({service_id for service_id, _, _ in raised if service_id})
    for service_id, metric, alert in raised:
        window_end = alert.timestamp + timedelta(seconds=seconds)
        alerts.append(
            services.alert_raise(
                service=services_by_id.get(service_id) if service_id else None,
                metric=metric,
                window_start=window_end - timedelta(seconds=alert.scale * seconds),
                window_end=window_end,
                score=alert.score,
                observed=alert.observed,
                expected=alert.expected,
                scored=int(alert.exposure) if alert.exposure is not None else None,
                raised_at=now,
            )
        )
    return DetectionRun(intervals=intervals, series=len(detectors), alerts=alerts)


def _total(rows) -> selectors.IntervalCount | None:
    rows = list(rows)
    if not rows:
        return None
    return selectors.IntervalCount(
        interval=rows[0].interval,
        service_id=None,
        messages=sum(row.messages for row in rows),
        scored=sum(row.scored for row in rows),
        negatives=sum(row.negatives for row in rows),
    )


def _store_states(stored: dict, detectors: dict, *, now: datetime) -> None:
    changed, new = [], []
    for (service_id, metric), detector in detectors.items():
        series = stored.get((service_id, metric))
        if series is None:
            new.append(
                SpikeSeries(
                    scope=Scope.SERVICE if service_id else Scope.OVERALL,
                    service_id=service_id,
                    metric=metric,
                    state=detector.state(),
                    updated_at=now,
                )
            )
        else:
            series.state, series.updated_at = detector.state(), now
            changed.append(series)
    if changed:
        SpikeSeries.objects.bulk_update(changed, ["state", "updated_at"], batch_size=200)
    if new:
        SpikeSeries.objects.bulk_create(new)
