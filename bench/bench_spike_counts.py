"""The live spike detector's read at scale: inbound messages per interval from a big table.

    createdb -h 127.0.0.1 -U postgres servicedesk_spikes_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/servicedesk_spikes_bench \\
        .venv/bin/python bench/bench_spike_counts.py --messages 10000000 --days 365

Fills the (migrated, empty) database with `--messages` inbound messages spread evenly over the
last `--days` (a third linked to incidents of 10 services, nine in ten with a sentiment score,
a quarter of those negative), in SQL (generate_series; no ORM per row). Then times, taking
turns: the grouped count of one interval (what each live run reads), a whole live run of one
interval (`spikes_detect`: the count, the series' states, the cursor), and the first run's
7-day backfill. Prints the median and p95 of each, and the count query's plan. Pass --reuse to
skip the filling on a database already filled.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from intelligence.spikes.live import closed_until, spikes_detect  # noqa: E402
from intelligence.spikes.models import SpikeAlert, SpikeCursor, SpikeSeries  # noqa: E402
from intelligence.spikes.selectors import inbound_counts  # noqa: E402
from tickets import services  # noqa: E402
from tickets.models import Contact, Service  # noqa: E402


def fill(messages: int, days: int) -> None:
    contact = Contact.objects.create(name="Bench")
    incident_ids = []
    for n in range(10):
        service, _ = Service.objects.get_or_create(name=f"Bench service {n}")
        incident = services.incident_create(reporter=contact, title=f"Bench {n}", service=service, actor=None)
        incident_ids.append(incident.pk)
    ids = "ARRAY[" + ",".join(map(str, incident_ids)) + "]"
    started = time.perf_counter()
    chunk = 1_000_000
    with connection.cursor() as cursor:
        for first in range(0, messages, chunk):
            last = min(first + chunk, messages)
            cursor.execute(
                f"""
                INSERT INTO social_socialmessage (channel, direction, kind, external_id, account_external_id,
                    author_name, text, url, in_reply_to, thread_key, mentions_account, incident_id, state,
                    state_reason, raw, deleted, hidden, created_at, parts, attempts)
                SELECT 'twitter', 'inbound', 'mention', 'bench-' || n, '1', '', 'bench message ' || n, '', '',
                    'bench-' || n, true, CASE WHEN n %% 3 = 0 THEN ({ids})[1 + (n / 3) %% 10] END,
                    'new_incident', '', '{{}}', false, false,
                    now() - (%s * interval '1 day') * (1 - n::float / %s), '[]', 0
                FROM generate_series(%s, %s) AS n
                """,
                [days, messages, first, last - 1],
            )
            print(f"  {last:,} messages ({time.perf_counter() - started:.0f} s)", flush=True)
        cursor.execute(
            """
            INSERT INTO feedback_sentimentscore (message_id, compound, positive, neutral, negative, scored_at,
                channel, incident_id, created_at)
            SELECT id, CASE WHEN id % 4 = 0 THEN -0.5 ELSE 0.4 END, 0, 1, 0, created_at, channel, incident_id,
                created_at
            FROM social_socialmessage WHERE external_id LIKE 'bench-%%' AND id % 10 <> 0
            """
        )
        cursor.execute("ANALYZE social_socialmessage; ANALYZE feedback_sentimentscore; ANALYZE tickets_incident")
    print(f"filled in {time.perf_counter() - started:.0f} s", flush=True)


def reset_detector() -> None:
    SpikeAlert.objects.all().delete()
    SpikeSeries.objects.all().delete()
    SpikeCursor.objects.all().delete()


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def report(name: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    print(f"{name:<48} median {statistics.median(samples):8.1f} ms   p95 {p95:8.1f} ms   (n={len(samples)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="the database is already filled")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL (DATABASE_URL).")
    call_command("migrate", verbosity=0)
    if not args.reuse:
        fill(args.messages, args.days)
    total = connection.cursor()
    total.execute("SELECT count(*) FROM social_socialmessage")
    print(f"{total.fetchone()[0]:,} messages in the table; load average {os.getloadavg()[0]:.2f}")

    end = closed_until(timezone.now())
    start = end - timedelta(minutes=5)
    rows = inbound_counts(start=start, end=end, seconds=300)
    print(f"one interval: {sum(row.messages for row in rows)} messages in {len(rows)} (interval, service) groups")
    with connection.cursor() as cursor:
        connection.queries_log.clear()
        with override_settings(DEBUG=True):
            inbound_counts(start=start, end=end, seconds=300)
            query = connection.queries[-1]["sql"]
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query)
        print("plan of one interval's count:")
        for (line,) in cursor.fetchall():
            print("   ", line)

    reset_detector()
    week = timed(lambda: inbound_counts(start=end - timedelta(days=7), end=end, seconds=300))
    print(f"{'count of 7 days (the first run: one query)':<48} {week:8.1f} ms")
    now = timezone.now()
    backfill = timed(lambda: spikes_detect(now=now - timedelta(minutes=5)))
    print(f"{'first run (7-day backfill, about 2,016 intervals)':<48} {backfill:8.1f} ms")

    # Each timed run judges the next interval from the same learnt states (restored, untimed).
    cursor_at = SpikeCursor.objects.get().processed_until
    states = {series.pk: json.dumps(series.state) for series in SpikeSeries.objects.all()}
    counts, runs = [], []
    for _ in range(args.repeat):
        counts.append(timed(lambda: inbound_counts(start=start, end=end, seconds=300)))
        SpikeCursor.objects.update(processed_until=cursor_at)
        series = list(SpikeSeries.objects.all())
        for one in series:
            one.state = json.loads(states[one.pk])
        SpikeSeries.objects.bulk_update(series, ["state"])
        SpikeAlert.objects.all().delete()
        run = None

        def live_run():
            nonlocal run
            run = spikes_detect(now=now)

        runs.append(timed(live_run))
        assert run.intervals >= 1, run
    report("count of one interval (the run's one query)", counts)
    report("live run of one interval (spikes_detect)", runs)
    reset_detector()


if __name__ == "__main__":
    main()
