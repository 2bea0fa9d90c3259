"""Finding the incidents most like one incident, or like a text somebody is typing.

Two steps, both bounded whatever the size of the desk: candidate generation from the
inverted index (one statement: the query's heaviest terms, each term's best-weighted
postings), then exact rescoring of those candidates with the scorer (one statement reads
their vectors). See docs/performance.md for the figures at 1,000,000 incidents.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from tickets.models import OPEN_STATUSES, Incident

from . import scorer
from .index import vectorize
from .models import IncidentVector, Posting


@dataclass(frozen=True)
class SimilarIncident:
    incident: Incident
    score: float


class Scope:
    """Which incidents a lookup may answer: open and recently resolved ones (what an agent acts
    on), or all of them (finding a duplicate in the history)."""

    RECENT = "recent"
    ALL = "all"
    CHOICES = (RECENT, ALL)


def _epoch_days(moment: datetime) -> float:
    return moment.timestamp() / 86400


def _candidates(*, query_terms: list[tuple[int, float]], exclude_id: int | None) -> list[int]:
    """The incidents sharing the query's heaviest terms, best partial dot product first."""
    if not query_terms:
        return []
    if connection.vendor != "postgresql":
        return scorer.rank_candidates(
            query_terms=query_terms,
            postings=lambda term: (
                Posting.objects.filter(term=term)
                .order_by("-weight")
                .values_list("incident_id", "weight")[: scorer.POSTINGS_PER_TERM]
            ),
            exclude=exclude_id,
        )
    table = Posting._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT p.incident_id
            FROM unnest(%s::integer[], %s::double precision[]) AS q(term, weight)
            CROSS JOIN LATERAL (
                SELECT incident_id, weight FROM {table}
                WHERE term = q.term ORDER BY weight DESC LIMIT %s
            ) AS p
            WHERE p.incident_id IS DISTINCT FROM %s
            GROUP BY p.incident_id
            ORDER BY sum(q.weight * p.weight) DESC, p.incident_id
            LIMIT %s
            """,  # noqa: S608 (the table name is ours)
            [
                [term for term, _ in query_terms],
                [weight for _, weight in query_terms],
                scorer.POSTINGS_PER_TERM,
                exclude_id,
                scorer.CANDIDATES,
            ],
        )
        return [row[0] for row in cursor.fetchall()]


def _rescore(
    *, query: scorer.Profile, candidate_ids: list[int], scope: str, limit: int, now: datetime
) -> list[SimilarIncident]:
    if not candidate_ids:
        return []
    rows = IncidentVector.objects.filter(incident_id__in=candidate_ids).select_related("incident", "incident__problem")
    if scope == Scope.RECENT:
        recent = now - timedelta(days=settings.SIMILAR_RESOLVED_DAYS)
        rows = rows.filter(Q(incident__status__in=OPEN_STATUSES) | Q(incident__resolved_at__gte=recent))
    rows = rows.filter(incident__duplicate_of__isnull=True).only(
        "title_vector",
        "full_vector",
        "filed_at",
        "incident__number",
        "incident__title",
        "incident__status",
        "incident__not_incident",  # the status badge says "Not an incident"
        "incident__service_id",  # self-service: an outage of the service of the most alike open incidents
        "incident__created_at",
        "incident__resolved_at",
        "incident__problem__number",
        "incident__problem__title",
        "incident__problem__status",
        "incident__problem__workaround",
    )
    scored = []
    for row in rows:
        profile = scorer.Profile(
            scorer.Vector.unpack(row.title_vector).as_dict(),
            scorer.Vector.unpack(row.full_vector).as_dict(),
            _epoch_days(row.filed_at),
        )
        value = scorer.score(query, profile)
        if value >= settings.SIMILAR_MIN_SCORE:
            scored.append(SimilarIncident(incident=row.incident, score=round(value, 4)))
    scored.sort(key=lambda s: (-s.score, s.incident.number))
    return scored[:limit]


def incident_similar(
    *, incident: Incident, limit: int = 10, scope: str = Scope.RECENT, now: datetime | None = None
) -> list[SimilarIncident]:
    """The incidents most like `incident`, best first (3 queries; 4 if it is not indexed yet)."""
    now = now or timezone.now()
    stored = IncidentVector.objects.filter(incident_id=incident.pk).only("title_vector", "full_vector").first()
    if stored is not None:
        title = scorer.Vector.unpack(stored.title_vector)
        full = scorer.Vector.unpack(stored.full_vector)
    else:  # not indexed yet (its task is on its way): weighed now, against the corpus as it is
        title, full = vectorize(title=incident.title, description=incident.description)
    query = scorer.Profile(title.as_dict(), full.as_dict(), _epoch_days(incident.created_at))
    candidate_ids = _candidates(query_terms=scorer.posting_terms(full), exclude_id=incident.pk)
    return _rescore(query=query, candidate_ids=candidate_ids, scope=scope, limit=limit, now=now)


def text_similar(
    *, title: str, description: str = "", limit: int = 10, scope: str = Scope.RECENT, now: datetime | None = None
) -> list[SimilarIncident]:
    """The incidents most like a text not (yet) an incident: a portal form, a triage request."""
    now = now or timezone.now()
    title_vector, full = vectorize(title=title, description=description)
    query = scorer.Profile(title_vector.as_dict(), full.as_dict(), _epoch_days(now))
    candidate_ids = _candidates(query_terms=scorer.posting_terms(full), exclude_id=None)
    return _rescore(query=query, candidate_ids=candidate_ids, scope=scope, limit=limit, now=now)
