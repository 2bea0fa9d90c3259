"""Thin: each task calls one service (imported inside, the direction that keeps services free
to import these tasks at the top)."""

from celery import shared_task


@shared_task
def send_notification(notification_id: int) -> str:
    from .services import notification_send

    return notification_send(notification_id=notification_id)


@shared_task
def sweep_notifications() -> int:
    from .services import notifications_sweep

    return notifications_sweep()
