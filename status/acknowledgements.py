"""Known errors in acknowledgements: when a new incident arriving on a social channel matches a
known error marked public and "in acknowledgements", the desk's acknowledgement adds its public
title and workaround (or description), with a link to it on the status page (social asks,
`social.signals.acknowledgement_notes_wanted`; social fits the words to the platform).

Matching is the intelligence's (the similar incidents of the new one's text, as the known-error
matcher does once it is indexed): the new incident matches when one of its most similar
incidents is linked to the known error's problem, alike enough (`MATCH_SCORE`)."""

from django.urls import reverse

from intelligence.known_errors.services import MATCH_SCORE
from intelligence.similarity.selectors import Scope, text_similar
from tickets.models import Incident, ProblemStatus

from .models import PublicKnownError
from .services import absolute

SIMILAR_LOOKED_AT = 10


def known_errors_for_acknowledgements() -> dict[int, PublicKnownError]:
    """Problem id → its public known error, for those to add to acknowledgements (one query)."""
    return {
        known.problem_id: known
        for known in PublicKnownError.objects.filter(published=True, in_acknowledgements=True).exclude(
            problem__status__in=[ProblemStatus.RESOLVED, ProblemStatus.CLOSED]
        )
    }


def note_of(known: PublicKnownError) -> tuple[str, str]:
    words = known.workaround or known.description
    note = (
        f"This looks like a known issue: {known.title.rstrip('.')}. {'Workaround: ' if known.workaround else ''}{words}"
    )
    return note, absolute(reverse("status:page")) + f"#known-error-{known.pk}"


def known_error_notes(*, incidents: list[Incident]) -> dict[int, tuple[str, str]]:
    """{index in `incidents`: (note, link)} for those that match a known error to tell."""
    known = known_errors_for_acknowledgements()
    if not known:
        return {}  # the usual case: intake pays one query per batch
    notes = {}
    for index, incident in enumerate(incidents):
        if incident is None:
            continue
        similar = text_similar(
            title=incident.title, description=incident.description, limit=SIMILAR_LOOKED_AT, scope=Scope.ALL
        )
        for found in similar:
            match = known.get(found.incident.problem_id)
            if match is not None and found.score >= MATCH_SCORE:
                notes[index] = note_of(match)
                break
    return notes


def acknowledgement_notes(sender, *, incidents: list[Incident], **kwargs) -> dict[int, tuple[str, str]]:
    return known_error_notes(incidents=incidents)
