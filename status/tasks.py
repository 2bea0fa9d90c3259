"""Celery tasks of the status page: thin, idempotent, safe to run twice.

The services import this module at their top, to enqueue; so each task imports the services
inside its body (HackSoft's direction), and no import closes a cycle."""

from celery import shared_task


@shared_task(ignore_result=True)
def record_state_changes() -> int:
    """On every change to incidents, problems and changes (and every 30 s as a sweep)."""
    from .services import state_changes_record  # services inside the task: they import this module

    return len(state_changes_record())


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=10, max_retries=5)
def notify_subscribers(*, state_change_ids: list[int]) -> int:
    from .services import subscribers_notify  # services inside the task: they import this module

    return subscribers_notify(state_change_ids=state_change_ids)


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_confirmation(*, subscriber_id: int) -> None:
    from .services import confirmation_mail  # services inside the task: they import this module

    confirmation_mail(subscriber_id=subscriber_id)
