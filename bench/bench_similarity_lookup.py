"""Similar-incident lookups at 1,000,000 incidents: p50/p95/p99, and what indexing costs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/servicedesk_bench \\
        .venv/bin/python bench/generate_data.py --incidents 1000000
    DATABASE_URL=... .venv/bin/python bench/bench_similarity_lookup.py --build --lookups 1000

--build fills the index for every incident not in it yet, in bulk (two passes: the term counts,
then each incident's vectors and postings, COPYed in), with the scorer's own functions: what
the workers would have written one incident at a time, in minutes instead of hours. Then
`--incremental` incidents are opened through the service and indexed by the production task
code (`incidents_index`), timed per batch; and `--lookups` random incidents are looked up as
the incident page and the API do (`incident_similar`), each timed from the incident's row to
the scored list.
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from intelligence.similarity import scorer  # noqa: E402
from intelligence.similarity.index import incidents_index, text_hash  # noqa: E402
from intelligence.similarity.models import IncidentVector, Posting, TermFrequency  # noqa: E402
from intelligence.similarity.selectors import Scope, incident_similar  # noqa: E402
from tickets import services  # noqa: E402
from tickets.models import Contact, Incident  # noqa: E402

CHUNK = 20_000


def unindexed_rows():
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT i.id, i.title, i.description, i.created_at, i.updated_at FROM tickets_incident i
            WHERE NOT EXISTS (SELECT 1 FROM {IncidentVector._meta.db_table} v WHERE v.incident_id = i.id)
            ORDER BY i.id"""
        )
        rows = cursor.fetchall()
    return rows


def copy(table: str, columns: list[str], lines: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", io.StringIO("\n".join(lines) + "\n")
        )


def build() -> None:
    started = time.perf_counter()
    rows = unindexed_rows()
    print(f"{len(rows):,} incidents to index (read in {time.perf_counter() - started:.1f}s)", flush=True)
    if not rows:
        return
    frequency: Counter = Counter(dict(TermFrequency.objects.values_list("term", "documents")))
    for _, title, description, *_ in rows:
        frequency.update(scorer.document_terms([scorer.title_terms(title), scorer.full_terms(title, description)]))
    frequency[scorer.DOCUMENTS_TERM] += len(rows)
    documents = frequency[scorer.DOCUMENTS_TERM]
    print(f"pass 1 (term counts): {time.perf_counter() - started:.1f}s, {len(frequency):,} terms", flush=True)
    now = timezone.now().isoformat()
    vectors, postings = [], []
    for n, (incident_id, title, description, created_at, updated_at) in enumerate(rows, 1):
        title_vector = scorer.weigh(scorer.title_terms(title), frequency=frequency.__getitem__, documents=documents)
        full = scorer.weigh(scorer.full_terms(title, description), frequency=frequency.__getitem__, documents=documents)
        vectors.append(
            f"{incident_id},\\x{title_vector.pack().hex()},\\x{full.pack().hex()},"
            f"{text_hash(title=title, description=description)},{created_at.isoformat()},"
            f"{updated_at.isoformat()},{now}"
        )
        postings.extend(f"{term},{incident_id},{weight!r}" for term, weight in scorer.posting_terms(full))
        if n % CHUNK == 0 or n == len(rows):
            with transaction.atomic():
                copy(
                    IncidentVector._meta.db_table,
                    [
                        "incident_id",
                        "title_vector",
                        "full_vector",
                        "text_hash",
                        "filed_at",
                        "seen_updated_at",
                        "indexed_at",
                    ],
                    vectors,
                )
                copy(Posting._meta.db_table, ["term", "incident_id", "weight"], postings)
            vectors.clear()
            postings.clear()
            if n % 200_000 == 0:
                print(f"  {n:,} indexed  {time.perf_counter() - started:.1f}s", flush=True)
    with transaction.atomic():
        TermFrequency.objects.all().delete()
        copy(TermFrequency._meta.db_table, ["term", "documents"], [f"{t},{d}" for t, d in frequency.items()])
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Posting._meta.db_table}")
        cursor.execute(f"VACUUM ANALYZE {IncidentVector._meta.db_table}")
        cursor.execute(f"VACUUM ANALYZE {TermFrequency._meta.db_table}")
    print(f"built in {time.perf_counter() - started:.1f}s", flush=True)


def incremental(count: int, batch: int) -> None:
    """Open `count` incidents through the service, index them as the task does, timed."""
    if not count:
        return
    reporter = Contact.objects.order_by("id").first()
    rng = random.Random(7)
    words = ["vpn", "tunnel", "drops", "outlook", "password", "printer", "jam", "wifi", "slow", "teams", "audio"]
    drafts = [
        services.IncidentDraft(
            reporter=reporter,
            title=" ".join(rng.choice(words) for _ in range(5)),
            description=" ".join(rng.choice(words) for _ in range(30)),
        )
        for _ in range(count)
    ]
    made = services.incidents_create_bulk(drafts=drafts)
    timings = []
    for start in range(0, len(made), batch):
        ids = [i.pk for i in made[start : start + batch]]
        began = time.perf_counter()
        incidents_index(incident_ids=ids)
        timings.append((time.perf_counter() - began) * 1000 / len(ids))
    print(
        f"incremental: {count} new incidents indexed by incidents_index in batches of {batch}:"
        f" {statistics.mean(timings):.2f} ms per incident (mean of batches), worst batch {max(timings):.2f} ms each"
    )


def lookups(count: int, scope: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM tickets_incident")
        low, high = cursor.fetchone()
    rng = random.Random(11)
    ids = [rng.randint(low, high) for _ in range(count)]
    times, queries, found = [], [], []
    for incident_id in ids:
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            incident = Incident.objects.get(pk=incident_id)
            result = incident_similar(incident=incident, limit=10, scope=scope)
            times.append((time.perf_counter() - began) * 1000)
        queries.append(len(captured))
        found.append(len(result))
    times.sort()

    def pct(p: float) -> float:
        return times[min(len(times) - 1, int(p * len(times)))]

    print(
        f"lookups (scope={scope}): {count} random incidents, p50 {pct(0.50):.1f} ms, p95 {pct(0.95):.1f} ms,"
        f" p99 {pct(0.99):.1f} ms, max {times[-1]:.1f} ms; {statistics.mean(queries):.1f} queries each;"
        f" {statistics.mean(found):.1f} similar found on average"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--incremental", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--lookups", type=int, default=1000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL (DATABASE_URL), filled by bench/generate_data.py.")
    total = Incident.objects.count()
    print(f"{total:,} incidents; {Posting.objects.count() if total < 200_000 else '(many)'} postings")
    if args.build:
        build()
    incremental(args.incremental, args.batch)
    lookups(args.lookups, Scope.ALL)
    lookups(args.lookups, Scope.RECENT)


if __name__ == "__main__":
    main()
