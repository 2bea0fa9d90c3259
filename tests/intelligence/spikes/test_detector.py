"""The detector on synthetic traffic: what a desk's normal looks like must not alert, a spike must,
within two intervals, once per episode; and its state round-trips through JSON mid-series."""

import json
from dataclasses import replace

import pytest

from intelligence.spikes.detector import NEGATIVE_SHARE, DetectorConfig, SpikeDetector, run

from .synthetic import PER_DAY, at_point, series

SEEDS = range(8)
# Thursday of the third week, noon: the desk has seen two weeks and a half.
NOON = 17 * PER_DAY + 144


def alerts_of(points, **options):
    return run(points, **options)


def test_it_does_not_alert_on_the_days_and_weeks_of_usual_traffic():
    # Eight desks' four weeks (nights, afternoons, weekends), about 7.5 months in all: 3 a month
    # would meet the budget; on traffic with nothing in it the detector must do far
    # better: at most one alert in two months (the few there are come at the third Monday
    # morning, before the weekly shape is fully trusted).
    total = sum(len(alerts_of(series(28, seed=seed))) for seed in SEEDS)
    assert total <= 3, f"{total} alerts over {len(SEEDS)} series of 28 ordinary days"


def test_it_takes_gradual_growth_for_the_new_normal():
    # Traffic triples over four weeks: busier, but never a spike.
    def growing(index, rate):
        return rate * (1 + 2 * index / (28 * PER_DAY))

    total = sum(len(alerts_of(series(28, seed=seed, shape=growing))) for seed in SEEDS)
    assert total <= 3, f"{total} alerts over {len(SEEDS)} growing series"


@pytest.mark.parametrize("seed", SEEDS)
def test_it_alerts_on_a_step_within_two_intervals_and_once(seed):
    def step(index, rate):
        return rate * (6 if index >= NOON else 1)

    alerts = [alert for alert in alerts_of(series(21, seed=seed, shape=step)) if alert.timestamp >= at_point(NOON)]
    assert len(alerts) == 1, alerts  # the traffic stays up: the baseline takes it, no second alert
    delay = alerts[0].timestamp - at_point(NOON)
    assert delay.total_seconds() <= 300  # the step's interval or the next: within two intervals
    assert alerts[0].observed > 3 * alerts[0].expected
    assert alerts[0].score >= DetectorConfig().min_score


@pytest.mark.parametrize("seed", SEEDS)
def test_a_one_point_blip_is_judged_at_once_and_leaves_the_baseline_as_it_was(seed):
    usual = series(21, seed=seed)
    blip = [(at, value * 10 if index == NOON else value) for index, (at, value) in enumerate(usual)]
    small = [(at, value * 1.5 if index == NOON else value) for index, (at, value) in enumerate(usual)]
    before = {alert.timestamp for alert in alerts_of(usual)}

    after_blip = [alert for alert in alerts_of(blip) if alert.timestamp not in before]
    assert [(alert.timestamp, alert.scale) for alert in after_blip] == [(at_point(NOON), 1)]
    # Half as much again in one interval is noise, not a spike.
    assert {alert.timestamp for alert in alerts_of(small)} == before


