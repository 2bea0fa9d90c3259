"""Celery tasks of listening: thin, safe to run twice (an account is listened to under a lease)."""

from celery import shared_task


@shared_task(ignore_result=True)
def listen() -> int:
    """Hear what is new on every account that can listen; the number of posts stored."""
    from .listen import listen_all  # what the task runs is imported inside it (HackSoft's direction)

    return listen_all()
