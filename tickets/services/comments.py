"""Public replies and internal notes on incidents and problems."""

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..access import is_agent
from ..events import comment_added_event
from ..models import Comment, Contact, Incident, Problem, Visibility
from ..signals import DELIVERY_PENDING, Change, announce_change, public_reply_created
from .common import _clean_text, _locked_incident
from .contacts import _surviving_contact


def comment_create(
    *,
    body: str,
    visibility: str,
    author: User | Contact | None,
    incident: Incident | None = None,
    problem: Problem | None = None,
    created_at: datetime | None = None,
) -> Comment:
    """Add a public reply or an internal note. Only agents write internal notes."""
    if (incident is None) == (problem is None):
        raise TypeError("comment_create() needs exactly one of incident and problem")
    body = _clean_text(body)
    if visibility == Visibility.INTERNAL and not (isinstance(author, User) and is_agent(author)):
        raise ValidationError({"visibility": "Only agents can write internal notes."})
    now = timezone.now()
    author_fields = (
        {"author_contact": _surviving_contact(author)} if isinstance(author, Contact) else {"author_user": author}
    )
    comment = Comment(
        incident=incident,
        problem=problem,
        body=body,
        visibility=visibility,
        created_at=created_at or now,
        **author_fields,
    )
    comment.full_clean()
    with transaction.atomic():
        # Lock the ticket before inserting the row that references it: the other order
        # can deadlock with a concurrent writer of the same incident.
        if incident is not None:
            incident = _locked_incident(incident)
        comment.save(force_insert=True)
        if incident is not None:
            update_fields = ["updated_at"]
            agent_reply = visibility == Visibility.PUBLIC and isinstance(author, User) and is_agent(author)
            delivery_pending = False
            if agent_reply:
                # Channels that answer the reporter where they wrote (social) listen for this,
                # inside the transaction: the answer's outbox row commits with the comment.
                comment.incident = incident
                answers = public_reply_created.send(sender=Comment, comment=comment)
                delivery_pending = any(answer == DELIVERY_PENDING for _, answer in answers)
            # The SLA's response is the first public word from an agent that reached the
            # reporter: at once on the portal, when delivered on a social channel.
            if agent_reply and incident.first_response_at is None:
                if not delivery_pending:
                    incident.first_response_at = now
                    update_fields.append("first_response_at")
                elif incident.response_pending_since is None:
                    incident.response_pending_since = now
                    update_fields.append("response_pending_since")
            incident.updated_at = now
            incident.save(update_fields=update_fields)
        else:
            Problem.objects.filter(pk=problem.pk).update(updated_at=now)
        comment_added_event(comment=comment, actor=author, at=now).save()
        announce_change(change=Change.COMMENT_CREATED, pks=[comment.pk])
    return comment


def incident_reply_delivered(*, incident_id: int, delivered_at: datetime) -> bool:
    """An agent's public reply reached the reporter on their channel (called by the channel's
    sender once the platform took it): the first one is the incident's response. Safe to
    call again, and for any later reply (nothing changes). True when the response was recorded."""
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
        if incident is None or (incident.first_response_at is not None and incident.response_pending_since is None):
            return False
        update_fields = ["response_pending_since", "updated_at"]
        recorded = incident.first_response_at is None
        if recorded:
            incident.first_response_at = delivered_at
            update_fields.append("first_response_at")
        incident.response_pending_since = None
        incident.updated_at = timezone.now()
        incident.save(update_fields=update_fields)
        announce_change(change=Change.INCIDENT_UPDATED, pks=[incident.pk])
    return recorded
