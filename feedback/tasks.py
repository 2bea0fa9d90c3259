"""Celery tasks: thin wrappers around services, safe to run twice."""

from celery import shared_task

from . import services
from .rollups.refresh import rollups_refresh
from .surveys import services as surveys


@shared_task
def score_messages(message_ids: list[int]) -> int:
    return services.sentiment_score_messages(message_ids=message_ids)


@shared_task
def score_descriptions(incident_ids: list[int]) -> int:
    return services.sentiment_score_descriptions(incident_ids=incident_ids)


@shared_task
def score_comments(comment_ids: list[int]) -> int:
    return services.sentiment_score_comments(comment_ids=comment_ids)


@shared_task
def score_unscored() -> int:
    return services.sentiment_score_unscored()


@shared_task
def refresh_rollups() -> str:
    """Periodic: roll up what changed since the last run (idempotent; workers take turns)."""
    return str(rollups_refresh())


@shared_task
def schedule_and_send_surveys() -> str:
    """Periodic: give recently resolved incidents their surveys, then ask those due."""
    scheduled = surveys.surveys_schedule()
    outcome = surveys.surveys_send_due()
    return f"{scheduled} scheduled, {outcome.sent} sent, {outcome.skipped} skipped"


@shared_task
def record_survey_answers(message_ids: list[int]) -> int:
    return surveys.survey_answers_record_from_messages(message_ids=message_ids)
