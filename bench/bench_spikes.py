"""The spike detector on NAB's real Twitter volume: windows found, false alerts, detection delay.

    .venv/bin/python bench/bench_spikes.py                  # the shipped defaults, per series
    .venv/bin/python bench/bench_spikes.py --tune           # + the grid and leave-one-series-out

Each series (counts per 5 minutes, about 55 days) is fed to the same detector the live task runs,
point by point, nothing from the future. A labelled window is found when an alert falls inside
it; an alert outside every window is a false alert. Delays are from the labelled anomaly (the
window's centre) to the first alert in the window, in minutes (negative: the alert came first;
NAB's windows start well before the labelled point).

The detector's method is fixed (see intelligence/spikes/detector.py); two values were tuned on
this data: `alerts_per_30_days` (how rare an episode must be for this series to earn an alert)
and `level_half_life_hours` (how fast "normal" forgets). `--tune` runs the grid, picks the pair
that finds the most windows while every series stays within 3 false alerts per 30 days, and
then checks the choice leave-one-series-out: for each series, the pair is chosen on the other
four and scored on the one held out. The chosen pair is what `DetectorConfig` ships with; if the
grid's pick ever differs from the defaults, the script says so.
"""

import argparse
import os
import statistics
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intelligence.spikes.backtest import read_nab_windows, read_series_file, score_against_windows
from intelligence.spikes.detector import DetectorConfig, run

# The shared data lives beside the repository (../shared/data); SERVICEDESK_SHARED_DATA moves it.
SHARED_DATA = Path(
    os.environ.get("SERVICEDESK_SHARED_DATA", Path(__file__).resolve().parent.parent.parent / "shared" / "data")
)
DEFAULT_DATA = SHARED_DATA / "nab-realtweets"
FALSE_ALERT_BUDGET = 3.0  # per series per 30 days: the target
RATES = (3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0)
HALF_LIVES = (2.0, 4.0, 6.0, 8.0, 12.0)


def load(data: Path):
    windows = read_nab_windows(data / "windows.json")
    series = {name: read_series_file(data / name).points for name in sorted(windows)}
    return series, windows


def evaluate(config: DetectorConfig, series, windows) -> dict:
    scores = {}
    for name, points in series.items():
        alerts = run(points, config=config)
        scores[name] = score_against_windows(alerts, windows[name], start=points[0][0], end=points[-1][0])
    return scores


def _evaluate_pair(args):
    rate, half_life, data = args
    series, windows = load(data)
    config = replace(DetectorConfig(), alerts_per_30_days=rate, level_half_life_hours=half_life)
    return (rate, half_life), evaluate(config, series, windows)


def summary(scores: dict) -> str:
    found = sum(s.found for s in scores.values())
    windows = sum(s.windows for s in scores.values())
    false = [s.false_per_30_days for s in scores.values()]
    return (
        f"{found}/{windows} windows ({found / windows:.0%}), false alerts per series per 30 days: "
        f"mean {statistics.mean(false):.2f}, worst {max(false):.2f}"
    )


def print_table(scores: dict) -> None:
    print(f"{'series':<28}{'found':>8}{'false':>7}{'per 30 d':>10}  delays (min)")
    for name, s in scores.items():
        delays = " ".join(f"{d:+.0f}" for d in s.delays_minutes)
        print(f"{name:<28}{s.found:>5}/{s.windows:<2}{s.false_alerts:>7}{s.false_per_30_days:>10.2f}  {delays}")
    delays = [d for s in scores.values() for d in s.delays_minutes]
    if delays:
        print(
            f"delay from the labelled anomaly to the first alert: median {statistics.median(delays):+.0f} min, "
            f"latest {max(delays):+.0f} min"
        )
    print(summary(scores))


def pick(results: dict, names: list[str]):
    """The pair that finds the most windows of `names` with every one of them within budget."""
    best = None
    for pair, scores in results.items():
        chosen = [scores[name] for name in names]
        if max(s.false_per_30_days for s in chosen) > FALSE_ALERT_BUDGET:
            continue
        key = (sum(s.found for s in chosen), -sum(s.false_alerts for s in chosen))
        if best is None or key > best[0]:
            best = (key, pair)
    return None if best is None else best[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the nab-realtweets folder")
    parser.add_argument("--tune", action="store_true", help="run the grid and leave-one-series-out")
    args = parser.parse_args()
    if not (args.data / "windows.json").exists():
        sys.exit(f"NAB data not found at {args.data} (it lives beside the repository in shared/data)")
    series, windows = load(args.data)
    defaults = DetectorConfig()
    print(
        f"Defaults: alerts_per_30_days={defaults.alerts_per_30_days:g}, "
        f"level_half_life_hours={defaults.level_half_life_hours:g}"
    )
    print_table(evaluate(defaults, series, windows))
    if not args.tune:
        return

    pairs = [(rate, half_life, args.data) for rate in RATES for half_life in HALF_LIVES]
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        results = dict(pool.map(_evaluate_pair, pairs))
    print("\nGrid (windows found / worst series' false alerts per 30 days):")
    print("rate \\ half-life " + "".join(f"{h:>10g}h" for h in HALF_LIVES))
    for rate in RATES:
        cells = []
        for half_life in HALF_LIVES:
            scores = results[(rate, half_life)]
            found = sum(s.found for s in scores.values())
            worst = max(s.false_per_30_days for s in scores.values())
            cells.append(f"{found:>5}/{worst:<5.1f}")
        print(f"{rate:>16g} " + "".join(f"{cell:>11}" for cell in cells))
    names = list(series)
    chosen = pick(results, names)
    print(f"\nIn-sample pick: alerts_per_30_days, level_half_life_hours = {chosen}")
    if chosen != (defaults.alerts_per_30_days, defaults.level_half_life_hours):
        print("NOTE: the pick differs from DetectorConfig's defaults: update them (and docs/performance.md).")

    print("\nLeave one series out (the pair chosen on the other four, scored on the held-out one):")
    held_out = {}
    for name in names:
        pair = pick(results, [other for other in names if other != name])
        held_out[name] = results[pair][name] if pair else None
        s = held_out[name]
        print(f"  {name:<28} pair {pair}: {s.found}/{s.windows} found, {s.false_per_30_days:.2f} false per 30 days")
    print("Leave-one-series-out: " + summary(held_out))


if __name__ == "__main__":
    main()
