"""The intelligence app's models live in its parts; Django finds them here."""

from .similarity.models import IncidentVector, Posting, TermFrequency
from .spikes.models import SpikeAlert, SpikeCursor, SpikeSeries

__all__ = ["IncidentVector", "Posting", "SpikeAlert", "SpikeCursor", "SpikeSeries", "TermFrequency"]
