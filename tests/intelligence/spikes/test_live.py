"""The live detector: counts read in one grouped query, states carried from run to run, alerts
raised once, and two workers never judging the same interval twice."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from intelligence.signals import alert_raised
from intelligence.spikes import live
from intelligence.spikes.live import spikes_detect
from intelligence.spikes.models import AlertState, Metric, Scope, SpikeAlert, SpikeCursor, SpikeSeries
from intelligence.spikes.selectors import inbound_counts
from intelligence.spikes.tasks import detect_spikes
from tests.factories import IncidentFactory, ServiceFactory
from tests.queries import assert_queries

from .traffic import INTERVAL, NOW, SPIKE_START, add_messages, steady_history


@pytest.fixture(autouse=True)
def _spike_settings(settings):
    settings.SPIKE_INTERVAL_SECONDS = 300
    settings.SPIKE_SETTLE_SECONDS = 60
    settings.SPIKE_BACKFILL_DAYS = 2
    settings.SPIKE_STALE_SECONDS = 3600
    settings.SPIKE_MIN_MESSAGES = 5
    settings.SPIKE_ALERT_EMAIL = False


@pytest.fixture
def vpn(db):
    return ServiceFactory(name="VPN")


@pytest.fixture
def vpn_incident(vpn):
    return IncidentFactory(title="VPN drops", service=vpn)


@pytest.fixture
def history(vpn_incident):
    """A day and a half of quiet: five messages every five minutes, two about the VPN, a
    third of them negative."""
    steady_history(until=SPIKE_START, days=1.5)
    steady_history(until=SPIKE_START, days=1.5, incident=vpn_incident, per_interval=2)


def test_the_counts_are_one_grouped_query_per_interval_and_service(vpn_incident):
    add_messages(at=SPIKE_START, count=4, negative=1)
    add_messages(at=SPIKE_START, count=3, incident=vpn_incident, negative=2, scored=2)
    add_messages(at=SPIKE_START - INTERVAL, count=2)
    add_messages(at=SPIKE_START + INTERVAL, count=5)  # not closed yet: outside the range
    with assert_queries(1):
        rows = inbound_counts(start=SPIKE_START - INTERVAL, end=SPIKE_START + INTERVAL, seconds=300)
    assert {(row.interval, row.service_id, row.messages, row.scored, row.negatives) for row in rows} == {
        (0, None, 2, 2, 0),
        (1, None, 4, 4, 1),
        (1, vpn_incident.service_id, 3, 2, 2),
    }


def test_a_spike_about_a_service_raises_its_alerts_once(history, vpn, vpn_incident):
    add_messages(at=SPIKE_START, count=3, negative=1)
    add_messages(at=SPIKE_START, count=40, incident=vpn_incident, negative=36)
    announced = []

    def receiver(sender, alert, **kwargs):
        announced.append(alert.pk)

    alert_raised.connect(receiver)
    try:
        run = spikes_detect(now=NOW)
    finally:
        alert_raised.disconnect(receiver)

    found = {(alert.scope, alert.service_id, alert.metric) for alert in run.alerts}
    assert found == {
        (Scope.OVERALL, None, Metric.VOLUME),
        (Scope.SERVICE, vpn.pk, Metric.VOLUME),
        (Scope.OVERALL, None, Metric.NEGATIVE_SHARE),
        (Scope.SERVICE, vpn.pk, Metric.NEGATIVE_SHARE),
    }
    vpn_volume = SpikeAlert.objects.get(service=vpn, metric=Metric.VOLUME)
    assert vpn_volume.state == AlertState.RAISED
    assert (vpn_volume.window_start, vpn_volume.window_end) == (SPIKE_START, SPIKE_START + INTERVAL)
    assert vpn_volume.observed == 40 and vpn_volume.expected < 3
    vpn_share = SpikeAlert.objects.get(service=vpn, metric=Metric.NEGATIVE_SHARE)
    assert vpn_share.scored == 40 and vpn_share.observed == 36 and vpn_share.expected_share < 0.5
    # Announced once committed (the test's transaction: captured on commit).
    assert sorted(announced) == [] or sorted(announced) == sorted(alert.pk for alert in run.alerts)

    # The same run again (a retried task, a second beat) judges nothing and raises nothing.
    again = spikes_detect(now=NOW + timedelta(seconds=30))
    assert (again.intervals, again.alerts) == (0, [])
    assert SpikeAlert.objects.count() == 4


def test_the_history_is_learnt_without_ringing_for_old_spikes(vpn_incident):
    # A spike yesterday, then quiet: the first run learns from it (backfill) but raises nothing.
    steady_history(until=SPIKE_START, days=1.5)
    add_messages(at=SPIKE_START - timedelta(hours=3), count=80)
    run = spikes_detect(now=NOW)
    assert run.intervals == 2 * 288  # SPIKE_BACKFILL_DAYS of intervals
    assert run.alerts == []
    assert SpikeCursor.objects.get().processed_until == SPIKE_START + INTERVAL


def test_each_run_reads_only_what_closed_since_the_last_and_carries_the_states(history, vpn_incident):
    first = spikes_detect(now=NOW - INTERVAL)
    states = {(series.service_id, series.metric): series.state for series in SpikeSeries.objects.all()}
    assert len(states) == 4  # overall and VPN, volume and negative share

    add_messages(at=SPIKE_START, count=3, negative=1)
    add_messages(at=SPIKE_START, count=1, incident=vpn_incident, negative=0)
    # One interval: the cursor (in a savepoint), the lock, the counts, the series, their states,
    # the cursor moved (the run's savepoint around them): 10, whatever the history.
    with assert_queries(10):
        second = spikes_detect(now=NOW)
    assert (first.intervals, second.intervals, second.alerts) == (2 * 288, 1, [])
    after = {(series.service_id, series.metric): series.state for series in SpikeSeries.objects.all()}
    assert all(after[key]["last"] == SPIKE_START.timestamp() for key in after)
    assert all(after[key]["last"] - states[key]["last"] == 300 for key in after)


def test_query_count_does_not_grow_with_intervals_or_services(db):
    services = [ServiceFactory(name=f"Service {n}") for n in range(5)]
    for n, service in enumerate(services):
        add_messages(at=SPIKE_START - INTERVAL * n, count=2, incident=IncidentFactory(service=service))
    # The cursor made (savepoints around its insert), the series' first states in one insert.
    with assert_queries(13):
        spikes_detect(now=NOW)
    assert SpikeSeries.objects.count() == 2 + 2 * 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # committed: the threads see it
def test_a_run_that_finds_the_cursor_locked_skips(history):
    """Two workers at once: the second sees the cursor locked by the first and does nothing;
    the intervals are judged exactly once."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers (see the next test)")
    entered, release = threading.Event(), threading.Event()
    real_judge = live._judge
    results = {}

    def slow_judge(**kwargs):
        entered.set()
        release.wait(10)
        return real_judge(**kwargs)

    def worker(name):
        try:
            results[name] = spikes_detect(now=NOW)
        finally:
            connections.close_all()

    live._judge = slow_judge
    try:
        first = threading.Thread(target=worker, args=("first",))
        first.start()
        assert entered.wait(10)
        worker("second")  # meanwhile, on a connection of its own
    finally:
        release.set()
        first.join(10)
        live._judge = real_judge
    assert results["second"].skipped
    assert not results["first"].skipped and results["first"].intervals == 2 * 288


