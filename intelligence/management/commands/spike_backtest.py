"""Run the spike detector over a `timestamp,value` series as if live, one JSON line per alert."""

from dataclasses import replace

from django.core.management.base import BaseCommand, CommandError

from intelligence.spikes.backtest import SeriesError, alert_json, read_series_file
from intelligence.spikes.detector import DetectorConfig, SpikeDetector


class Command(BaseCommand):
    help = (
        "Feed a CSV series (header `timestamp,value`, e.g. counts per 5 minutes) to the spike detector "
        "point by point, nothing from the future, and print one JSON line per alert: "
        '{"timestamp": ..., "score": ...}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file")
        parser.add_argument(
            "--interval", type=int, help="seconds per point (default: the series' usual spacing)", default=None
        )
        parser.add_argument(
            "--alerts-per-30-days",
            type=float,
            default=None,
            help=f"how rare a spike must be to alert (default {DetectorConfig().alerts_per_30_days:g})",
        )
        parser.add_argument("--details", action="store_true", help="add the scale, observed, expected and rarity")

    def handle(self, *args, file, interval, alerts_per_30_days, details, **options):
        try:
            series = read_series_file(file)
            seconds = interval or series.interval_seconds
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from error
        except (SeriesError, UnicodeDecodeError) as error:
            raise CommandError(str(error)) from error
        for reason in series.skipped:  # one bad row never loses the good ones beside it
            self.stderr.write(f"Skipped {reason}")
        config = replace(DetectorConfig(), interval_seconds=seconds)
        if alerts_per_30_days is not None:
            config = replace(config, alerts_per_30_days=alerts_per_30_days)
        detector = SpikeDetector(config=config)
        for at, value in series.points:
            alert = detector.update(at, value)
            if alert is not None:
                self.stdout.write(alert_json(alert, details=details))
