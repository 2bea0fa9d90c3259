"""The app's Celery tasks, where Celery's autodiscovery looks for them."""

from .candidates.tasks import refresh_candidates
from .similarity.tasks import index_incidents, index_pending
from .spikes.tasks import detect_spikes, email_alert

__all__ = [
    "detect_spikes",
    "email_alert",
    "index_incidents",
    "index_pending",
    "refresh_candidates",
]
