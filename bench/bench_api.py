"""Time GET /api/v1/incidents/ (pages of 50) on a large desk: median, p95 and queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/servicedesk_bench \\
        .venv/bin/python bench/bench_api.py --requests 60

Fill the database first with bench/generate_data.py. Requests go through the whole Django
and REST framework stack in this process (token authentication, permissions, filters,
keyset pagination, serialization, ETag), not through an HTTP server. Each scenario is
warmed up, then timed over --requests requests, the scenarios taking turns so that load
from elsewhere falls on all of them alike; the query count is counted on every request.
The deep scenario follows `next` links page after page, as an integrator syncing the
whole desk does. The machine's load average is printed with the figures: the cores may
be shared.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
# Plain HTTP in-process, like the test suite (production sits behind a TLS proxy).
os.environ.setdefault("USE_HTTPS", "false")
os.environ.setdefault("STATIC_FROM_COLLECTSTATIC", "false")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from tickets.models import Contact, Incident, Service  # noqa: E402


def token_for(user: User) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def bench_people() -> tuple[str, str, User]:
    """An agent of the generated desk, and a customer who reported a few of its incidents."""
    agent = User.objects.filter(username__startswith="bench-agent-").order_by("id").first()
    if agent is None:
        sys.exit("No bench agents: run bench/generate_data.py first.")
    customer, created = User.objects.get_or_create(username="bench-customer", defaults={"first_name": "Bench"})
    if created:
        customer.set_unusable_password()
        customer.save()
        customer.groups.add(Group.objects.get(name="customer"))
    if not Contact.objects.filter(user=customer).exists():
        contact = Contact.objects.filter(user__isnull=True, incidents__isnull=False).order_by("id").first()
        contact.user = customer
        contact.save(update_fields=["user"])
    return token_for(agent), token_for(customer), agent


def timed(client: Client, token: str, url: str) -> tuple[float, int, dict]:
    started = time.perf_counter()
    response = client.get(url, HTTP_AUTHORIZATION=f"Token {token}")
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        sys.exit(f"{url}: {response.status_code} {response.content[:300]!r}")
    body = response.json()
    return elapsed, len(body["results"]), body


def queries(client: Client, token: str, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url, HTTP_AUTHORIZATION=f"Token {token}")
    return len(captured)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run_interleaved(client: Client, scenarios: list[tuple[str, str, str]], count: int) -> list[dict]:
    """Time every scenario `count` times, one request of each in turn, so that a burst of
    load from elsewhere on the machine falls on all of them alike. The deep scenario takes
    the next page each round, starting from the first."""
    for _name, token, url in scenarios:
        for _ in range(3):
            timed(client, token, url)
    results = [{"name": name, "url": url, "samples": [], "rows": 0, "queries": set()} for name, _, url in scenarios]
    for _ in range(count):
        for (name, token, _url), result in zip(scenarios, results, strict=True):
            elapsed, rows, body = timed(client, token, result["url"])
            result["samples"].append(elapsed)
            result["rows"] = rows
            result["queries"].add(queries(client, token, result["url"]))
            if name.startswith("pages "):
                parts = urlsplit(body["next"])
                result["url"] = f"{parts.path}?{parts.query}"
    for result in results:
        result["queries"] = "/".join(map(str, sorted(result["queries"])))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per scenario (at least 50)")
    parser.add_argument("--skip-worst", action="store_true", help="leave out the known slow search")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL=postgres://...")
    settings.API_THROTTLE_RATES = {"user": None, "anon": None}
    count = max(args.requests, 50)
    agent_token, customer_token, agent = bench_people()
    service = Service.objects.order_by("id").first()
    total = Incident.objects.count()
    last_number = Incident.objects.order_by("-id").values_list("number", flat=True).first()
    middle = f"INC{int(last_number[3:]) // 2:07d}"
    client = Client()

    scenarios = [
        ("default (newest first)", agent_token, "/api/v1/incidents/"),
        ("status=in_progress", agent_token, "/api/v1/incidents/?status=in_progress"),
        ("status=new&priority=1", agent_token, "/api/v1/incidents/?status=new&priority=1"),
        (
            f"assignee={agent.pk}&status=resolved",
            agent_token,
            f"/api/v1/incidents/?assignee={agent.pk}&status=resolved",
        ),
        (
            f"service={service.pk}&channel=twitter",
            agent_token,
            f"/api/v1/incidents/?service={service.pk}&channel=twitter",
        ),
        ("major=true", agent_token, "/api/v1/incidents/?major=true"),
        (
            "created in a month",
            agent_token,
            "/api/v1/incidents/?created_after=2025-06-01T00:00:00Z&created_before=2025-07-01T00:00:00Z",
        ),
        ("ordering=priority", agent_token, "/api/v1/incidents/?ordering=priority"),
        ("ordering=-updated_at", agent_token, "/api/v1/incidents/?ordering=-updated_at"),
        ("ordering=number", agent_token, "/api/v1/incidents/?ordering=number"),
        (f"search={middle} (a number)", agent_token, f"/api/v1/incidents/?search={middle}"),
        ("search=printer (a common word)", agent_token, "/api/v1/incidents/?search=printer"),
        ("search=zanzibar (a word no title has)", agent_token, "/api/v1/incidents/?search=zanzibar"),
        ("customer's own incidents", customer_token, "/api/v1/incidents/"),
        (f"pages 1-{count}, following next", agent_token, "/api/v1/incidents/"),
    ]
    # Known to be slow (see docs/performance.md): timed on its own, after the others.
    worst = [("search=vpn drops (common words, never together)", agent_token, "/api/v1/incidents/?search=vpn+drops")]
    started = os.getloadavg()
    results = run_interleaved(client, scenarios, count)
    if not args.skip_worst:
        results += run_interleaved(client, worst, count)

    ended = os.getloadavg()
    print(f"{total:,} incidents; {count} timed requests per scenario, interleaved; page size 50")
    print(
        f"load average (1, 5, 15 min) at the start {started[0]:.2f} {started[1]:.2f} {started[2]:.2f}, "
        f"at the end {ended[0]:.2f} {ended[1]:.2f} {ended[2]:.2f} ({os.cpu_count()} cores)"
    )
    print()
    print(f"| {'scenario':<50} | rows | median ms | p95 ms | queries |")
    print(f"|{'-' * 52}|------|-----------|--------|---------|")
    for result in results:
        samples = result["samples"]
        print(
            f"| {result['name']:<50} | {result['rows']:>4} | {statistics.median(samples):>9.1f} "
            f"| {p95(samples):>6.1f} | {result['queries']!s:>7} |"
        )


if __name__ == "__main__":
    main()
