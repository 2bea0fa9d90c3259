"""Synthetic traffic for the detector's tests: Poisson counts per 5 minutes around a desk's day
(quiet nights, a busy early afternoon) and week (weekends at 40 %, eased in on Friday evening and
out on Monday morning), with whatever the test does to it on top."""

import math
from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np

START = datetime(2026, 1, 5)  # a Monday
PER_DAY = 288  # points of 5 minutes


def usual_rate(at: datetime, peak: float = 30.0) -> float:
    hour = at.hour + at.minute / 60
    daily = 0.15 + math.exp(-(((hour - 13) / 3.5) ** 2))
    day = at.weekday() + hour / 24
    saturday_to_monday = 1 / (1 + math.exp(-(day - 5.3) * 6)) / (1 + math.exp((day - 7.1) * 6))
    weekend = saturday_to_monday + 1 / (1 + math.exp((day + 0.9) * 6))  # Sunday night into Monday
    return peak * daily * (1 - 0.6 * weekend)


def at_point(index: int) -> datetime:
    return START + timedelta(minutes=5 * index)


def series(
    days: int, *, seed: int, shape: Callable[[int, float], float] = lambda index, rate: rate, peak: float = 30.0
) -> list[tuple[datetime, float]]:
    """`days` of counts; `shape(index, usual rate)` gives the rate actually drawn from."""
    rng = np.random.default_rng(seed)
    return [
        (at_point(index), float(rng.poisson(shape(index, usual_rate(at_point(index), peak)))))
        for index in range(days * PER_DAY)
    ]
