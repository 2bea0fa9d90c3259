"""Many incidents and replies at once, for social intake (thousands a second)."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from servicedesk.db import bulk_insert

from .. import sla
from ..events import Actor, comment_added_event, created_event
from ..models import Channel, Comment, Contact, Impact, Incident, SlaTarget, Urgency, Visibility
from ..signals import Change, announce_change
from .common import _clean_text, fitted_text, priority_for, reserve_numbers
from .contacts import _surviving_contact


@dataclass
class IncidentDraft:
    """One incident of `incidents_create_bulk`: what `incident_create` takes, for intake."""

    reporter: Contact
    title: str
    description: str = ""
    channel: str = Channel.WEB
    opened_at: datetime | None = None


def incidents_create_bulk(*, drafts: list[IncidentDraft], actor: Actor = None) -> list[Incident]:
    """Open many incidents in a handful of queries (social intake drains thousands a second).

    Same rules as `incident_create` with its defaults: validated first, numbered in order,
    SLA due times set, a "created" audit line each, other apps told once for the batch (`tickets.signals`).
    """
    if not drafts:
        return []
    now = timezone.now()
    priority = priority_for(impact=Impact.LOW, urgency=Urgency.LOW)
    incidents = []
    for draft in drafts:
        incident = Incident(
            number="pending",
            title=_clean_text(draft.title)[:200],
            description=fitted_text(draft.description, model=Incident, field="description"),
            channel=draft.channel,
            reporter=_surviving_contact(draft.reporter),
            priority=priority,
            created_at=draft.opened_at or now,
            updated_at=now,
        )
        # The checks run per row in Python; the database's constraints stand behind them.
        incident.full_clean(exclude=["number", "priority", "reporter"], validate_constraints=False)
        incidents.append(incident)
    target = SlaTarget.objects.filter(priority=priority).first()
    for incident in incidents:
        sla.apply_targets(incident, target=target)
    with transaction.atomic():
        for incident, number in zip(incidents, reserve_numbers(prefix="INC", count=len(incidents)), strict=True):
            incident.number = number
        bulk_insert(incidents)
        bulk_insert([created_event(ticket=incident, actor=actor, at=now) for incident in incidents])
        announce_change(change=Change.INCIDENT_CREATED, pks=[i.pk for i in incidents])
    return incidents


def comments_create_bulk(*, replies: list[tuple[Incident, Contact, str, datetime | None]]) -> list[Comment]:
    """Add many public replies from reporters (social intake): (incident, author, body, written at).

    The incidents must be open (the caller reopens or follows up the others first); each
    incident is locked in id order, so two batches cannot deadlock.
    """
    if not replies:
        return []
    now = timezone.now()
    comments = []
    for incident, author, body, written_at in replies:
        comment = Comment(
            incident=incident,
            body=fitted_text(body, model=Comment, field="body"),
            visibility=Visibility.PUBLIC,
            author_contact=_surviving_contact(author),
            created_at=written_at or now,
        )
        comment.full_clean(exclude=["incident", "author_contact"], validate_constraints=False)
        comments.append(comment)
    incident_ids = sorted({incident.pk for incident, *_ in replies})
    with transaction.atomic():
        list(Incident.objects.select_for_update().filter(pk__in=incident_ids).order_by("pk").values_list("pk"))
        bulk_insert(comments)
        Incident.objects.filter(pk__in=incident_ids).update(updated_at=now)
        bulk_insert(
            [comment_added_event(comment=comment, actor=comment.author_contact, at=now) for comment in comments]
        )
        announce_change(change=Change.COMMENT_CREATED, pks=[c.pk for c in comments])
    return comments
