"""Measure the console's server time on a big desk (PostgreSQL), as issue 3 asks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sd_console_bench \\
        .venv/bin/python bench/bench_console.py --requests 60

Fill the database first with bench/generate_data.py. Each page is requested through
Django's test client in this process (middleware, view, queries, template: everything the
server does, without the network), a few times to warm up and then --requests times; the
script prints the median and 95th percentile, the number of queries of one request, and
the rows shown. Targets at 1,000,000 incidents: queue p95 < 100 ms, search p95 < 300 ms,
incident page p95 < 100 ms, at most 10 queries per page. The bench agent has six saved views
(SAVED_VIEWS, made if missing): the queue draws their counts from the shared cache (set
CACHE_URL=redis://... to time it as production runs) and a fragment loaded after the page
counts those the cache lacks; both are timed, the fragment with the cache emptied before
each request (its worst case: every view counted) and with it full.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("USE_HTTPS", "false")
os.environ.setdefault("STATIC_FROM_COLLECTSTATIC", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from tickets import selectors  # noqa: E402
from tickets.models import Incident, SavedView  # noqa: E402

SEARCHES = [
    "printer jams",
    "vpn disconnects",
    "certificate",
    "mfa code",
    '"shared drive"',
    "payroll error",
    "outlook password",
    "monitor flickers",
    "timeout -vpn",
    "docking",
    "kerberos",  # in no incident: the GIN index answers at once
    "INC0500000",  # an incident's number: the queue answers with a redirect to it
]
# The bench agent's saved views (issue 14): counted exact up to 1,000, estimated above.
SAVED_VIEWS = {
    "Mine": "assignee=me",
    "Unassigned": "assignee=none",
    "Breached": "sla=breached",
    "Critical": "priority=1",
    "VPN words": "q=vpn+disconnects&status=",
    "All": "status=",
}


def rich_incidents(limit: int = 10) -> list[str]:
    """Incidents with 50 timeline entries (25 comments; see bench/generate_data.py)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.number FROM tickets_incident i JOIN ("
            "  SELECT incident_id FROM tickets_comment GROUP BY incident_id HAVING count(*) = 25 LIMIT %s"
            ") c ON c.incident_id = i.id",
            [limit],
        )
        return [row[0] for row in cursor.fetchall()]


def forget_saved_view_counts() -> None:
    """As if no count were cached: a new key prefix (nothing shared is deleted)."""
    selectors.SAVED_VIEW_COUNT_KEY_PREFIX = f"bench-saved-view-count:{uuid.uuid4()}:"


def measure(
    client: Client, urls: list[str], requests: int, warmup: int = 5, before: Callable[[], None] | None = None
) -> dict:
    """`before` runs ahead of every request, untimed."""
    before = before or (lambda: None)
    for n in range(warmup):
        before()
        client.get(urls[n % len(urls)])
    before()
    # Django empties connection.queries at each request's start: count with a wrapper.
    executed = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: executed.append(sql) or execute(sql, params, many, context)
    ):
        response = client.get(urls[0])
    assert response.status_code in (200, 302), (urls[0], response.status_code)
    text = response.text
    if 'id="saved-view-list"' in text and "<tr data-incident=" not in text:
        rows = text.count("data-count-exact=")  # the counts drawn
    elif '<ol class="timeline"' in text:
        rows = text.split('<ol class="timeline"')[1].split("</ol>")[0].count("<li ")
    else:
        rows = text.count("<tr data-incident=")
    timings = []
    for n in range(requests):
        url = urls[n % len(urls)]
        before()
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 302), (url, response.status_code)
    timings.sort()
    return {
        "median": statistics.median(timings),
        "p95": timings[max(0, int(len(timings) * 0.95) - 1)],
        "queries": len(executed),
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=60, help="measured requests per page (at least 50)")
    parser.add_argument("--agent", default="bench-agent-0")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL=postgres://...")

    total = Incident.objects.count()
    agent = User.objects.get(username=args.agent)
    for name, query in SAVED_VIEWS.items():
        SavedView.objects.get_or_create(owner=agent, name=name, defaults={"query": query, "shared": True})
    client = Client()
    client.force_login(agent)
    middle = Incident.objects.order_by("created_at", "id").values_list("pk", flat=True)[total // 2]
    rich = rich_incidents()
    if not rich:
        sys.exit("No incident with 50 timeline entries: run bench/generate_data.py first.")

    counts = "/incidents/views/counts/"
    forget_saved_view_counts()
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"saved views: {SavedView.objects.filter(owner=agent).count()}; cache: {backend}")
    pages = {
        "queue, default (open, triage order)": ["/incidents/"],
        "queue, filtered (unassigned, P2)": ["/incidents/?assignee=none&priority=2"],
        "queue, filtered (mine, breached)": ["/incidents/?assignee=me&sla=breached"],
        "queue, filtered (P3, unassigned, X)": ["/incidents/?priority=3&assignee=none&channel=twitter"],
        "queue, filtered (VPN, in progress, new)": ["/incidents/?status=in_progress&service=2&sort=newest"],
        "queue, page 10,000 (all, newest)": [f"/incidents/?status=&sort=newest&after={middle}"],
        f"search, all statuses ({len(SEARCHES)} terms)": [f"/incidents/?status=&q={q}" for q in SEARCHES],
        f"search, open, triage ({len(SEARCHES)} terms)": [f"/incidents/?q={q}" for q in SEARCHES],
        "incident page, 50 timeline entries": [f"/incidents/{number}/" for number in rich],
        "live poll, nothing new": ["/incidents/live/?since=2100-01-01T00:00:00%2B00:00&last_id=999999999"],
        "saved-view counts, from the cache": [counts],
    }
    views = selectors.saved_views_for(user=agent)

    def keep_counts_cached() -> None:
        """The queue as an agent sees it after the counts' fragment loaded once in the last
        30 s: every count drawn from the cache (a cold cache gets the fragment's figures)."""
        selectors.saved_view_counts(user=agent, views=views, now=timezone.now())

    # (name, urls, run before each request, untimed)
    timed = [
        (name, urls, keep_counts_cached if urls[0].split("?")[0] == "/incidents/" else None)
        for name, urls in pages.items()
    ]
    timed.append(("saved-view counts, all counted", [counts], forget_saved_view_counts))
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(",")[0]
    print(f"{total:,} incidents; {version}; {args.requests} requests per page; load {os.getloadavg()}")
    print(f"{'page':<40} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'rows':>6}")
    for name, urls, before in timed:
        result = measure(client, urls, args.requests, before=before)
        print(f"{name:<40} {result['median']:>10.1f} {result['p95']:>8.1f} {result['queries']:>8} {result['rows']:>6}")
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
