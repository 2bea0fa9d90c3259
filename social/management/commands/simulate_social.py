"""Post realistic, correctly signed X and Facebook webhook events and raw e-mails (with the
demo address's bearer token) to a running server, and serve the polled platforms' messages
from local stand-in servers that the desk polls."""

import collections
import time

import requests
from django.core.management.base import BaseCommand, CommandError

from social.email.simulator import MailSimulator
from social.email.simulator import ensure_demo_account as ensure_demo_mail_account
from social.simulator import Simulator, ensure_demo_accounts
from social.standins import standins


class Command(BaseCommand):
    help = (
        "Post signed X and Facebook webhook deliveries (mentions, replies in existing threads, DMs, "
        "page posts, comments, Messenger messages, a few duplicates) and raw e-mails (requests, replies to the "
        "desk's answers, out-of-office replies, bounces) to a running server."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="The server (default: %(default)s).")
        parser.add_argument("--rate", type=float, default=20.0, help="Deliveries per second (default: %(default)s).")
        parser.add_argument(
            "--duration", type=float, default=60.0, help="Seconds to run; 0 runs forever (default: %(default)s)."
        )
        parser.add_argument("--seed", type=int, default=None, help="Same seed, same conversation.")
        parser.add_argument(
            "--wait", type=float, default=30.0, help="Seconds to wait for the server to come up (default: %(default)s)."
        )
        parser.add_argument(
            "--polled-share",
            type=float,
            default=0.3,
            help="Share of the messages written on the polled platforms, served by local stand-ins that the "
            "desk polls; 0 starts none (default: %(default)s).",
        )
        parser.add_argument(
            "--mail-share",
            type=float,
            default=0.15,
            help="Share of the webhook deliveries that are raw e-mails (default: %(default)s).",
        )
        parser.add_argument(
            "--drain-wait",
            type=float,
            default=75.0,
            help="At the end, seconds to wait for the desk to poll what the stand-ins still hold "
            "(default: %(default)s, past the minute between polls).",
        )

    def handle(self, *args, url, rate, duration, seed, wait, polled_share, mail_share, drain_wait, **options):
        if rate <= 0:
            raise CommandError("--rate must be above 0.")
        x, page = ensure_demo_accounts()
        simulator = Simulator(x_secret=x.consumer_secret, app_secret=page.app_secret, seed=seed)
        mails = MailSimulator(token=ensure_demo_mail_account().bearer_token, seed=seed)
        session = requests.Session()
        base = url.rstrip("/")
        self._wait_for(session, base, wait)
        polled = standins(seed=seed) if polled_share > 0 else []
        for standin in polled:
            standin.start()
            standin.ensure_demo_account()
            self.stdout.write(f"{standin.channel} stand-in at {standin.base_url}, polled by the desk every minute")
        counts: collections.Counter = collections.Counter()
        started = time.monotonic()
        sent = 0
        try:
            while not duration or time.monotonic() - started < duration:
                if polled and simulator.random.random() < polled_share:
                    standin = simulator.random.choice(polled)
                    counts[f"{standin.channel} {standin.next()}"] += 1
                    sent += 1
                    delay = started + sent / rate - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                    continue
                delivery = mails.next() if simulator.random.random() < mail_share else simulator.next()
                try:
                    response = session.post(
                        base + delivery.path,
                        data=delivery.body,
                        headers={"Content-Type": "application/json", **delivery.headers},
                        timeout=10,
                    )
                    counts[f"{delivery.kind} {response.status_code}"] += 1
                except requests.RequestException as error:
                    counts[f"{delivery.kind} error"] += 1
                    self.stderr.write(f"{delivery.kind}: {error}")
                sent += 1
                # Keep the pace from the start, not from the last request: a slow answer
                # is caught up rather than lowering the rate.
                delay = started + sent / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
        except KeyboardInterrupt:
            pass
        elapsed = time.monotonic() - started
        self._stop(polled, drain_wait)
        self.stdout.write(f"{sent} deliveries in {elapsed:.1f} s ({sent / max(elapsed, 1e-9):.1f}/s)")
        for key, count in sorted(counts.items()):
            self.stdout.write(f"  {key}: {count}")

    def _stop(self, polled, drain_wait):
        """Let the desk read what the stand-ins hold, then stop them and the demo accounts'
        polling (the server it would poll is gone)."""
        deadline = time.monotonic() + drain_wait
        try:
            while polled and any(standin.pending() for standin in polled) and time.monotonic() < deadline:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        for standin in polled:
            left = standin.pending()
            if left:
                self.stderr.write(f"{standin.channel}: {left} messages were not polled before the end")
            standin.stop()
            account = standin.ensure_demo_account()
            account.poll_enabled = False
            account.save(update_fields=["poll_enabled"])

    def _wait_for(self, session, base, wait):
        deadline = time.monotonic() + wait
        while True:
            try:
                session.get(base + "/login/", timeout=2)
                return
            except requests.RequestException as error:
                if time.monotonic() > deadline:
                    raise CommandError(f"No server at {base}: {error}") from error
                time.sleep(0.5)
