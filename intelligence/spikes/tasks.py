"""Celery tasks of the spikes: thin, safe to run twice.

The services import this module at their top, to enqueue; so each task imports what it runs
inside its body (HackSoft's direction), and no import closes a cycle."""

from celery import shared_task


@shared_task(ignore_result=True)
def detect_spikes() -> int:
    """Judge the intervals closed since the last run; returns how many alerts were raised."""
    from .live import spikes_detect  # services inside the task: they import this module

    return len(spikes_detect().alerts)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def email_alert(alert_id: int) -> int:
    from .services import alert_email  # services inside the task: they import this module

    return alert_email(alert_id=alert_id)