def test_a_run_overtaken_by_another_leaves_nothing_behind(history, monkeypatch):
    """Where no row lock holds (SQLite), the cursor moves only from where this run read it:
    if another run moved it meanwhile, this one's states and alerts are rolled back."""
    add_messages(at=SPIKE_START, count=60)
    real_judge = live._judge

    def overtaken(**kwargs):
        result = real_judge(**kwargs)
        SpikeCursor.objects.update(processed_until=NOW)  # another worker's commit
        return result

    monkeypatch.setattr(live, "_judge", overtaken)
    SpikeCursor.objects.create(key="live", processed_until=None)
    run = spikes_detect(now=NOW)
    assert run.skipped
    assert SpikeAlert.objects.count() == 0 and SpikeSeries.objects.count() == 0


def test_the_periodic_task_runs_the_detector(history, vpn_incident, time_machine):
    time_machine.move_to(NOW, tick=False)
    add_messages(at=SPIKE_START, count=50, incident=vpn_incident)
    assert detect_spikes.apply().get() >= 1
    assert detect_spikes.apply().get() == 0


def test_the_beat_schedule_runs_it_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["detect-spikes"]
    assert entry == {"task": "intelligence.spikes.tasks.detect_spikes", "schedule": 60.0}


def test_a_cursor_moved_back_by_hand_judges_nothing_twice(history, vpn_incident):
    add_messages(at=SPIKE_START, count=40, incident=vpn_incident)
    first = spikes_detect(now=NOW)
    assert first.alerts
    states = {series.pk: series.state for series in SpikeSeries.objects.all()}
    SpikeCursor.objects.update(processed_until=SPIKE_START - timedelta(hours=1))
    again = spikes_detect(now=NOW)
    assert again.intervals == 13 and again.alerts == []
    assert {series.pk: series.state for series in SpikeSeries.objects.all()} == states
