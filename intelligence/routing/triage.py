"""One answer to "what is this text?": the suggested service, whether it looks like an
incident, the most similar open incidents and the known errors it matches. The console's new
incident form, the portal (as a person types) and `POST /api/v1/triage/suggest/` all ask here.

A fixed number of queries whatever the desk's size: the suggester's two (three when a new
model version appears), the similar-incident lookup's three (its document frequencies, the
candidates, their vectors with incident and problem), and the services' names."""

from dataclasses import dataclass, field

from tickets.models import OPEN_STATUSES, Problem, Service

from ..intent import Judgement, judge
from ..known_errors.services import MATCH_SCORE, is_known_error
from ..similarity.selectors import Scope, SimilarIncident, text_similar
from . import learning
from .suggester import current_suggester

SIMILAR_LOOKED_AT = 20  # the lookup's answers the open incidents and known errors are taken from
TITLE_CHARS = 200


@dataclass(frozen=True)
class KnownErrorFound:
    problem: Problem
    score: float  # how alike the text is to the most alike incident linked to the known error


@dataclass
class Triage:
    service: Service | None
    confidence: float
    source: str
    judgement: Judgement
    similar_open: list[SimilarIncident] = field(default_factory=list)
    known_errors: list[KnownErrorFound] = field(default_factory=list)

    @property
    def looks_like_incident(self) -> bool:
        return self.judgement.opens_incident


def _split(text: str) -> tuple[str, str]:
    """A typed text as the similarity index reads an incident: its first line is the title."""
    text = text.strip()
    first, _, rest = text.partition("\n")
    return first[:TITLE_CHARS], (first[TITLE_CHARS:] + "\n" + rest).strip()


def triage_text(*, text: str, limit: int = 5, look_up_similar: bool = True) -> Triage:
    """`look_up_similar=False`: the service and the intent only (no incident or known error)."""
    suggestion = current_suggester().suggest(learning.text_of(*_split(text)))
    service = Service.objects.get(pk=suggestion.service_id) if suggestion else None
    title, description = _split(text)
    found = (
        text_similar(title=title, description=description, limit=SIMILAR_LOOKED_AT, scope=Scope.ALL)
        if look_up_similar
        else []
    )
    similar_open = [s for s in found if s.incident.status in OPEN_STATUSES][:limit]
    known: dict[int, KnownErrorFound] = {}
    for similar in found:
        problem = similar.incident.problem
        if problem is None or similar.score < MATCH_SCORE or not is_known_error(problem) or problem.pk in known:
            continue
        known[problem.pk] = KnownErrorFound(problem=problem, score=similar.score)
    return Triage(
        service=service,
        confidence=suggestion.confidence if suggestion else 0.0,
        source=suggestion.source if suggestion else "",
        judgement=judge(text),
        similar_open=similar_open,
        known_errors=list(known.values())[:limit],
    )
