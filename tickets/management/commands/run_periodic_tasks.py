"""Run the Celery beat schedule in this process, for the embedded set-up without a broker.

`make run` starts this beside the web server when CELERY_BROKER_URL is unset; with a broker,
real `celery beat` and workers do the same job.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from servicedesk.celery import app


class Command(BaseCommand):
    help = "Run the periodic tasks of CELERY_BEAT_SCHEDULE in-process, forever."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every task once and exit.")

    def handle(self, *args, once=False, **options):
        app.loader.import_default_modules()
        schedule = settings.CELERY_BEAT_SCHEDULE
        next_run = dict.fromkeys(schedule, 0.0)
        while True:
            now = time.monotonic()
            for name, entry in schedule.items():
                if now < next_run[name]:
                    continue
                try:
                    result = app.tasks[entry["task"]].apply().get()
                    self.stdout.write(f"{entry['task']}: {result}")
                except Exception as error:  # keep the loop alive; the error is printed
                    self.stderr.write(f"{entry['task']} failed: {error!r}")
                next_run[name] = now + float(entry["schedule"])
            if once:
                return
            time.sleep(1)
