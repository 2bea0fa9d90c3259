"""Reading known-error matches: what an incident page shows."""

from tickets.models import Incident

from .models import KnownErrorMatch
from .services import is_known_error


def incident_known_errors(*, incident: Incident) -> list[KnownErrorMatch]:
    """The known errors this incident matches, best first (one query)."""
    matches = KnownErrorMatch.objects.filter(incident=incident).select_related("problem", "via").order_by("-score")
    return [m for m in matches if is_known_error(m.problem) or m.sent_at]
