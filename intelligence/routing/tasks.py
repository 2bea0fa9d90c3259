"""Celery tasks of service suggestion: thin, idempotent, safe to run twice or at once."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def suggest_for_incidents(incident_ids: list[int]) -> int:
    from .services import incidents_suggest  # tasks import the services inside (HackSoft)

    return incidents_suggest(incident_ids=incident_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def suggest_for_messages(message_ids: list[int]) -> int:
    from .services import messages_suggest

    return messages_suggest(message_ids=message_ids)


@shared_task(ignore_result=True)
def train_service_model() -> int | None:
    """Periodic (beat): a new version once the labels changed; nothing otherwise."""
    from .services import service_model_train

    model = service_model_train()
    return model.version if model else None
