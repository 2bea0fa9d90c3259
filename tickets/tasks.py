"""Celery tasks: thin wrappers around services, safe to run twice."""

from celery import shared_task

from . import services


@shared_task
def flag_sla_breaches() -> int:
    return services.sla_flag_breaches()


@shared_task
def close_resolved_incidents() -> int:
    return services.incidents_close_resolved()
