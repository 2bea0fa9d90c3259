"""Proposing problem candidates, and an agent's answer to one (accept or dismiss)."""

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from tickets import services as tickets
from tickets.access import is_agent
from tickets.models import Incident, IncidentStatus, Problem

from ..similarity import scorer
from ..similarity.index import frequencies
from ..similarity.models import IncidentVector
from . import grouping
from .models import CandidateState, ProblemCandidate

logger = logging.getLogger(__name__)

# Only one refresh at a time (a second one started meanwhile has nothing to add): "CAND".
REFRESH_LOCK = 0x43414E44


@dataclass(frozen=True)
class RefreshResult:
    window: int  # incidents looked at
    proposed: int
    lapsed: int


def _window(now: datetime) -> list[Incident]:
    since = now - timedelta(hours=settings.PROBLEM_CANDIDATE_WINDOW_HOURS)
    return list(
        Incident.objects.filter(created_at__gte=since, problem__isnull=True, duplicate_of__isnull=True)
        .exclude(status__in=[IncidentStatus.CLOSED, IncidentStatus.CANCELLED])
        .select_related("service")
        .only("id", "number", "title", "description", "created_at", "service__name")
        .order_by("-created_at")[: settings.PROBLEM_CANDIDATE_MAX_INCIDENTS]
    )


def _try_lock() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [REFRESH_LOCK])
        return cursor.fetchone()[0]


def candidates_refresh(*, now: datetime | None = None) -> RefreshResult:
    """Propose the groups of similar incidents in the recent window that no problem holds yet.

    A group already proposed, accepted or dismissed with the same members is not proposed
    again; a proposal whose group is no longer there (members linked, or more joined) lapses."""
    now = now or timezone.now()
    with transaction.atomic():
        if not _try_lock():
            return RefreshResult(0, 0, 0)
        incidents = {i.pk: i for i in _window(now)}
        vectors = IncidentVector.objects.filter(incident_id__in=list(incidents)).only(
            "title_vector", "full_vector", "filed_at"
        )
        profiles, fulls = {}, {}
        for row in vectors:
            full = scorer.Vector.unpack(row.full_vector)
            title = scorer.Vector.unpack(row.title_vector)
            fulls[row.incident_id] = full
            profiles[row.incident_id] = scorer.Profile(
                title.as_dict(), full.as_dict(), row.filed_at.timestamp() / 86400
            )
        edges = grouping.window_edges(profiles, fulls)
        found = grouping.groups(edges)
        signatures = {grouping.signature(group): group for group in found}
        known = set(ProblemCandidate.objects.filter(signature__in=list(signatures)).values_list("signature", flat=True))
        lapsed = (
            ProblemCandidate.objects.filter(state=CandidateState.PROPOSED)
            .exclude(signature__in=list(signatures))
            .update(state=CandidateState.LAPSED, updated_at=now)
        )
        fresh = [(sig, group) for sig, group in signatures.items() if sig not in known]
        if fresh:
            scores = {(a, b): s for a, b, s in edges}
            _propose(fresh, incidents=incidents, scores=scores, now=now)
    return RefreshResult(window=len(incidents), proposed=len(fresh), lapsed=lapsed)


def _propose(fresh, *, incidents: dict[int, Incident], scores: dict, now: datetime) -> None:
    texts = {
        i: scorer.words(f"{incidents[i].title}\n{incidents[i].description[: scorer.DESCRIPTION_CHARS]}")
        for _, group in fresh
        for i in group
    }
    counts = frequencies(scorer.term_id(w) for words in texts.values() for w in words)
    documents = max(counts[scorer.DOCUMENTS_TERM], 1)
    made = []
    for sig, group in fresh:
        members = sorted(group)
        pair_scores = [scores.get((a, b), 0.0) for a in members for b in members if a < b]
        linked = [s for s in pair_scores if s >= grouping.PAIR_THRESHOLD]
        # The title of the member most like the others speaks for the group.
        medoid = max(members, key=lambda m: sum(scores.get((min(m, o), max(m, o)), 0.0) for o in members if o != m))
        services = Counter(incidents[m].service.name for m in members if incidents[m].service_id)
        candidate = ProblemCandidate(
            signature=sig,
            suggested_title=incidents[medoid].title[:200],
            top_terms=grouping.top_terms(
                [texts[m] for m in members],
                frequency=lambda w: counts.get(scorer.term_id(w), 0),
                documents=documents,
            ),
            services=[name for name, _ in services.most_common()],
            cohesion=round(sum(linked) / len(linked), 4) if linked else 0.0,
            created_at=now,
            updated_at=now,
        )
        made.append((candidate, members))
    ProblemCandidate.objects.bulk_create([c for c, _ in made], ignore_conflicts=True)
    saved = {c.signature: c.pk for c in ProblemCandidate.objects.filter(signature__in=[c.signature for c, _ in made])}
    through = ProblemCandidate.members.through
    through.objects.bulk_create(
        [through(problemcandidate_id=saved[c.signature], incident_id=m) for c, members in made for m in members],
        ignore_conflicts=True,
    )


def _decidable(candidate: ProblemCandidate, actor: User) -> ProblemCandidate:
    if not is_agent(actor):
        raise ValidationError("Only agents accept or dismiss problem candidates.")
    candidate = ProblemCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.state != CandidateState.PROPOSED:
        raise ValidationError(f"This candidate was already {candidate.get_state_display().lower()}.")
    return candidate


def candidate_accept(*, candidate: ProblemCandidate, actor: User, title: str = "") -> Problem:
    """Make the problem: titled as the agent says (or as suggested), its members linked (those
    not linked elsewhere meanwhile), the most frequent service its service."""
    with transaction.atomic():
        candidate = _decidable(candidate, actor)
        members = list(candidate.members.select_related("service").order_by("id"))
        free = [m for m in members if m.problem_id is None]
        if not free:
            raise ValidationError("Every incident of this candidate is linked to a problem already.")
        services = Counter(m.service for m in free if m.service_id)
        problem = tickets.problem_create(
            title=(title or candidate.suggested_title).strip()[:200],
            description="Proposed from similar incidents: "
            + ", ".join(m.number for m in free)
            + (f".\nCommon terms: {', '.join(candidate.top_terms)}." if candidate.top_terms else "."),
            service=services.most_common(1)[0][0] if services else None,
            incidents=free,
            actor=actor,
        )
        candidate.state = CandidateState.ACCEPTED
        candidate.problem = problem
        candidate.decided_by = actor
        candidate.decided_at = candidate.updated_at = timezone.now()
        candidate.save(update_fields=["state", "problem", "decided_by", "decided_at", "updated_at"])
    return problem


def candidate_dismiss(*, candidate: ProblemCandidate, actor: User) -> ProblemCandidate:
    """Not a problem: remembered, so these same incidents are not proposed together again."""
    with transaction.atomic():
        candidate = _decidable(candidate, actor)
        candidate.state = CandidateState.DISMISSED
        candidate.decided_by = actor
        candidate.decided_at = candidate.updated_at = timezone.now()
        candidate.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
    return candidate
