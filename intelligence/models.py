"""The intelligence app's models live in its parts; Django finds them here."""

from .spikes.models import SpikeAlert, SpikeCursor, SpikeSeries

__all__ = ["SpikeAlert", "SpikeCursor", "SpikeSeries"]
