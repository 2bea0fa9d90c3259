"""Reading problem candidates: what the Candidates page and the API list."""

from django.db.models import Prefetch, QuerySet

from tickets.models import Incident

from .models import CandidateState, ProblemCandidate


def candidate_list(*, state: str = CandidateState.PROPOSED) -> QuerySet[ProblemCandidate]:
    """Candidates in `state`, newest first, members (and their services) fetched up front."""
    return (
        ProblemCandidate.objects.filter(state=state)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Incident.objects.select_related("service")
                .only("id", "number", "title", "status", "not_incident", "created_at", "service__name")
                .order_by("created_at", "id"),
            )
        )
        .order_by("-created_at", "-id")
    )
