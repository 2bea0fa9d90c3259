"""The spike detector: plain Python, no Django, so the backtest and the live task run the same code.

One `SpikeDetector` watches one series of counts per interval (messages per 5 minutes, say) and
is fed one point at a time, in time order, with nothing from the future. For each point it says
whether to raise an alert. Its whole memory is `state()`, a small JSON-able dict, so the live
task stores it between runs and carries on where it stopped.

How it judges a point, in three steps:

1. **Expected count.** A log-linear baseline: a local level (an exponentially weighted mean of
   the log counts with the seasonality taken out, half-life `level_half_life_hours`), an
   hour-of-day profile and an hour-of-week correction on top. Each seasonal slot is shrunk
   towards zero while it has seen few points (`n / (n + k)`), so a desk with two days of history
   uses the daily shape it has seen and no weekly shape yet, and grows into both. Residuals are
   clipped before they update anything: a spike barely moves the baseline it is judged against.
   For the negative share the expected count is "scored messages × expected share", the share
   learnt the same way per hour of day and of week (a ratio of decayed sums, shrunk the same way).

2. **Surprise.** The observed count against the expected one, summed over a few scales (one
   interval, two intervals, one hour): two short scales so that a spike is seen within two
   intervals, one long one for a surge that no single interval shows. The difference is taken on
   the variance-stabilising scale of a negative binomial, `2/√φ · asinh(√(φ(x + 3/8)))`: Poisson
   for a few messages, log-normal for many (for the negative share, the binomial's arcsine root
   of negatives out of scored messages). The dispersion φ of each scale is calibrated online so
   that a typical point scores like a standard normal (median |z| = 0.6745).

3. **Is it rare for this series?** Real traffic is heavy-tailed, and how heavy differs from one
   series to the next: one burst a day is normal somewhere and unheard of elsewhere. So each
   scale keeps the peaks of its recent episodes above `tail_floor` (declustered: one per
   cooldown) and models their excesses as exponential (a peaks-over-threshold tail, as extreme
   value theory has it). That turns a score into "how many episodes at least this high per 30
   days", and an alert is raised when that is at most `alerts_per_30_days` (divided among the
   scales). A new series starts from a conservative prior that its own peaks soon outweigh.

Then: no alert in the first `warmup_hours`, none below `min_count` messages, and one alert per
episode: after an alert the series stays quiet for `cooldown_hours`.

The figures on real data (NAB's Twitter volume) and how the few tuned values were chosen are in
`docs/performance.md`; `bench/bench_spikes.py` reproduces them.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime

STATE_VERSION = 1

VOLUME = "volume"
NEGATIVE_SHARE = "negative_share"
KINDS = (VOLUME, NEGATIVE_SHARE)

# z of the median |z| of a standard normal: the calibration target of the dispersion.
MEDIAN_ABS_NORMAL = 0.6745


@dataclass(frozen=True)
class DetectorConfig:
    """Everything the detector's judgement depends on. The defaults are the tuned ones."""

    interval_seconds: int = 300
    # What "normal now" forgets: a level with this half-life absorbs gradual growth.
    level_half_life_hours: float = 6.0
    # Memory of the hour-of-day profile (days) and of the hour-of-week correction (weeks).
    daily_memory_days: float = 3.0
    weekly_memory_weeks: float = 2.0
    # A seasonal slot counts fully once it has seen about this many hours of data.
    seasonal_shrink_hours: float = 2.0
    # Residuals beyond this many standard deviations are clipped before updating the baseline.
    clip_sd: float = 2.0
    # ...but a level that stays beyond the clip is a new normal: the clip widens by its width
    # for every `shift_hours` of it, so a lasting step is absorbed in a few hours.
    shift_hours: float = 3.0
    dispersion_half_life_hours: float = 24.0
    # The scales, in seconds: one interval, two intervals, an hour (at least three intervals).
    surge_seconds: int = 3600
    # The tail model: peaks above `tail_floor` over the last `tail_memory_days`, and the prior
    # of a new series (as if it had seen `prior_weight` peaks, `prior_peaks_per_30_days` of them
    # a month, `prior_mean_excess` above the floor on average).
    tail_floor: float = 4.0
    tail_memory_days: float = 30.0
    prior_weight: float = 1.0
    prior_peaks_per_30_days: float = 5.0
    prior_mean_excess: float = 1.5
    # The tuned knob: how rare (episodes per 30 days at this height or above) earns an alert.
    alerts_per_30_days: float = 5.0
    min_score: float = 4.5
    # One alert per episode: after an alert the series stays quiet this long (a lasting step is
    # absorbed into the baseline well within it, see `shift_hours`).
    cooldown_hours: float = 12.0
    warmup_hours: float = 24.0
    # Fewer messages than this (over the scale that fired) never alert: "3 instead of 0.2".
    min_count: float = 5.0
    # The negative share: at least this many scored messages over the scale.
    min_exposure: float = 10.0
    # How much the share baseline trusts a slot: a pseudo-count of messages.
    share_prior_messages: float = 20.0
    share_memory_days: float = 7.0

    @property
    def scales(self) -> tuple[int, ...]:
        surge = max(3, round(self.surge_seconds / self.interval_seconds))
        return (1, 2, surge)

    @property
    def points_per_hour(self) -> float:
        return 3600.0 / self.interval_seconds

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> DetectorConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass(frozen=True)
class Alert:
    """What the detector says about the point that raised an alert."""

    timestamp: datetime
    score: float  # the surprise, in standard deviations of a typical point
    scale: int  # over how many intervals (ending at `timestamp`'s) it was seen
    observed: float  # messages (volume) or negative messages (share) over the scale
    expected: float
    exposure: float | None = None  # scored messages over the scale (share only)
    rarity: float = 0.0  # episodes at least this high expected per 30 days

    @property
    def observed_share(self) -> float | None:
        return None if not self.exposure else self.observed / self.exposure

    @property
    def expected_share(self) -> float | None:
        return None if not self.exposure else self.expected / self.exposure


