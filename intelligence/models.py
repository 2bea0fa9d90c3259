"""The intelligence app's models live in its parts; Django finds them here."""

from .candidates.models import CandidateState, ProblemCandidate
from .known_errors.models import KnownErrorMatch
from .routing.models import ServiceKeywords, ServiceModel, ServiceSuggestion
from .similarity.models import IncidentVector, Posting, TermFrequency
from .spikes.models import SpikeAlert, SpikeCursor, SpikeSeries

__all__ = [
    "CandidateState",
    "IncidentVector",
    "KnownErrorMatch",
    "Posting",
    "ProblemCandidate",
    "ServiceKeywords",
    "ServiceModel",
    "ServiceSuggestion",
    "SpikeAlert",
    "SpikeCursor",
    "SpikeSeries",
    "TermFrequency",
]
