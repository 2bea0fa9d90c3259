"""E-mail intake on PostgreSQL + Redis: raw messages stored per second, through the webhook
and through IMAP, and how fast the stored mails become incidents.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/servicedesk_bench_email
    export CELERY_BROKER_URL=redis://127.0.0.1:6379/5
    .venv/bin/python bench/bench_email.py webhook --seconds 20 --connections 8 --web-workers 2
    .venv/bin/python bench/bench_email.py imap --messages 2000
    .venv/bin/python bench/bench_email.py drain --messages 5000

webhook: the simulator's realistic raw mails (plain and HTML, UTF-8 and Latin-1
         quoted-printable, one in seven with a log file attached, a few KB each), POSTed with
         the bearer token to gunicorn by `--connections` client threads for `--seconds`:
         mails accepted (stored) per second, and latency percentiles. Processing is queued,
         not run: this measures the door.
imap:    a private Dovecot (Debian's dovecot-imapd, in a temporary folder on a free port, as
         the tests start it) holding `--messages` of the same mails in a folder; the desk's
         `poll` reads them (UID search, fetched and stored by chunks of 50) until none is
         left: mails stored per second.
drain:   `--messages` stored mails (70% new requests, 30% replies threaded by In-Reply-To and
         References) processed into incidents and comments in-process: mails per second.

The database named must contain "bench": its incidents and social tables are emptied first.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("USE_HTTPS", "false")
os.environ.setdefault("STATIC_FROM_COLLECTSTATIC", "false")

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from bench_social import PORT, gunicorn, stop  # noqa: E402
from bench_social import reset as reset_social  # noqa: E402
from django.db import connection  # noqa: E402

from social.email.simulator import DESK, MailSimulator  # noqa: E402
from social.events import SHARDS  # noqa: E402
from social.inbox import claim, store  # noqa: E402
from social.models import InboundEvent, SocialAccount  # noqa: E402
from tickets.models import Incident  # noqa: E402

TOKEN = "bench-inbound-token"


def reset() -> SocialAccount:
    reset_social()
    account, _ = SocialAccount.objects.update_or_create(
        channel="email", external_id=DESK, defaults={"handle": DESK, "bearer_token": TOKEN, "poll_enabled": False}
    )
    return account


def mails(count: int, *, seed: int = 1) -> list[bytes]:
    """New requests from the simulator (its replies need answers the desk has sent)."""
    simulator = MailSimulator(token=TOKEN, seed=seed, duplicate_rate=0)
    found = []
    while len(found) < count:
        delivery = simulator._request()
        found.append(delivery.body)
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


# --- webhook --------------------------------------------------------------------------------------


def webhook(args) -> None:
    reset()
    bodies = mails(4000)
    sizes = [len(body) for body in bodies]
    print(
        f"{len(bodies)} distinct mails, {statistics.mean(sizes) / 1024:.1f} KB on average, "
        f"max {max(sizes) / 1024:.1f} KB"
    )
    server = gunicorn(args.web_workers)
    url = f"http://127.0.0.1:{PORT}/social/webhooks/email/"
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "message/rfc822"}
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds
    counter = iter(range(10**9))

    def client():
        session = requests.Session()
        while time.monotonic() < deadline:
            body = bodies[next(counter) % len(bodies)]
            started = time.monotonic()
            try:
                response = session.post(url, data=body, headers=headers, timeout=10)
                ok = response.status_code == 200
            except requests.RequestException:
                ok = False
            elapsed = time.monotonic() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    try:
        started = time.monotonic()
        threads = [threading.Thread(target=client) for _ in range(args.connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        stop(server)
    stored = InboundEvent.objects.filter(channel="email").count()
    print(
        f"webhook: {len(latencies)} mails accepted in {elapsed:.1f} s = {len(latencies) / elapsed:.0f} mails/s "
        f"({stored} distinct stored), {errors[0]} errors; p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f}"
    )


# --- imap -------------------------------------------------------------------------------------------


def imap(args) -> None:
    import shutil
    import tempfile

    from social.email.poll import poll
    from tests.social.email.conftest import Dovecot

    account = reset()
    root = Path(tempfile.mkdtemp(prefix="servicedesk-bench-dovecot-"))
    root.chmod(0o755)
    server = Dovecot(root)
    server.start()
    try:
        client = server.client()
        folder = "Bench"
        client.create_folder(folder)
        bodies = mails(args.messages, seed=2)
        for body in bodies:
            client.append(folder, body)
        validity = int(client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])
        client.logout()
        print(f"{len(bodies)} mails appended to the folder ({sum(map(len, bodies)) / 1024 / 1024:.1f} MB)")
        account.password = server.url(folder)
        # A mailbox the desk has polled before (from its start): the first poll of a new one
        # reads only its latest 50.
        account.poll_cursor = f"{validity}:0"
        account.poll_enabled = True
        account.save()
        store._enqueue_processing = lambda shards: None  # stored; processing is the drain's figure
        started = time.monotonic()
        polls = stored = 0
        while True:
            new = poll(account=account)
            polls += 1
            stored += new
            if not new:
                break
        elapsed = time.monotonic() - started
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    print(
        f"imap: {stored} mails stored in {elapsed:.1f} s = {stored / elapsed:.0f} mails/s "
        f"({polls} polls of at most 1,000; chunks of 50); load average {os.getloadavg()[0]:.1f}"
    )


# --- drain --------------------------------------------------------------------------------------------


def drain(args) -> None:
    from email import message_from_bytes, policy

    from social.email.inbound import events_from_message

    reset()
    store._enqueue_processing = lambda shards: None
    bodies = mails(args.messages, seed=3)
    events = []
    for index, body in enumerate(bodies):
        if index % 10 >= 7 and index > 20:
            parent = message_from_bytes(bodies[index - 15], policy=policy.default)
            reply = message_from_bytes(body, policy=policy.default)
            reply.replace_header("Subject", f"Re: {parent['Subject']}")
            reply["In-Reply-To"] = parent["Message-ID"]
            reply["References"] = parent["Message-ID"]
            reply.replace_header("From", str(parent["From"]))
            body = reply.as_bytes()
        events.extend(events_from_message(body, account_id=DESK))
    for start in range(0, len(events), 500):
        store.inbound_store(events=events[start : start + 500])
    started = time.monotonic()
    for shard in range(SHARDS):
        while claim.process_pending(shard=shard):
            pass
    elapsed = time.monotonic() - started
    print(
        f"drain: {len(events)} mails into {Incident.objects.count()} incidents in {elapsed:.1f} s = "
        f"{len(events) / elapsed:.0f} mails/s (in-process, one after another)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    modes = parser.add_subparsers(dest="mode", required=True)
    one = modes.add_parser("webhook")
    one.add_argument("--seconds", type=float, default=20)
    one.add_argument("--connections", type=int, default=8)
    one.add_argument("--web-workers", type=int, default=2)
    two = modes.add_parser("imap")
    two.add_argument("--messages", type=int, default=2000)
    three = modes.add_parser("drain")
    three.add_argument("--messages", type=int, default=5000)
    args = parser.parse_args()
    if "bench" not in connection.settings_dict["NAME"]:
        sys.exit("Use a PostgreSQL database whose name contains 'bench'.")
    {"webhook": webhook, "imap": imap, "drain": drain}[args.mode](args)


if __name__ == "__main__":
    main()