def stabilised(count: float, dispersion: float) -> float:
    """The negative binomial's variance-stabilising transform (unit variance whatever the mean)."""
    root = math.sqrt(dispersion)
    return 2.0 / root * math.asinh(math.sqrt(dispersion * (max(count, 0.0) + 0.375)))


def share_score(negatives: float, messages: float, expected: float, dispersion: float) -> float:
    """How far the share of negatives is above the expected share, in standard deviations: the
    binomial's variance-stabilising transform (Anscombe's arcsine root), with the overdispersion
    of a beta-binomial (`1 + dispersion × messages`)."""
    if messages <= 0:
        return 0.0
    observed_share = (negatives + 0.375) / (messages + 0.75)
    expected_share = (expected + 0.375) / (messages + 0.75)
    distance = math.asin(math.sqrt(min(observed_share, 1.0))) - math.asin(math.sqrt(min(expected_share, 1.0)))
    return 2.0 * math.sqrt(messages + 0.5) * distance / math.sqrt(1.0 + dispersion * messages)


def _decay(seconds: float, half_life_hours: float) -> float:
    """The weight an exponentially weighted mean gives a new point `seconds` after the last."""
    return 1.0 - 0.5 ** (seconds / 3600.0 / half_life_hours)


def _clip(value: float, bound: float) -> float:
    return max(-bound, min(bound, value))


# --- expected counts ---------------------------------------------------------------------------


