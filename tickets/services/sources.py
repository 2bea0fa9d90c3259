"""The social message behind an incident or a reply was edited or deleted where it was posted."""

from django.db import transaction
from django.utils import timezone

from ..events import (
    Actor,
    comment_redacted_event,
    comment_source_edited_event,
    incident_redacted_event,
    incident_source_edited_event,
)
from ..models import Comment, Incident
from ..signals import Change, announce_change, announce_redaction
from .common import _locked_incident, fitted_text

REDACTED_TEXT = "[deleted at the source]"


def incident_source_edited(*, incident: Incident, description: str, actor: Actor) -> Incident:
    """The social message an incident was opened from was edited where it was posted."""
    with transaction.atomic():
        incident = _locked_incident(incident)
        old = incident.description
        incident.description = fitted_text(description, model=Incident, field="description")
        incident.updated_at = timezone.now()
        incident.save(update_fields=["description", "updated_at"])
        incident_source_edited_event(incident=incident, actor=actor, at=incident.updated_at, old_description=old).save()
        announce_change(change=Change.INCIDENT_UPDATED, pks=[incident.pk])
    return incident


def comment_source_edited(*, comment: Comment, body: str, actor: Actor) -> Comment:
    """A reporter's reply that came from a social message was edited where it was posted."""
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        old = comment.body
        comment.body = fitted_text(body, model=Comment, field="body")
        comment.save(update_fields=["body"])
        comment_source_edited_event(comment=comment, actor=actor, at=timezone.now(), old_body=old).save()
    return comment


def incident_redact_source(*, incident: Incident) -> Incident:
    """The message an incident was opened from was deleted at the source: the platforms' terms
    require the copy to go too. The title (often the same words) goes with it; the record
    that something was said stays, as does everything the desk wrote."""
    with transaction.atomic():
        incident = _locked_incident(incident)
        incident.description = REDACTED_TEXT
        incident.title = f"Deleted message ({incident.get_channel_display()})"
        incident.updated_at = timezone.now()
        incident.save(update_fields=["description", "title", "updated_at"])
        incident_redacted_event(incident=incident, at=incident.updated_at).save()
        announce_redaction(incident_number=incident.number, replacement=REDACTED_TEXT)
        announce_change(change=Change.INCIDENT_UPDATED, pks=[incident.pk])
    return incident


def comment_redact_source(*, comment: Comment) -> Comment:
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        comment.body = REDACTED_TEXT
        comment.save(update_fields=["body"])
        comment_redacted_event(comment=comment, at=timezone.now()).save()
        announce_redaction(comment_id=comment.pk, replacement=REDACTED_TEXT)
    return comment
