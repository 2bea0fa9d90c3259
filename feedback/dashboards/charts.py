"""Charts of the dashboards as data: drawn by Chart.js (static/js/dashboards.js), printed as a
table under each chart, exported as CSV. Every value carries the link to what it counts."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from ..rollups.buckets import GRAIN_DAY, GRAIN_MONTH
from .figures import Series
from .links import period_links


@lru_cache(maxsize=4096)
def period_label(start: date, grain: str) -> str:
    if grain == GRAIN_DAY:
        return f"{start:%a} {start.day} {start:%b}"
    if grain == GRAIN_MONTH:
        return f"{start:%b %Y}"
    return f"Week of {start.day} {start:%b %Y}"


@dataclass(frozen=True)
class Measure:
    key: str  # the figure, also the link's kind
    label: str
    read: Callable  # figures object → number or None
    unit: str = ""  # "%", "min", "h", or "" for counts
    digits: int = 0


def shown(value, measure: Measure) -> str:
    if value is None:
        return "–"
    if measure.unit == "%":
        return f"{value * 100:.1f} %"
    if measure.unit:
        return f"{value:,.{measure.digits}f} {measure.unit}"
    return f"{value:,.{measure.digits}f}"


def plotted(value, measure: Measure):
    if value is None:
        return None
    return round(value * 100, 2) if measure.unit == "%" else round(value, 3)


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # "bar" or "line"
    unit: str
    labels: list[str]
    datasets: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # the table: period, then one cell per dataset
    headers: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"key": self.key, "kind": self.kind, "unit": self.unit, "labels": self.labels, "datasets": self.datasets}


def chart(
    *, key: str, title: str, kind: str, series: Series, measures: list[Measure], links: str, unit: str = ""
) -> Chart:
    """A chart of `measures` over the window's periods, each with its previous period beside
    (a dashed line of the same colour, point for point)."""
    window = series.window
    labels = [period_label(start, window.grain) for start in window.starts]
    result = Chart(key=key, title=title, kind=kind, unit=unit or measures[0].unit, labels=labels)
    link_rows = [period_links(window, start, kind=links, figures=[m.key for m in measures]) for start in window.starts]
    previous_link_rows = [
        period_links(window, start, kind=links, figures=[m.key for m in measures]) for start in window.previous_starts
    ]
    for index, measure in enumerate(measures):
        for previous in (False, True):
            figures = series.previous if previous else series.current
            starts = window.previous_starts if previous else window.starts
            rows = previous_link_rows if previous else link_rows
            result.datasets.append(
                {
                    "label": f"{measure.label}, previous period" if previous else measure.label,
                    "data": [plotted(measure.read(f), measure) for f in figures],
                    "links": [row[measure.key] for row in rows],
                    "periods": [period_label(start, window.grain) for start in starts],
                    "colour": index,
                    "previous": previous,
                }
            )
        result.headers += [measure.label, f"{measure.label} (previous period)"]
    for i, label in enumerate(labels):
        cells = []
        for measure in measures:
            cells.append({"text": shown(measure.read(series.current[i]), measure), "link": link_rows[i][measure.key]})
            cells.append(
                {
                    "text": shown(measure.read(series.previous[i]), measure),
                    "link": previous_link_rows[i][measure.key],
                    "title": period_label(window.previous_starts[i], window.grain),
                }
            )
        result.rows.append({"period": label, "cells": cells})
    return result