@dataclass
class VolumeBaseline:
    """log(expected) = level + hour-of-day + hour-of-week, each learnt robustly online."""

    level: float | None = None
    daily: list[float] = field(default_factory=lambda: [0.0] * 24)
    daily_n: list[int] = field(default_factory=lambda: [0] * 24)
    weekly: list[float] = field(default_factory=lambda: [0.0] * 168)
    weekly_n: list[int] = field(default_factory=lambda: [0] * 168)
    # Consecutive points clipped on the same side (signed): a level that stays away is a new
    # normal, and the clip widens with each hour of it so the baseline catches up.
    clipped_run: int = 0

    OFFSET = 0.5  # log(x + OFFSET): zero counts are fine

    def _seasonal(self, hour: int, slot: int, config: DetectorConfig) -> tuple[float, float]:
        k = config.seasonal_shrink_hours * config.points_per_hour
        daily = self.daily[hour] * self.daily_n[hour] / (self.daily_n[hour] + k)
        weekly = self.weekly[slot] * self.weekly_n[slot] / (self.weekly_n[slot] + k)
        return daily, weekly

    def expected(self, at: datetime, exposure: float | None, config: DetectorConfig) -> float | None:
        if self.level is None:
            return None
        daily, weekly = self._seasonal(at.hour, at.weekday() * 24 + at.hour, config)
        return max(math.exp(self.level + daily + weekly) - self.OFFSET, 0.0)

    def learn(
        self, at: datetime, observed: float, exposure: float | None, seconds: float, sd: float, config: DetectorConfig
    ) -> None:
        value = math.log(observed + self.OFFSET)
        if self.level is None:
            self.level = value
            return
        hour, slot = at.hour, at.weekday() * 24 + at.hour
        daily, weekly = self._seasonal(hour, slot, config)
        residual = value - self.level - daily - weekly
        bound = config.clip_sd * sd
        side = 1 if residual > 0 else -1
        if abs(residual) <= bound:
            self.clipped_run = 0
        elif self.clipped_run * side >= 0:
            self.clipped_run += side
        else:
            self.clipped_run = side
        bound *= 1.0 + abs(self.clipped_run) / (config.shift_hours * config.points_per_hour)
        self.level += _decay(seconds, config.level_half_life_hours) * _clip(residual, bound)
        # Each slot is a running mean over its first points, then forgets with the memory given.
        per_hour = config.points_per_hour
        self.daily_n[hour] += 1
        residual = _clip(value - self.level - daily - weekly, bound)
        self.daily[hour] += residual / min(self.daily_n[hour], config.daily_memory_days * per_hour)
        self.weekly_n[slot] += 1
        residual = _clip(value - self.level - self.daily[hour] - weekly, bound)
        self.weekly[slot] += residual / min(self.weekly_n[slot], config.weekly_memory_weeks * per_hour)

    def log_sd(self, expected: float, dispersion: float) -> float:
        """The standard deviation of log(count) around `expected`: Poisson plus dispersion."""
        return math.sqrt(1.0 / (expected + 1.0) + dispersion)


@dataclass
class ShareBaseline:
    """The expected share of negative messages per hour of day and of week: decayed sums of
    negatives over scored messages, each slot shrunk towards the broader one."""

    negatives: float = 0.0
    messages: float = 0.0
    daily_negatives: list[float] = field(default_factory=lambda: [0.0] * 24)
    daily_messages: list[float] = field(default_factory=lambda: [0.0] * 24)
    weekly_negatives: list[float] = field(default_factory=lambda: [0.0] * 168)
    weekly_messages: list[float] = field(default_factory=lambda: [0.0] * 168)

    def share(self, at: datetime, config: DetectorConfig) -> float | None:
        if self.messages <= 0:
            return None
        prior = config.share_prior_messages
        overall = self.negatives / self.messages
        hour, slot = at.hour, at.weekday() * 24 + at.hour
        daily = (self.daily_negatives[hour] + prior * overall) / (self.daily_messages[hour] + prior)
        return (self.weekly_negatives[slot] + prior * daily) / (self.weekly_messages[slot] + prior)

    def expected(self, at: datetime, exposure: float | None, config: DetectorConfig) -> float | None:
        share = self.share(at, config)
        return None if share is None else share * (exposure or 0.0)

    def learn(
        self, at: datetime, observed: float, exposure: float | None, seconds: float, sd: float, config: DetectorConfig
    ) -> None:
        messages = exposure or 0.0
        share = self.share(at, config)
        if share is not None and messages:
            # A burst of complaints must not teach the baseline that complaints are normal.
            spread = config.clip_sd * math.sqrt(max(messages * share * (1 - share), 1.0))
            observed = min(observed, messages * share + spread)
        keep = 1.0 - _decay(seconds, config.share_memory_days * 24)
        hour, slot = at.hour, at.weekday() * 24 + at.hour
        self.negatives = self.negatives * keep + observed
        self.messages = self.messages * keep + messages
        # The slots see a point once a day (a week): they forget at the same pace per point.
        daily_keep = keep**24
        weekly_keep = keep**168
        self.daily_negatives[hour] = self.daily_negatives[hour] * daily_keep + observed
        self.daily_messages[hour] = self.daily_messages[hour] * daily_keep + messages
        self.weekly_negatives[slot] = self.weekly_negatives[slot] * weekly_keep + observed
        self.weekly_messages[slot] = self.weekly_messages[slot] * weekly_keep + messages

    def log_sd(self, expected: float, dispersion: float) -> float:
        return math.sqrt(1.0 / (expected + 1.0) + dispersion)


