"""Celery tasks: thin adapters over `broadcasts.services`, safe to run twice. The services
import this module to enqueue; each task imports the services inside its body (HackSoft's
direction), so no import closes a cycle."""

from celery import shared_task

from .posting import posts_reconcile


@shared_task(ignore_result=True)
def publish_broadcast(*, broadcast_id: int) -> None:
    from .services import broadcast_publish  # services inside the task: they import this module

    broadcast_publish(broadcast_id=broadcast_id)


@shared_task(ignore_result=True)
def publish_due_broadcasts() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): scheduled broadcasts whose time has come, and
    approved ones whose publishing task was lost."""
    from .services import broadcasts_publish_due  # services inside the task: they import this module

    published = broadcasts_publish_due()
    posts_reconcile()
    return published