@pytest.mark.parametrize("seed", SEEDS)
def test_one_alert_per_episode_then_ready_for_the_next(seed):
    def bursts(*starts):
        def shape(index, rate):
            return rate * (8 if any(start <= index < start + 3 for start in starts) else 1)

        return shape

    within_cooldown = alerts_of(series(21, seed=seed, shape=bursts(NOON, NOON + 12)))
    two_days_apart = alerts_of(series(21, seed=seed, shape=bursts(NOON, NOON + 2 * PER_DAY)))
    usual = {alert.timestamp for alert in alerts_of(series(21, seed=seed))}

    assert [alert.timestamp for alert in within_cooldown if alert.timestamp not in usual] == [at_point(NOON)]
    assert [alert.timestamp for alert in two_days_apart if alert.timestamp not in usual] == [
        at_point(NOON),
        at_point(NOON + 2 * PER_DAY),
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_a_new_desk_alerts_on_its_second_day_but_not_on_its_first(seed):
    def day_two_outage(index, rate):
        return 8 * (10 if 300 <= index < 320 else 1)

    def day_one_outage(index, rate):
        return 8 * (10 if 100 <= index < 120 else 1)

    assert [alert.timestamp for alert in alerts_of(series(3, seed=seed, shape=day_two_outage))] == [at_point(300)]
    assert alerts_of(series(3, seed=seed, shape=day_one_outage)) == []  # still learning (warm-up)


def test_a_quiet_service_alerts_on_a_dozen_messages_at_once_not_on_a_few():
    def burst(size):
        return lambda index, rate: float(size) if index == NOON else 0.0

    assert run(series(21, seed=1, shape=burst(4))) == []
    assert [alert.timestamp for alert in run(series(21, seed=1, shape=burst(12)))] == [at_point(NOON)]
    # Fewer messages than `min_count` never alert, however surprising.
    assert run(series(21, seed=1, shape=burst(12)), config=replace(DetectorConfig(), min_count=20)) == []


def test_its_state_is_json_and_carries_on_exactly_where_it_stopped():
    def step(index, rate):
        return rate * (6 if index >= NOON else 1)

    points = series(21, seed=3, shape=step)
    whole = SpikeDetector()
    straight = [alert for at, value in points if (alert := whole.update(at, value))]

    resumed_alerts = []
    state = None
    for chunk_start in range(0, len(points), 1000):  # a live task's runs, the state stored between
        detector = SpikeDetector(state=json.loads(json.dumps(state)) if state else None)
        for at, value in points[chunk_start : chunk_start + 1000]:
            if alert := detector.update(at, value):
                resumed_alerts.append(alert)
        state = detector.state()
    assert resumed_alerts == straight
    assert state == whole.state()


def test_it_refuses_points_out_of_order_and_negative_counts():
    detector = SpikeDetector()
    detector.update(at_point(10), 3)
    with pytest.raises(ValueError, match="time order"):
        detector.update(at_point(10), 3)
    with pytest.raises(ValueError, match="count"):
        detector.update(at_point(11), -1)
    with pytest.raises(ValueError, match="kind"):
        SpikeDetector(kind="sentiment")


def test_a_state_of_another_version_starts_afresh():
    detector = SpikeDetector()
    for at, value in series(2, seed=1):
        detector.update(at, value)
    state = detector.state() | {"version": 0}
    assert SpikeDetector(state=state).last_timestamp is None


# --- the negative share ---------------------------------------------------------------------


def share_points(days: int, *, seed: int, share_at=lambda index: 0.2, volume_at=lambda index: 1):
    """(time, negatives, scored) per 5 minutes: the usual traffic (times `volume_at`), a fifth
    of it negative (or `share_at`)."""
    import numpy as np

    rng = np.random.default_rng(seed + 100)
    points = []
    for index, (at, messages) in enumerate(series(days, seed=seed, shape=lambda i, rate: rate * volume_at(i))):
        negatives = float(rng.binomial(int(messages), share_at(index)))
        points.append((at, negatives, messages))
    return points


def share_alerts(points):
    detector = SpikeDetector(kind=NEGATIVE_SHARE)
    return [alert for at, negatives, messages in points if (alert := detector.update(at, negatives, exposure=messages))]


@pytest.mark.parametrize("seed", range(4))
def test_the_negative_share_alerts_when_complaints_jump_not_when_volume_does(seed):
    assert share_alerts(share_points(21, seed=seed)) == []

    angry = share_points(21, seed=seed, share_at=lambda index: 0.8 if NOON <= index < NOON + 6 else 0.2)
    [alert] = share_alerts(angry)
    assert at_point(NOON) <= alert.timestamp <= at_point(NOON + 1)
    assert alert.observed_share > 0.5 > 0.3 > alert.expected_share

    # Three times the messages with the usual share: more negatives, but no more negative a mood.
    busy = share_points(21, seed=seed, volume_at=lambda index: 3 if NOON <= index < NOON + 6 else 1)
    assert share_alerts(busy) == []


def test_the_negative_share_needs_the_number_of_scored_messages():
    with pytest.raises(ValueError, match="scored"):
        SpikeDetector(kind=NEGATIVE_SHARE).update(at_point(0), 3)
