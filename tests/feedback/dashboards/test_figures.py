"""A breakdown's rows (one query, grouped by value and by window or previous window) against
the series' totals over the same rollups."""

from dataclasses import asdict
from datetime import date

import pytest

from feedback.dashboards.figures import (
    PAGE_BREAKDOWN_COUNTERS,
    Window,
    sentiment_breakdown,
    sentiment_series,
    service_breakdown,
    service_series,
)
from feedback.rollups.refresh import rollups_rebuild

pytestmark = pytest.mark.django_db


@pytest.fixture
def rolled_up(desk):
    rollups_rebuild()
    return desk


def two_fortnights(**filters) -> Window:
    """16–29 November, beside 2–15 November: the desk's incidents fall in both."""
    return Window.ending(day=date(2026, 11, 29), grain="week", periods=2, filters=filters)


def without_backlog(figures) -> dict:
    return asdict(figures) | {"backlog": None}


def test_the_only_rows_breakdown_is_the_total_now_and_before(rolled_up):
    window = two_fortnights(service=rolled_up["vpn"].pk)
    series = service_series(window)
    [row] = service_breakdown(window, by="service")
    assert row.value == rolled_up["vpn"].pk
    assert without_backlog(row.current) == without_backlog(series.total)
    assert without_backlog(row.previous) == without_backlog(series.previous_total)
    assert series.total.opened and series.previous_total.opened and series.previous_total.resolution_bins.count(0) < 30
    assert row.current.resolution_median == series.total.resolution_median is not None


def test_each_value_counts_its_own_and_together_the_total(rolled_up):
    window = two_fortnights()
    series = service_series(window)
    rows = service_breakdown(window, by="agent")
    assert [row.current.opened for row in rows] == sorted((row.current.opened for row in rows), reverse=True)
    assert sum(row.current.opened for row in rows) == series.total.opened
    assert sum(row.previous.opened for row in rows) == series.previous_total.opened
    assert sum(row.previous.resolved for row in rows) == series.previous_total.resolved
    messages = sentiment_breakdown(window, by="channel")
    assert {row.value for row in messages} == {"facebook", "twitter"}
    assert sum(row.current.messages + row.previous.messages for row in messages) == 6
    total = sentiment_series(window)
    assert sum(row.previous.sentiment_sum for row in messages) == pytest.approx(total.previous_total.sentiment_sum)


def test_the_pages_breakdown_sums_only_what_it_shows(rolled_up):
    window = two_fortnights()
    full = {row.value: row for row in service_breakdown(window, by="service")}
    narrow = service_breakdown(window, by="service", counters=PAGE_BREAKDOWN_COUNTERS)
    assert [row.value for row in narrow] == list(full)
    for row in narrow:
        for half in ("current", "previous"):
            mine, every = getattr(row, half), getattr(full[row.value], half)
            for shown in ("opened", "resolved", "response_met", "resolution_met", "response_median", "response_p90"):
                assert getattr(mine, shown) == getattr(every, shown), (row.value, half, shown)
            assert mine.resolution_bins == [0] * len(every.resolution_bins)  # not summed
