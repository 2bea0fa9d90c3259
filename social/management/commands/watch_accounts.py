"""`manage.py watch_accounts`: hold the platforms' push connections (IMAP IDLE, streams) open for the
accounts with polling on, so what arrives is read at once (`social.inbox.watch`)."""

import signal
import threading

from django.core.management.base import BaseCommand

from social.inbox.watch import AccountWatchers


class Command(BaseCommand):
    help = "Watch the accounts whose platform can push (IMAP IDLE, a stream): what is new is read as it arrives."

    def add_arguments(self, parser):
        parser.add_argument(
            "--recheck", type=float, default=60.0, help="Seconds between looks at the accounts (default 60)."
        )

    def handle(self, *args, recheck: float, **options):
        stopping = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.set())
        watchers = AccountWatchers()
        try:
            while not stopping.is_set():
                watchers.reconcile()
                stopping.wait(recheck)
        finally:
            watchers.stop_all()
        self.stdout.write("Stopped watching.")
