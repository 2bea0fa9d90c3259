"""Measure the dashboards at scale, and what keeping their rollups costs intake (issue 11 §5).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sd_dashboards \\
        flock /tmp/bench.lock .venv/bin/python bench/bench_dashboards.py --requests 40 --intake-seconds 20

Fill the database first with bench/generate_dashboard_data.py (1,000,000 incidents, 10,000,000
scored messages, rollups rebuilt). Views: every dashboard page (days, weeks, months; filtered;
broken down by each dimension), its CSV, the messages behind a figure and the metrics API,
each requested through Django's test client in this process (middleware, view, queries,
template: all the server does, without the network), a few times to warm up then --requests
times; median, 95th percentile and queries of one request. Target: p95 < 200 ms.

Intake: incidents opened through `tickets.services.incident_create` (as the portal, the API
and the social workers do) and half of them answered, by one process for --intake-seconds,
with the rollups off (nothing refreshes them) and on (another process runs the refresh every
--refresh-every seconds, 60 times as often as production's schedule), alternating, --rounds
times. Target: on costs less than 5 % of the throughput.
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("USE_HTTPS", "false")
os.environ.setdefault("STATIC_FROM_COLLECTSTATIC", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from feedback.models import IncidentRollup, MessageRollup, SentimentScore  # noqa: E402
from feedback.rollups.refresh import rollups_refresh  # noqa: E402
from tickets import services  # noqa: E402
from tickets.models import Contact, Incident, Service, SupportGroup  # noqa: E402


def measure(client: Client, urls: list[str], requests: int, warmup: int = 3, **headers) -> dict:
    for n in range(warmup):
        client.get(urls[n % len(urls)], **headers)
    executed = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: executed.append(sql) or execute(sql, params, many, context)
    ):
        response = client.get(urls[0], **headers)
    assert response.status_code == 200, (urls[0], response.status_code)
    timings = []
    for n in range(requests):
        url = urls[n % len(urls)]
        started = time.perf_counter()
        response = client.get(url, **headers)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    return {
        "median": statistics.median(timings),
        "p95": timings[max(0, round(0.95 * len(timings)) - 1)],
        "queries": len(executed),
    }


def views(requests: int) -> None:
    manager, _ = User.objects.get_or_create(username="bench-manager", defaults={"first_name": "Bench manager"})
    manager.groups.add(Group.objects.get(name="manager"))
    client = Client()
    client.force_login(manager)
    api = Client()
    token, _ = Token.objects.get_or_create(user=manager)
    service = Service.objects.order_by("id").first().pk
    group = SupportGroup.objects.order_by("id").first().pk
    agent = Incident.objects.filter(assignee__isnull=False).values_list("assignee_id", flat=True).first()
    pages = {
        "satisfaction, weeks (12 + 12)": ["/dashboards/satisfaction/"],
        "satisfaction, days (30 + 30)": ["/dashboards/satisfaction/?grain=day"],
        "satisfaction, months (12 + 12), by agent": ["/dashboards/satisfaction/?grain=month&by=agent"],
        "satisfaction, weeks, one service, by channel": [f"/dashboards/satisfaction/?service={service}&by=channel"],
        "service, weeks (12 + 12)": ["/dashboards/service/"],
        "service, days (30 + 30)": ["/dashboards/service/?grain=day"],
        "service, months (12 + 12)": ["/dashboards/service/?grain=month"],
        "service, months (36 + 36), by agent": ["/dashboards/service/?grain=month&periods=36&by=agent"],
        "service, days (92 + 92), by group": ["/dashboards/service/?grain=day&periods=92&by=group"],
        "service, weeks, one group and channel": [f"/dashboards/service/?group={group}&channel=twitter"],
        "service, weeks, one agent (an agent's view)": [f"/dashboards/service/?agent={agent}&by=service"],
        "service, weeks, a year ago": ["/dashboards/service/?until=2025-12-01"],
        "service CSV, months": ["/dashboards/service/?grain=month&export=csv"],
        "satisfaction CSV, days": ["/dashboards/satisfaction/?grain=day&export=csv"],
        "messages behind a figure (negative, a week)": ["/dashboards/messages/?negative=1"],
        "messages behind a figure (one service, a month)": [
            f"/dashboards/messages/?service={service}&since=2026-10-01&until=2026-10-31"
        ],
    }
    api_pages = {
        "API metrics/service, weeks": ["/api/v1/metrics/service/"],
        "API metrics/service, months, by agent": ["/api/v1/metrics/service/?grain=month&by=agent"],
        "API metrics/sentiment, days": ["/api/v1/metrics/sentiment/?grain=day"],
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(",")[0]
    print(
        f"{Incident.objects.count():,} incidents, {SentimentScore.objects.count():,} scored messages; "
        f"{IncidentRollup.objects.count():,} + {MessageRollup.objects.count():,} rollup rows; {version}; "
        f"{requests} requests per view; load {os.getloadavg()[0]:.2f}"
    )
    print(f"{'view':<52} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    worst = 0.0
    for name, urls in pages.items():
        result = measure(client, urls, requests)
        worst = max(worst, result["p95"])
        print(f"{name:<52} {result['median']:>10.1f} {result['p95']:>8.1f} {result['queries']:>8}")
    for name, urls in api_pages.items():
        result = measure(api, urls, requests, HTTP_AUTHORIZATION=f"Token {token.key}")
        worst = max(worst, result["p95"])
        print(f"{name:<52} {result['median']:>10.1f} {result['p95']:>8.1f} {result['queries']:>8}")
    print(f"worst p95: {worst:.1f} ms (target < 200 ms); load after {os.getloadavg()[0]:.2f}")


def _refresher(stop, every: float, runs) -> None:
    connections.close_all()
    while not stop.is_set():
        rollups_refresh()
        runs.value += 1
        stop.wait(every)
    connections.close_all()


def intake_rate(seconds: float, rollups_on: bool, every: float) -> tuple[float, int]:
    """Incidents opened per second by this process, with or without the refresh beside it."""
    reporter, _ = Contact.objects.get_or_create(name="Bench intake")
    service = Service.objects.order_by("id").first()
    agent = User.objects.filter(username__startswith="bench-agent-").first()
    stop, runs = multiprocessing.Event(), multiprocessing.Value("i", 0)
    refresher = None
    if rollups_on:
        connections.close_all()
        refresher = multiprocessing.Process(target=_refresher, args=(stop, every, runs))
        refresher.start()
    count = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        incident = services.incident_create(
            reporter=reporter, title=f"Bench intake {count}", service=service, channel="web", actor=reporter
        )
        if count % 2:
            services.incident_assign(incident=incident, assignee=agent, actor=agent)
        count += 1
    rate = count / (time.perf_counter() - started)
    if refresher:
        stop.set()
        refresher.join()
    return rate, runs.value


def intake(seconds: float, rounds: int, every: float) -> None:
    rollups_refresh()  # start from a refreshed mark, as production runs
    rates = {False: [], True: []}
    for n in range(rounds):
        for on in (False, True) if n % 2 == 0 else (True, False):
            rate, runs = intake_rate(seconds, on, every)
            rates[on].append(rate)
            print(
                f"  round {n + 1}, rollups {'on ' if on else 'off'}: {rate:7.1f} incidents/s"
                + (f" ({runs} refreshes)" if on else "")
            )
    off, on = statistics.median(rates[False]), statistics.median(rates[True])
    print(
        f"intake: rollups off {off:.1f}/s, on {on:.1f}/s (medians of {rounds}): "
        f"cost {(off - on) / off * 100:+.1f} % (target < 5 %)"
    )
    started = time.perf_counter()
    result = rollups_refresh()
    print(f"catching up after the rounds: {result} in {time.perf_counter() - started:.2f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--intake-seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--refresh-every", type=float, default=1.0)
    parser.add_argument("--skip-views", action="store_true")
    parser.add_argument("--skip-intake", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL=postgres://...")
    if not args.skip_views:
        views(args.requests)
    if not args.skip_intake:
        intake(args.intake_seconds, args.rounds, args.refresh_every)


if __name__ == "__main__":
    main()
