"""Celery tasks for webhooks: thin wrappers around `services`, safe to run twice.

The services and the outbox import this module at their top, to enqueue deliveries; so each
task imports the services inside its body (HackSoft's direction), and no import closes a
cycle. The names are the ones the tasks had inside `tickets`, so that messages already
queued by an older version still find their task.
"""

from celery import shared_task


@shared_task(name="tickets.webhooks.deliver")
def deliver_webhook(delivery_id: int) -> str:
    from . import services  # services inside the task: they import this module

    return services.webhook_deliver(delivery_id=delivery_id)


@shared_task(name="tickets.webhooks.sweep")
def sweep_webhook_deliveries() -> int:
    from . import services  # services inside the task: they import this module

    return services.webhook_deliveries_enqueue_due()


@shared_task(name="tickets.webhooks.prune")
def prune_webhook_log() -> int:
    from . import services  # services inside the task: they import this module

    return services.webhook_log_prune()
