"""Time from a mention on a polled platform to a visible incident, at the polling interval.

    createdb -h 127.0.0.1 -U postgres servicedesk_polled_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/servicedesk_polled_bench \\
        .venv/bin/python bench/bench_polled_latency.py --mentions 12

The polled platforms (those with a stand-in, `social.standins`: Mastodon and Bluesky) are
served by their stand-in servers on local ports; the desk reaches them through its real
clients (Mastodon.py, the atproto SDK) over HTTP. A scheduler thread runs
`social.tasks.poll_accounts` every `--interval` seconds, as Celery beat does (default: the
interval of the project's beat schedule, 60 s); tasks run in-process (no broker), so a poll
stores, processes and acknowledges what it read before it returns. Mentions are written at
uniformly random moments over `--mentions` intervals, and the main thread watches the
database (every 20 ms) for each one's incident. Prints, per platform, the latency from the
mention to its incident (median, p95, max) and the part of it spent after the poll began
(the desk's own work: the HTTP calls, storing, processing, the acknowledgement).
"""

import argparse
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.pop("CELERY_BROKER_URL", None)  # tasks in-process: the poll does the whole work

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from social import tasks  # noqa: E402
from social.models import SocialMessage  # noqa: E402
from social.standins import standins  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    default_interval = settings.CELERY_BEAT_SCHEDULE["social-poll-accounts"]["schedule"]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interval", type=float, default=default_interval, help="seconds between polls")
    parser.add_argument("--mentions", type=int, default=12, help="mentions per platform")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    servers = standins(seed=args.seed)
    for standin in servers:
        standin.start()
        standin.ensure_demo_account()
    print(
        f"polled: {', '.join(s.channel for s in servers)}; a poll every {args.interval:.0f} s; "
        f"{args.mentions} mentions each; {connection.vendor}"
    )

    poll_starts: list[float] = []
    stop = threading.Event()

    def beat() -> None:
        while not stop.is_set():
            poll_starts.append(time.monotonic())
            tasks.poll_accounts.apply()
            connection.close()
            stop.wait(max(0.0, poll_starts[-1] + args.interval - time.monotonic()))

    # The first poll reads the latest page (as after a deployment); mentions come after it.
    scheduler = threading.Thread(target=beat, daemon=True)
    scheduler.start()
    time.sleep(2)
    span = args.interval * args.mentions
    began = time.monotonic()
    plan = sorted((began + rng.uniform(0, span), standin) for standin in servers for _ in range(args.mentions))
    written: dict[tuple[str, str], float] = {}
    seen: dict[tuple[str, str], float] = {}
    total = len(plan)
    while len(seen) < total:
        now = time.monotonic()
        while plan and plan[0][0] <= now:
            _, standin = plan.pop(0)
            number = len(written) + 1
            key = (standin.channel, standin.mention(f"bench mention {number}: the VPN drops every few minutes"))
            written[key] = time.monotonic()
        waiting = [key for key in written if key not in seen]
        if waiting:
            found = SocialMessage.objects.filter(
                external_id__in=[external_id for _, external_id in waiting], incident__isnull=False
            ).values_list("channel", "external_id")
            for key in found:
                seen[key] = time.monotonic()
        if not plan and len(seen) == len(written):
            break
        if time.monotonic() - began > span + 3 * args.interval:
            print(f"gave up: {len(written) - len(seen)} mentions have no incident")
            break
        time.sleep(0.02)
    stop.set()

    for standin in servers:
        latencies, own_work = [], []
        for (channel, external_id), at in written.items():
            if channel != standin.channel or (channel, external_id) not in seen:
                continue
            latencies.append(seen[(channel, external_id)] - at)
            poll = max(start for start in poll_starts if start <= seen[(channel, external_id)])
            own_work.append(seen[(channel, external_id)] - poll)
        print(
            f"{standin.channel:9} n={len(latencies):3}  mention → incident: "
            f"median {statistics.median(latencies):5.1f} s, "
            f"p95 {percentile(latencies, 0.95):5.1f} s, max {max(latencies):5.1f} s;  "
            f"after the poll began: median {statistics.median(own_work) * 1000:6.0f} ms, "
            f"max {max(own_work) * 1000:6.0f} ms"
        )
        standin.stop()


if __name__ == "__main__":
    main()
