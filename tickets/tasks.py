"""Celery tasks: thin wrappers around services, safe to run twice."""

from celery import shared_task

from . import services


@shared_task
def flag_sla_breaches() -> int:
    return services.sla_flag_breaches()


@shared_task
def close_resolved_incidents() -> int:
    return services.incidents_close_resolved()


# Registered here so that Celery's autodiscovery of tickets.tasks finds them.
from .webhooks.tasks import deliver_webhook, prune_webhook_log, sweep_webhook_deliveries  # noqa: E402

__all__ = [
    "close_resolved_incidents",
    "deliver_webhook",
    "flag_sla_breaches",
    "prune_webhook_log",
    "sweep_webhook_deliveries",
]
