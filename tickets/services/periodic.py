"""Periodic work: the SLA breach sweep and closing long-resolved incidents."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..events import sla_breached_event
from ..models import Event, Incident, IncidentStatus
from ..signals import Change, announce_change
from .incidents import incident_transition


def sla_flag_breaches(*, now: datetime | None = None, batch_size: int = 1000) -> int:
    """Flag every running incident whose response or resolution target has passed.

    Safe to run concurrently: rows another sweep holds are skipped, and the flag itself
    makes a second run a no-op.
    """
    now = now or timezone.now()
    flagged = 0
    for target, conditions in (
        ("response", {"response_breached": False, "first_response_at__isnull": True, "response_due_at__lt": now}),
        ("resolution", {"resolution_breached": False, "resolution_due_at__lt": now}),
    ):
        with transaction.atomic():
            due = list(
                Incident.objects.select_for_update(skip_locked=True)
                .filter(status__in=[IncidentStatus.NEW, IncidentStatus.IN_PROGRESS], **conditions)
                .order_by(f"{target}_due_at")[:batch_size]
            )
            if not due:
                continue
            Incident.objects.filter(pk__in=[i.pk for i in due]).update(**{f"{target}_breached": True})
            Event.objects.bulk_create(sla_breached_event(incident=i, target=target, at=now) for i in due)
            announce_change(change=Change.INCIDENT_UPDATED, pks=[i.pk for i in due])
            flagged += len(due)
    return flagged


def incidents_close_resolved(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Close incidents resolved longer ago than INCIDENT_AUTO_CLOSE_DAYS."""
    days = settings.INCIDENT_AUTO_CLOSE_DAYS
    if days <= 0:
        return 0
    now = now or timezone.now()
    stale = Incident.objects.filter(
        status=IncidentStatus.RESOLVED, resolved_at__lt=now - timedelta(days=days)
    ).order_by("resolved_at")[:batch_size]
    closed = 0
    for incident in stale:
        try:
            incident_transition(
                incident=incident,
                to_status=IncidentStatus.CLOSED,
                actor=None,
                note=f"Closed automatically {days} days after resolution.",
            )
            closed += 1
        except ValidationError:
            continue  # reopened meanwhile
    return closed
