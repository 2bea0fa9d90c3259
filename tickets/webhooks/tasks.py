"""Celery tasks for webhooks: thin wrappers around `services`, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name="tickets.webhooks.deliver")
def deliver_webhook(delivery_id: int) -> str:
    return services.webhook_deliver(delivery_id=delivery_id)


@shared_task(name="tickets.webhooks.sweep")
def sweep_webhook_deliveries() -> int:
    return services.webhook_deliveries_enqueue_due()


@shared_task(name="tickets.webhooks.prune")
def prune_webhook_log() -> int:
    return services.webhook_log_prune()
