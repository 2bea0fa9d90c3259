"""Reading a `timestamp,value` series and judging alerts against labelled windows (plain Python).

Used by `manage.py spike_backtest`, by `bench/bench_spikes.py` and by the tests; no Django.
"""

from __future__ import annotations

import csv
import json
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .detector import Alert


class SeriesError(ValueError):
    """The file cannot be read as a series at all (no header, no points)."""


@dataclass(frozen=True)
class Series:
    points: list[tuple[datetime, float]]
    # Lines that were skipped, with why: one bad row never loses the good ones around it.
    skipped: list[str]

    @property
    def interval_seconds(self) -> int:
        """The usual spacing of the points (the median gap), in seconds."""
        gaps = [
            (later[0] - earlier[0]).total_seconds()
            for earlier, later in zip(self.points[:1000], self.points[1:1001], strict=False)
        ]
        if not gaps:
            raise SeriesError("a series needs at least two points to tell its interval")
        return max(1, round(statistics.median(gaps)))


def read_series(lines: Iterable[str], *, name: str = "the file") -> Series:
    """Parse CSV lines with a `timestamp,value` header (NAB's format). Timestamps are ISO 8601
    (`2015-02-26 21:42:53`, with or without an offset); they must increase."""
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise SeriesError(f"{name} is empty")
    columns = [column.strip().lower() for column in header]
    if "timestamp" not in columns or "value" not in columns:
        raise SeriesError(f"{name} must start with a header naming the columns timestamp and value; it has {header}")
    at_column, value_column = columns.index("timestamp"), columns.index("value")
    points: list[tuple[datetime, float]] = []
    skipped: list[str] = []
    for row in reader:
        line = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        try:
            at = datetime.fromisoformat(row[at_column].strip())
            value = float(row[value_column])
        except (IndexError, ValueError) as error:
            skipped.append(f"line {line}: {error}")
            continue
        if value < 0 or value != value:
            skipped.append(f"line {line}: a count cannot be {row[value_column].strip()}")
            continue
        if points and (at.tzinfo is None) != (points[-1][0].tzinfo is None):
            skipped.append(f"line {line}: mixes timestamps with and without a UTC offset")
            continue
        if points and at <= points[-1][0]:
            skipped.append(f"line {line}: {row[at_column].strip()} is not after the previous timestamp")
            continue
        points.append((at, value))
    if not points:
        raise SeriesError(f"{name} has no valid points" + (f" ({skipped[0]})" if skipped else ""))
    return Series(points=points, skipped=skipped)


def read_series_file(path: str | Path) -> Series:
    with open(path, newline="", encoding="utf-8") as handle:
        return read_series(handle, name=str(path))


def alert_json(alert: Alert, *, details: bool = False) -> str:
    record: dict = {"timestamp": alert.timestamp.isoformat(sep=" "), "score": alert.score}
    if details:
        record.update(
            scale=alert.scale, observed=alert.observed, expected=round(alert.expected, 2), rarity=alert.rarity
        )
    return json.dumps(record)


# --- judging alerts against labelled windows (NAB) ---------------------------------------------


@dataclass(frozen=True)
class WindowScore:
    windows: int
    found: int
    false_alerts: int
    days: float
    # Per window found: minutes from the labelled anomaly (the window's centre, as NAB labels
    # it) to the first alert inside the window; negative when the alert came first.
    delays_minutes: list[float]

    @property
    def false_per_30_days(self) -> float:
        return self.false_alerts / self.days * 30 if self.days else 0.0


def score_against_windows(
    alerts: list[Alert], windows: list[tuple[datetime, datetime]], *, start: datetime, end: datetime
) -> WindowScore:
    """A window is found if any alert falls inside it; an alert outside every window is false."""
    inside = [any(a <= alert.timestamp <= b for a, b in windows) for alert in alerts]
    delays = []
    found = 0
    for a, b in windows:
        hits = [alert.timestamp for alert in alerts if a <= alert.timestamp <= b]
        if hits:
            found += 1
            delays.append((hits[0] - (a + (b - a) / 2)).total_seconds() / 60)
    return WindowScore(
        windows=len(windows),
        found=found,
        false_alerts=sum(1 for hit in inside if not hit),
        days=(end - start).total_seconds() / 86400,
        delays_minutes=delays,
    )


def read_nab_windows(path: str | Path) -> dict[str, list[tuple[datetime, datetime]]]:
    """NAB's `combined_windows.json`, keyed by the series' file name (`Twitter_volume_AAPL.csv`)."""
    with open(path, encoding="utf-8") as handle:
        raw = json.load(handle)
    return {
        Path(key).name: [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in pairs]
        for key, pairs in raw.items()
    }
