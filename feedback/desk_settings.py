"""Writes of the settings that are managers' (from the dashboards' Settings page, not the
Django admin): SLA targets and acknowledgement texts. Keyword-only, typed; the role rule
lives here, so every caller gets it."""

import logging

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from social.acknowledgements import acknowledgement_text_check
from social.models import AcknowledgementTemplate
from tickets.models import SlaTarget

from .dashboards.access import is_manager

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
