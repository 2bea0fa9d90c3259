"""Writes of the settings that are managers' (from the dashboards' Settings page, not the
Django admin): SLA targets, acknowledgement texts and the surveys per medium. Keyword-only, typed; the role rule
lives here, so every caller gets it."""

import logging

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from social import platforms
from social.acknowledgements import acknowledgement_text_check
from social.models import AcknowledgementTemplate
from tickets.models import SlaTarget

from .dashboards.access import is_manager
from .surveys.models import EMAIL, PORTAL, SurveySettings

logger = logging.getLogger(__name__)
LONGEST_TARGET_MINUTES = 365 * 24 * 60


def _require_manager(user: User) -> None:
    if not is_manager(user):
        raise PermissionDenied("Only managers change the desk's settings.")


def sla_target_update(*, target: SlaTarget, response_minutes: int, resolution_minutes: int, by: User) -> SlaTarget:
    """Change one priority's targets. Incidents opened from now on get them; open ones keep
    the due times they were given (their clock already runs)."""
    _require_manager(by)
    errors = {}
    if not 1 <= response_minutes <= LONGEST_TARGET_MINUTES:
        errors["response_minutes"] = "Between 1 minute and a year."
    if not 1 <= resolution_minutes <= LONGEST_TARGET_MINUTES:
        errors["resolution_minutes"] = "Between 1 minute and a year."
    elif not errors and resolution_minutes < response_minutes:
        errors["resolution_minutes"] = "A resolution cannot be due before the first response."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        target = SlaTarget.objects.select_for_update().get(pk=target.pk)
        before = (target.response_minutes, target.resolution_minutes)
        target.response_minutes, target.resolution_minutes = response_minutes, resolution_minutes
        target.save(update_fields=["response_minutes", "resolution_minutes"])
    logger.info(
        "SLA target P%s changed from %s to %s by %s",
        target.priority,
        before,
        (response_minutes, resolution_minutes),
        by,
    )
    return target


def acknowledgement_text_save(*, channel: str, text: str, by: User) -> AcknowledgementTemplate:
    """Set the text the desk answers with when a message on `channel` opens an incident,
    checked first (placeholders, length on the platform)."""
    _require_manager(by)
    text = text.strip()
    acknowledgement_text_check(channel=channel, text=text)
    template, _ = AcknowledgementTemplate.objects.update_or_create(channel=channel, defaults={"text": text})
    logger.info("Acknowledgement text on %s changed by %s", channel, by)
    return template


def survey_media() -> list[tuple[str, str]]:
    """Where surveys go: each social channel, the portal, e-mail (medium, label); once each
    (e-mail may also be a channel of its own)."""
    return list(dict([*platforms.channel_choices(), (PORTAL, "Portal"), (EMAIL, "E-mail")]).items())


LONGEST_WINDOW_HOURS = 90 * 24
LONGEST_DELAY_MINUTES = 30 * 24 * 60


def survey_settings_save(
    *,
    medium: str,
    enabled: bool,
    delay_minutes: int,
    sample_percent: int,
    answer_window_hours: int,
    question: str,
    by: User,
) -> SurveySettings:
    """Set one medium's surveys: on or off, how long after resolution, the share of incidents
    asked, how long answers are taken, and the wording (empty: the default question). Surveys
    already sent keep their window; those not yet sent go by the new settings."""
    _require_manager(by)
    if medium not in dict(survey_media()):
        raise ValidationError({"medium": "No such channel."})
    question = question.strip()
    errors = {}
    if not 0 <= delay_minutes <= LONGEST_DELAY_MINUTES:
        errors["delay_minutes"] = "Between 0 minutes and 30 days."
    if not 0 <= sample_percent <= 100:
        errors["sample_percent"] = "A share from 0 to 100 %."
    if not 1 <= answer_window_hours <= LONGEST_WINDOW_HOURS:
        errors["answer_window_hours"] = "Between 1 hour and 90 days."
    if question:
        try:
            # The same placeholders and, on a social channel, the same one-message length as
            # the acknowledgements (a survey question is posted as a reply too).
            acknowledgement_text_check(channel=medium if platforms.find(medium) else "twitter", text=question)
        except ValidationError as error:
            if platforms.find(medium) or "Too long" not in " ".join(error.message_dict.get("text", [])):
                errors["question"] = " ".join(error.message_dict.get("text", error.messages))
    if errors:
        raise ValidationError(errors)
    row, _ = SurveySettings.objects.update_or_create(
        medium=medium,
        defaults={
            "enabled": enabled,
            "delay_minutes": delay_minutes,
            "sample_percent": sample_percent,
            "answer_window_hours": answer_window_hours,
            "question": question,
        },
    )
    logger.info("Survey settings on %s changed by %s", medium, by)
    return row