# --- how rare is a score for this series -------------------------------------------------------


@dataclass
class Tail:
    """Peaks of past episodes above the floor (one per cooldown), for the exponential tail."""

    peaks: list[list[float]] = field(default_factory=list)  # [epoch seconds, peak score], oldest first
    current: list[float] | None = None  # the episode still going on: [start epoch, peak so far]

    def rarity(self, score: float, now: float, seen_days: float, config: DetectorConfig) -> float:
        """Episodes at least as high as `score` to expect per 30 days (past episodes only)."""
        horizon = now - config.tail_memory_days * 86400
        while self.peaks and self.peaks[0][0] < horizon:
            self.peaks.pop(0)
        count = len(self.peaks)
        excess = sum(peak - config.tail_floor for _, peak in self.peaks)
        weight = config.prior_weight
        days = min(seen_days, config.tail_memory_days) + weight * 30.0 / config.prior_peaks_per_30_days
        rate_per_30_days = 30.0 * (count + weight) / days
        mean_excess = (excess + weight * config.prior_mean_excess) / (count + weight)
        return rate_per_30_days * math.exp(-max(score - config.tail_floor, 0.0) / mean_excess)

    def observe(self, score: float, now: float, config: DetectorConfig) -> None:
        if score < config.tail_floor:
            return
        if self.current is None or now - self.current[0] > config.cooldown_hours * 3600:
            if self.current is not None:
                self.peaks.append(self.current)
            self.current = [now, score]
        else:
            self.current[1] = max(self.current[1], score)


# --- the detector ------------------------------------------------------------------------------


