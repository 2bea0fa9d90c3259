"""Known errors to the rescue: matching new incidents to known errors, sending the workaround
(one incident, or every open incident of a problem), each once, as a public reply through the
incident's own channel (tickets' public reply; social sends it through its outbox)."""

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tickets import services as tickets
from tickets.access import is_agent
from tickets.models import OPEN_STATUSES, Incident, Problem, ProblemStatus, Visibility

from ..similarity.selectors import Scope, incident_similar
from .models import KnownErrorMatch

# An incident this alike to one linked to a known error is taken to match it.
MATCH_SCORE = 0.4


def is_known_error(problem: Problem) -> bool:
    return problem.status == ProblemStatus.KNOWN_ERROR and bool(problem.workaround.strip())


def known_errors_match(*, incident_ids: list[int], now: datetime | None = None) -> int:
    """Record which known errors these incidents match (through the similar incidents linked to
    them). Idempotent: a match already recorded is kept as it is. Returns the matches added."""
    now = now or timezone.now()
    added = 0
    for incident in Incident.objects.filter(pk__in=incident_ids, problem__isnull=True, duplicate_of__isnull=True):
        if incident.status not in OPEN_STATUSES:
            continue
        best: dict[int, tuple[float, int]] = {}
        for found in incident_similar(incident=incident, limit=10, scope=Scope.ALL, now=now):
            problem = found.incident.problem
            if problem is None or found.score < MATCH_SCORE or not is_known_error(problem):
                continue
            if found.score > best.get(problem.pk, (0.0, 0))[0]:
                best[problem.pk] = (found.score, found.incident.pk)
        rows = [
            KnownErrorMatch(incident=incident, problem_id=pk, via_id=via, score=round(score, 4), matched_at=now)
            for pk, (score, via) in best.items()
        ]
        added += len(KnownErrorMatch.objects.bulk_create(rows, ignore_conflicts=True))
    return added


def workaround_text(problem: Problem) -> str:
    if problem.status in (ProblemStatus.RESOLVED, ProblemStatus.CLOSED) and problem.root_cause.strip():
        return f"This is fixed: {problem.root_cause.strip()}"
    return problem.workaround.strip()


def _send(*, match: KnownErrorMatch, incident: Incident, problem: Problem, actor: User, now: datetime) -> None:
    reply = tickets.comment_create(
        incident=incident, body=workaround_text(problem), visibility=Visibility.PUBLIC, author=actor
    )
    match.reply, match.sent_by, match.sent_at = reply, actor, now
    match.save(update_fields=["reply", "sent_by", "sent_at"])


def workaround_send(*, incident: Incident, problem: Problem, actor: User) -> KnownErrorMatch:
    """One click: the known error's workaround to this incident's reporter, on its channel."""
    if not is_agent(actor):
        raise ValidationError("Only agents send workarounds.")
    if not workaround_text(problem):
        raise ValidationError(f"{problem.number} has no workaround to send.")
    if incident.status not in OPEN_STATUSES:
        raise ValidationError(f"{incident.number} is {incident.get_status_display().lower()}.")
    now = timezone.now()
    with transaction.atomic():
        match, _ = KnownErrorMatch.objects.select_for_update().get_or_create(
            incident=incident, problem=problem, defaults={"matched_at": now}
        )
        if match.sent_at is not None:
            raise ValidationError(f"The workaround of {problem.number} was already sent to {incident.number}.")
        _send(match=match, incident=incident, problem=problem, actor=actor, now=now)
    return match


def problem_tell_affected(*, problem: Problem, actor: User) -> list[Incident]:
    """Send the workaround (or the fix) to every open incident linked to the problem, on each
    one's own channel, once each: an incident already told is skipped. Returns those told."""
    if not is_agent(actor):
        raise ValidationError("Only agents tell the affected.")
    if not workaround_text(problem):
        raise ValidationError(f"{problem.number} has no workaround or fix to send yet.")
    now = timezone.now()
    told = []
    with transaction.atomic():
        incidents = list(
            Incident.objects.filter(problem=problem, status__in=OPEN_STATUSES).select_for_update().order_by("id")
        )
        existing = {
            m.incident_id: m
            for m in KnownErrorMatch.objects.select_for_update().filter(problem=problem, incident__in=incidents)
        }
        for incident in incidents:
            match = existing.get(incident.pk) or KnownErrorMatch.objects.create(
                incident=incident, problem=problem, matched_at=now, score=1.0
            )
            if match.sent_at is None:
                _send(match=match, incident=incident, problem=problem, actor=actor, now=now)
                told.append(incident)
    return told
