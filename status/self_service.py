"""Self-service while somebody writes an incident: the public known errors and the current
outages that match what they typed, and "this solved it" (a deflection) when one does.

The judgement is the triage's (`intelligence.routing.triage.triage_text`: the suggested
service, the similar incidents and the known errors they lead to); what is shown is public
only. Other people's incidents, internal notes and the internal workaround never leave here:
a matching known error is shown in its public words (`PublicKnownError`, published), an
outage as the status page says it (the service's state, its public reason and updates)."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from broadcasts.models import Broadcast
from intelligence.known_errors.services import MATCH_SCORE
from intelligence.routing.triage import Triage, triage_text
from tickets.models import Deflection, DeflectionKind, ProblemStatus, Service
from tickets.services import deflection_record

from .models import PublicKnownError, ServiceState
from .selectors import current_incidents, public_broadcasts
from .state import Status, service_states

# Fewer letters than this say too little to match anything (and cost nothing to skip).
MIN_TEXT_CHARS = 8
SHOWN = 3  # known errors, and outages, at most
SIMILAR_OPEN = 10  # the open incidents whose services an outage may be recognised by
# A current outage is told in broadcasts of the last days; older ones are history.
UPDATES_SINCE = timedelta(days=7)


@dataclass(frozen=True)
class KnownErrorSuggestion:
    known_error: PublicKnownError  # the public words: title, description, workaround
    score: float


@dataclass(frozen=True)
class OutageSuggestion:
    status: Status  # the service, its public state and reason
    updates: list[Broadcast] = field(default_factory=list)  # the status page's, newest first

    @property
    def service(self) -> Service:
        return self.status.service


@dataclass
class Suggestions:
    known_errors: list[KnownErrorSuggestion] = field(default_factory=list)
    outages: list[OutageSuggestion] = field(default_factory=list)
    triage: Triage | None = None  # the whole judgement, for agents only (never rendered to the public)

    @property
    def prefill_service(self) -> Service | None:
        """The triage's service when the desk is sure enough to fill it in for an agent."""
        if self.triage is None or self.triage.confidence < settings.TRIAGE_PREFILL_CONFIDENCE:
            return None
        return self.triage.service

    @property
    def count(self) -> int:
        return len(self.known_errors) + len(self.outages)

    def __bool__(self) -> bool:
        return bool(self.count)


def _public_known_errors(triage: Triage) -> list[KnownErrorSuggestion]:
    """The triage's known errors that have published public words, best first (one query)."""
    scores = {found.problem.pk: found.score for found in triage.known_errors}
    if not scores:
        return []
    published = (
        PublicKnownError.objects.filter(problem_id__in=scores, published=True)
        .exclude(problem__status__in=[ProblemStatus.RESOLVED, ProblemStatus.CLOSED])
        .select_related("problem__service")
        .only("id", "title", "description", "workaround", "problem__id", "problem__service__name")
    )
    found = [KnownErrorSuggestion(known_error=known, score=scores[known.problem_id]) for known in published]
    return sorted(found, key=lambda s: -s.score)[:SHOWN]


def _services_meant(triage: Triage) -> list[int]:
    """The services the text is about: the suggested one when the desk is sure enough to
    pre-fill it, then those of the most alike open incidents (alike enough to match)."""
    meant = []
    if (prefill := Suggestions(triage=triage).prefill_service) is not None:
        meant.append(prefill.pk)
    for similar in triage.similar_open:
        service_id = similar.incident.service_id
        if similar.score >= MATCH_SCORE and service_id is not None and service_id not in meant:
            meant.append(service_id)
    return meant


def _outages(meant: list[int], *, now: datetime) -> list[OutageSuggestion]:
    """The services meant that are not operational on the status page, with its updates."""
    if not meant:
        return []
    states = {s.service.pk: s for s in service_states(now=now) if s.state != ServiceState.OPERATIONAL}
    down = [states[pk] for pk in meant if pk in states][:SHOWN]
    if not down:
        return []
    threads = current_incidents(public_broadcasts(since=now - UPDATES_SINCE, limit=50))
    outages = []
    for status in down:
        updates = [
            update
            for thread in threads
            if any(s.pk == status.service.pk for s in thread["updates"][-1].services.all())
            for update in thread["updates"]
        ]
        outages.append(OutageSuggestion(status=status, updates=updates[:3]))
    return outages


def self_service_suggestions(*, text: str, now: datetime | None = None) -> Suggestions:
    """What the desk has published that may answer `text` (a title, then a description)."""
    if len(text.strip()) < MIN_TEXT_CHARS:
        return Suggestions()
    now = now or timezone.now()
    triage = triage_text(text=text, limit=SIMILAR_OPEN)
    return Suggestions(
        known_errors=_public_known_errors(triage),
        outages=_outages(_services_meant(triage), now=now),
        triage=triage,
    )


def self_service_deflect(
    *,
    key: uuid.UUID,
    text: str,
    user: User | None,
    known_error_id: int | None = None,
    outage_service_id: int | None = None,
    now: datetime | None = None,
) -> tuple[Deflection, bool]:
    """ "This solved it": a published known error, or a service's outage, answered `text`.
    Only what the public may see can be chosen. Once per form (`key`); True when recorded now."""
    now = now or timezone.now()
    if (known_error_id is None) == (outage_service_id is None):
        raise ValidationError({"suggestion": "Choose the known error or the outage that solved it."})
    if known_error_id is not None:
        known = (
            PublicKnownError.objects.filter(pk=known_error_id, published=True)
            .exclude(problem__status__in=[ProblemStatus.RESOLVED, ProblemStatus.CLOSED])
            .select_related("problem")
            .first()
        )
        if known is None:
            raise ValidationError({"suggestion": "That known error is not published (any more)."})
        return deflection_record(
            key=key, kind=DeflectionKind.KNOWN_ERROR, text=text, user=user, problem=known.problem, now=now
        )
    status = next((s for s in service_states(now=now) if s.service.pk == outage_service_id), None)
    if status is None:
        raise ValidationError({"suggestion": "There is no such service on the status page."})
    # An outage that ended while the person read it still answered them: its state then is kept.
    return deflection_record(
        key=key,
        kind=DeflectionKind.OUTAGE,
        text=text,
        user=user,
        service=status.service,
        outage_state=status.state,
        now=now,
    )
