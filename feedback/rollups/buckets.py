"""Time buckets and duration bins of the rollups.

Days, weeks (starting Monday, ISO) and months are the desk's, in `settings.TIME_ZONE`: an
incident opened at 23:30 in Paris counts on that Paris day, whatever UTC says. Durations
(first response, resolution) are counted in bins, so medians and 90th percentiles can be
read from summed counters instead of from every incident.
"""

from bisect import bisect_right
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

GRAIN_DAY = "day"
GRAIN_WEEK = "week"
GRAIN_MONTH = "month"
GRAINS = (GRAIN_DAY, GRAIN_WEEK, GRAIN_MONTH)

# Upper bounds of the duration bins, in minutes (bin k holds durations in
# [BOUNDS[k-1], BOUNDS[k]); the last bin everything from 30 days on). Roughly geometric: a
# percentile read from them is within one bin of the exact one, a few minutes for fast
# answers, hours for resolutions that take days.
DURATION_BOUNDS_MINUTES = (
    1, 2, 3, 5, 7, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 960, 1440,
    2160, 2880, 4320, 5760, 7200, 10080, 14400, 20160, 43200,
)  # fmt: skip
DURATION_BINS = len(DURATION_BOUNDS_MINUTES) + 1


def desk_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day(moment: datetime | None) -> date | None:
    """The desk's calendar day of an aware datetime."""
    if moment is None:
        return None
    return moment.astimezone(desk_zone()).date()


def day_start(day: date) -> datetime:
    """The aware instant the desk's `day` starts (midnight local time)."""
    return datetime.combine(day, time.min, tzinfo=desk_zone())


def period_start(day: date, grain: str) -> date:
    """The first day of the week (Monday) or month holding `day`; `day` itself for days."""
    if grain == GRAIN_WEEK:
        return day - timedelta(days=day.weekday())
    if grain == GRAIN_MONTH:
        return day.replace(day=1)
    return day


def next_period(start: date, grain: str) -> date:
    """The first day of the period after the one starting on `start`."""
    if grain == GRAIN_WEEK:
        return start + timedelta(days=7)
    if grain == GRAIN_MONTH:
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


def previous_period(start: date, grain: str) -> date:
    if grain == GRAIN_WEEK:
        return start - timedelta(days=7)
    if grain == GRAIN_MONTH:
        return (start - timedelta(days=1)).replace(day=1)
    return start - timedelta(days=1)


def periods(first: date, last: date, grain: str) -> list[date]:
    """The starts of every period from the one holding `first` to the one holding `last`."""
    starts = []
    current = period_start(first, grain)
    while current <= last:
        starts.append(current)
        current = next_period(current, grain)
    return starts


def duration_bin(seconds: float) -> int:
    """The bin of a duration; negative ones (clock skew in imported data) count as zero."""
    return bisect_right(DURATION_BOUNDS_MINUTES, max(seconds, 0) / 60)


def bin_range_minutes(k: int) -> tuple[float, float]:
    """The [low, high) minutes of bin k (the last bin's high is twice its low: a bound for
    interpolation, not a claim)."""
    low = DURATION_BOUNDS_MINUTES[k - 1] if k > 0 else 0
    high = DURATION_BOUNDS_MINUTES[k] if k < len(DURATION_BOUNDS_MINUTES) else 2 * DURATION_BOUNDS_MINUTES[-1]
    return float(low), float(high)


def percentile_minutes(counts: list[int], fraction: float) -> float | None:
    """The `fraction` percentile (0.5 = median) of the durations counted in `counts` (one
    count per bin), interpolated linearly inside the bin it falls in; None without data."""
    total = sum(counts)
    if not total:
        return None
    rank = fraction * total
    seen = 0
    for k, count in enumerate(counts):
        if count and seen + count >= rank:
            low, high = bin_range_minutes(k)
            return low + (high - low) * (rank - seen) / count
        seen += count
    low, high = bin_range_minutes(len(counts) - 1)
    return high
