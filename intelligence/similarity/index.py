"""Keeping the similar-incident index up to date, incident by incident, as they arrive or change.

`incidents_index` is the only writer of the index's tables. It is idempotent (an incident whose
text did not change costs one read) and safe under concurrent workers: each incident is
locked for the run (a PostgreSQL advisory lock, taken in id order), and term frequencies
change by increments, so two workers indexing overlapping batches add up exactly.
"""

import hashlib
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from tickets.models import Incident

from . import scorer
from .models import IncidentVector, Posting, TermFrequency

# The advisory lock namespace of the index (pg_advisory_xact_lock's first key): "SIMI".
LOCK_NAMESPACE = 0x53494D49
UPSERT_CHUNK = 2000


def text_hash(*, title: str, description: str) -> str:
    return hashlib.blake2b(f"{title}\x00{description}".encode(), digest_size=16).hexdigest()


def frequencies(terms: Iterable[int]) -> dict[int, int]:
    """The document frequency of each of `terms` (absent ones: 0), and of DOCUMENTS_TERM."""
    wanted = {*terms, scorer.DOCUMENTS_TERM}
    found = dict(TermFrequency.objects.filter(term__in=wanted).values_list("term", "documents"))
    return {term: found.get(term, 0) for term in wanted}


def vectorize(
    *, title: str, description: str, counts: dict[int, int] | None = None
) -> tuple[scorer.Vector, scorer.Vector]:
    """An incident's (or a typed text's) two vectors weighed against the corpus as it is now.

    `counts` are document frequencies already read; without them one query reads them."""
    title_counts = scorer.title_terms(title)
    full_counts = scorer.full_terms(title, description)
    if counts is None:
        counts = frequencies(scorer.document_terms([title_counts, full_counts]))
    return _weigh(title_counts, full_counts, counts)


def _lock(incident_ids: list[int]) -> None:
    """Hold each incident's index lock until the transaction ends (id order: no deadlock)."""
    if connection.vendor != "postgresql" or not incident_ids:
        return  # SQLite (make run) writes one transaction at a time anyway
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s::integer, id) FROM unnest(%s::integer[]) AS id ORDER BY id",
            [LOCK_NAMESPACE, incident_ids],
        )


def _add_frequencies(deltas: Counter) -> None:
    """documents += delta per term, in term order (two runs lock rows in the same order)."""
    rows = sorted((term, delta) for term, delta in deltas.items() if delta)
    table = TermFrequency._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_CHUNK):
            chunk = rows[start : start + UPSERT_CHUNK]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (term, documents) VALUES {values} "  # noqa: S608 (no user text)
                f"ON CONFLICT (term) DO UPDATE SET documents = {table}.documents + excluded.documents",
                [value for row in chunk for value in row],
            )


def _document_terms(vector: IncidentVector) -> set[int]:
    title = scorer.Vector.unpack(vector.title_vector)
    full = scorer.Vector.unpack(vector.full_vector)
    return {*title.terms, *full.terms, scorer.DOCUMENTS_TERM}


def incidents_index(*, incident_ids: Iterable[int], now: datetime | None = None) -> int:
    """(Re)index these incidents if their words changed; returns how many were (re)weighed."""
    now = now or timezone.now()
    incident_ids = sorted(set(incident_ids))
    if not incident_ids:
        return 0
    with transaction.atomic():
        _lock(incident_ids)
        incidents = list(
            Incident.objects.filter(pk__in=incident_ids).only("id", "title", "description", "created_at", "updated_at")
        )
        stored = {v.incident_id: v for v in IncidentVector.objects.filter(incident_id__in=incident_ids)}
        changed, unchanged = [], []
        for incident in incidents:
            digest = text_hash(title=incident.title, description=incident.description)
            previous = stored.get(incident.pk)
            if previous is None or previous.text_hash != digest:
                title_counts = scorer.title_terms(incident.title)
                full_counts = scorer.full_terms(incident.title, incident.description)
                changed.append((incident, digest, title_counts, full_counts))
            elif previous.seen_updated_at != incident.updated_at:
                previous.seen_updated_at = incident.updated_at
                unchanged.append(previous)
        if unchanged:
            IncidentVector.objects.bulk_update(unchanged, ["seen_updated_at"])
        if not changed:
            return 0
        deltas: Counter = Counter()
        for incident, _, title_counts, full_counts in changed:
            new_terms = scorer.document_terms([title_counts, full_counts]) | {scorer.DOCUMENTS_TERM}
            old_terms = _document_terms(stored[incident.pk]) if incident.pk in stored else set()
            deltas.update(new_terms - old_terms)
            deltas.subtract(old_terms - new_terms)
        _add_frequencies(deltas)
        counts = frequencies(
            term for _, _, title_counts, full_counts in changed for term in (*title_counts, *full_counts)
        )
        vectors, postings = [], []
        for incident, digest, title_counts, full_counts in changed:
            title, full = _weigh(title_counts, full_counts, counts)
            vectors.append(
                IncidentVector(
                    incident_id=incident.pk,
                    title_vector=title.pack(),
                    full_vector=full.pack(),
                    text_hash=digest,
                    filed_at=incident.created_at,
                    seen_updated_at=incident.updated_at,
                    indexed_at=now,
                )
            )
            postings.extend(
                Posting(term=term, incident_id=incident.pk, weight=weight)
                for term, weight in scorer.posting_terms(full)
            )
        changed_ids = [incident.pk for incident, *_ in changed]
        Posting.objects.filter(incident_id__in=changed_ids).delete()
        IncidentVector.objects.bulk_create(
            vectors,
            update_conflicts=True,
            unique_fields=["incident"],
            update_fields=["title_vector", "full_vector", "text_hash", "filed_at", "seen_updated_at", "indexed_at"],
        )
        Posting.objects.bulk_create(postings, batch_size=5000)
    return len(changed)


def _weigh(title_counts: Counter, full_counts: Counter, counts: dict[int, int]) -> tuple[scorer.Vector, scorer.Vector]:
    documents = max(counts.get(scorer.DOCUMENTS_TERM, 0), 1)
    return (
        scorer.weigh(title_counts, frequency=lambda t: counts.get(t, 0), documents=documents),
        scorer.weigh(full_counts, frequency=lambda t: counts.get(t, 0), documents=documents),
    )


def incidents_to_index(*, since: datetime, limit: int) -> list[int]:
    """Incidents changed since `since` that the index has not seen as they are now: never
    indexed, or changed after the index last read them (a text edit, or any other change,
    which costs the index one read and no write)."""
    return list(
        Incident.objects.filter(updated_at__gte=since)
        .filter(Q(similarity_vector__isnull=True) | Q(similarity_vector__seen_updated_at__lt=F("updated_at")))
        .order_by("updated_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def incidents_index_pending(*, lookback: timedelta, batch_size: int = 500, max_batches: int = 20) -> int:
    """The sweep: index what the on-commit tasks missed (bulk intake, a lost task, a worker down)."""
    since = timezone.now() - lookback
    done = 0
    for _ in range(max_batches):
        pending = incidents_to_index(since=since, limit=batch_size)
        if not pending:
            break
        incidents_index(incident_ids=pending)
        done += len(pending)
    return done
