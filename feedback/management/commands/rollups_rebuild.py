"""Count the dashboards' rollups again from every incident and score."""

import time

from django.core.management.base import BaseCommand

from feedback.rollups.refresh import rollups_rebuild, rollups_refresh


class Command(BaseCommand):
    help = (
        "Rebuild the dashboards' rollups from the incidents and sentiment scores (after a change of TIME_ZONE, "
        "a restore or a rescoring of history). With --refresh, only roll up what changed since the last run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--refresh", action="store_true", help="Incremental refresh instead of a rebuild.")

    def handle(self, *args, refresh=False, **options):
        started = time.perf_counter()
        progress = lambda text: self.stdout.write(f"  {text}")  # noqa: E731
        result = rollups_refresh() if refresh else rollups_rebuild(progress=progress)
        self.stdout.write(f"{result} in {time.perf_counter() - started:.1f}s")