class SpikeDetector:
    """Feed `update()` one point at a time; it returns an `Alert` or None."""

    def __init__(self, *, kind: str = VOLUME, config: DetectorConfig | None = None, state: dict | None = None):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        self.kind = kind
        self.config = config or DetectorConfig()
        scales = self.config.scales
        self.baseline: VolumeBaseline | ShareBaseline = VolumeBaseline() if kind == VOLUME else ShareBaseline()
        # Twitter-like volume is overdispersed from the start; a share starts binomial.
        self.dispersion = {scale: 0.05 if kind == VOLUME else 0.001 for scale in scales}
        self.tails = {scale: Tail() for scale in scales}
        self.recent: list[list[float]] = []  # [observed, expected, exposure] of the last points
        self.started: float | None = None
        self.last: float | None = None
        self.last_alert: float | None = None
        if state:
            self._load(state)

    # The state is plain JSON: numbers and lists, keyed by scale as strings.
    def state(self) -> dict:
        return {
            "version": STATE_VERSION,
            "kind": self.kind,
            "baseline": asdict(self.baseline),
            "dispersion": {str(scale): value for scale, value in self.dispersion.items()},
            "tails": {str(scale): asdict(tail) for scale, tail in self.tails.items()},
            "recent": self.recent,
            "started": self.started,
            "last": self.last,
            "last_alert": self.last_alert,
        }

    def _load(self, state: dict) -> None:
        if state.get("version") != STATE_VERSION or state.get("kind") != self.kind:
            return  # an older or foreign state: start afresh rather than misread it
        baseline_class = VolumeBaseline if self.kind == VOLUME else ShareBaseline
        self.baseline = baseline_class(**state["baseline"])
        for scale in self.dispersion:
            if str(scale) in state["dispersion"]:
                self.dispersion[scale] = state["dispersion"][str(scale)]
            if str(scale) in state["tails"]:
                self.tails[scale] = Tail(**state["tails"][str(scale)])
        self.recent = state["recent"]
        self.started = state["started"]
        self.last = state["last"]
        self.last_alert = state["last_alert"]

    @property
    def last_timestamp(self) -> float | None:
        return self.last

    def update(self, at: datetime, observed: float, *, exposure: float | None = None) -> Alert | None:
        """Judge the count of the interval starting at `at` (local time: the hour of day and of
        week are read from it), then learn from it. For the negative share, `observed` is the
        number of negative messages and `exposure` the number of scored messages."""
        if observed < 0 or (exposure is not None and exposure < 0) or math.isnan(observed):
            raise ValueError(f"a count cannot be {observed!r}")
        if self.kind == NEGATIVE_SHARE and exposure is None:
            raise ValueError("the negative share needs the number of scored messages (exposure)")
        now = at.timestamp()
        if self.last is not None and now <= self.last:
            raise ValueError(f"points must come in time order: {at.isoformat()} is not after the last one")
        config = self.config
        seconds = config.interval_seconds if self.last is None else now - self.last
        if self.started is None:
            self.started = now
        self.last = now

        expected = self.baseline.expected(at, exposure, config)
        alert = None
        if expected is not None:
            self.recent.append([observed, expected, exposure or 0.0])
            del self.recent[: -max(config.scales)]
            alert = self._judge(at, now, seconds)
        sd = self.baseline.log_sd(expected or 0.0, self.dispersion[1])
        self.baseline.learn(at, observed, exposure, seconds, sd, config)
        return alert

    def _judge(self, at: datetime, now: float, seconds: float) -> Alert | None:
        config = self.config
        seen_days = (now - self.started) / 86400
        learning = _decay(seconds, config.dispersion_half_life_hours)
        warm = now - self.started >= config.warmup_hours * 3600
        cooling = self.last_alert is not None and now - self.last_alert < config.cooldown_hours * 3600
        scales = [scale for scale in config.scales if len(self.recent) >= scale]
        best: Alert | None = None
        for scale in scales:
            window = self.recent[-scale:]
            observed = sum(point[0] for point in window)
            expected = sum(point[1] for point in window)
            exposure = sum(point[2] for point in window)
            dispersion = self.dispersion[scale]
            if self.kind == VOLUME:
                score = stabilised(observed, dispersion) - stabilised(expected, dispersion)
            else:
                score = share_score(observed, exposure, expected, dispersion)
            # Calibrate: push the dispersion up when typical points look too surprising. (A share
            # of a handful of messages is all discreteness, not dispersion: it does not count.)
            if self.kind == VOLUME or exposure >= config.min_exposure:
                step = 2.0 * learning if abs(score) > MEDIAN_ABS_NORMAL else -2.0 * learning
                self.dispersion[scale] = max(dispersion * math.exp(step), 1e-4)
            tail = self.tails[scale]
            if score >= config.min_score and observed >= config.min_count and observed > expected:
                if self.kind == NEGATIVE_SHARE and exposure < config.min_exposure:
                    tail.observe(score, now, config)
                    continue
                rarity = tail.rarity(score, now, seen_days, config) * len(config.scales)
                if rarity <= config.alerts_per_30_days and (best is None or rarity < best.rarity):
                    best = Alert(
                        timestamp=at,
                        score=round(score, 3),
                        scale=scale,
                        observed=observed,
                        expected=round(expected, 3),
                        exposure=exposure if self.kind == NEGATIVE_SHARE else None,
                        rarity=round(rarity, 4),
                    )
            tail.observe(score, now, config)
        if best is None or not warm or cooling:
            return None
        self.last_alert = now
        return best


def run(
    points: list[tuple[datetime, float]], *, config: DetectorConfig | None = None, kind: str = VOLUME
) -> list[Alert]:
    """The alerts of a whole series, fed point by point as if live (the backtest)."""
    detector = SpikeDetector(kind=kind, config=config)
    alerts = []
    for at, value in points:
        alert = detector.update(at, value)
        if alert is not None:
            alerts.append(alert)
    return alerts
