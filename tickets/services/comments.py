"""Public replies and internal notes on incidents and problems."""

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..access import is_agent
from ..events import comment_added_event
from ..models import Comment, Contact, Incident, Problem, Visibility
from ..signals import Change, announce_change, public_reply_created
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
            # The SLA's response is the first public word from an agent.
            if (
                visibility == Visibility.PUBLIC
                and incident.first_response_at is None
                and isinstance(author, User)
                and is_agent(author)
            ):
                incident.first_response_at = now
                update_fields.append("first_response_at")
            incident.updated_at = now
            incident.save(update_fields=update_fields)
            if visibility == Visibility.PUBLIC and isinstance(author, User) and is_agent(author):
                # Channels that answer the reporter where they wrote (social) listen for this,
                # inside the transaction: the answer's outbox row commits with the comment.
                comment.incident = incident
                public_reply_created.send(sender=Comment, comment=comment)
        else:
            Problem.objects.filter(pk=problem.pk).update(updated_at=now)
        comment_added_event(comment=comment, actor=author, at=now).save()
        announce_change(change=Change.COMMENT_CREATED, pks=[comment.pk])
    return comment
