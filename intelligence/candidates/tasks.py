"""Celery tasks of the problem candidates: thin, safe to run twice."""

from celery import shared_task

from .services import candidates_refresh


@shared_task(ignore_result=True)
def refresh_candidates() -> int:
    return candidates_refresh().proposed
