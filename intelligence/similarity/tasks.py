"""Celery tasks of the similar-incident index: thin, idempotent, safe to run twice or at once."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from ..known_errors.services import known_errors_match
from .index import incidents_index, incidents_index_pending


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def index_incidents(incident_ids: list[int]) -> int:
    """Index the incidents, then record the known errors they match (both idempotent)."""
    indexed = incidents_index(incident_ids=incident_ids)
    known_errors_match(incident_ids=incident_ids)
    return indexed


@shared_task(ignore_result=True)
def index_pending() -> int:
    """The sweep: whatever a lost task, a bulk write or a worker outage left unindexed."""
    return incidents_index_pending(lookback=timedelta(minutes=settings.SIMILAR_SWEEP_LOOKBACK_MINUTES))
