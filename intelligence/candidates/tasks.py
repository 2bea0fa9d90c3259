"""Celery tasks of the problem candidates: thin, safe to run twice."""

from celery import shared_task


@shared_task(ignore_result=True)
def refresh_candidates() -> int:
    from .services import candidates_refresh

    return candidates_refresh().proposed
