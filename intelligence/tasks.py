"""The app's Celery tasks, where Celery's autodiscovery looks for them."""

from .spikes.tasks import detect_spikes, email_alert

__all__ = ["detect_spikes", "email_alert"]
