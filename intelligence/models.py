"""The intelligence app's models live in its parts; Django finds them here."""

from .candidates.models import CandidateState, ProblemCandidate
from .similarity.models import IncidentVector, Posting, TermFrequency
from .spikes.models import SpikeAlert, SpikeCursor, SpikeSeries

__all__ = [
    "CandidateState",
    "IncidentVector",
    "Posting",
    "ProblemCandidate",
    "SpikeAlert",
    "SpikeCursor",
    "SpikeSeries",
    "TermFrequency",
]
