"""One incident's lifecycle: open, move, assign, edit (what the reporter may do is in `reporters`)."""

from collections.abc import Collection
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from servicedesk.errors import state_conflict

from .. import sla
from ..access import is_agent
from ..events import (
    Actor,
    assignment_changed_event,
    created_event,
    incident_field_changed_event,
    not_incident_event,
    priority_changed_event,
    sla_breached_event,
    status_changed_event,
)
from ..models import (
    INCIDENT_TRANSITIONS,
    Category,
    Channel,
    Comment,
    Contact,
    Event,
    Impact,
    Incident,
    IncidentStatus,
    NotIncidentKind,
    Service,
    SupportGroup,
    Urgency,
)
from ..signals import Change, announce_change
from .common import (
    UNSET,
    _apply_changes,
    _clean_text,
    _locked_incident,
    _refuse_unknown_fields,
    _require_agent,
    priority_for,
    reserve_numbers,
)
from .contacts import _surviving_contact


def incident_create(
    *,
    reporter: Contact,
    title: str,
    description: str = "",
    channel: str = Channel.WEB,
    impact: int = Impact.LOW,
    urgency: int = Urgency.LOW,
    service: Service | None = None,
    category: Category | None = None,
    assignment_group: SupportGroup | None = None,
    assignee: User | None = None,
    major: bool = False,
    actor: Actor,
    opened_at: datetime | None = None,
    follow_up_of: Incident | None = None,
) -> Incident:
    """Open an incident. `opened_at` backdates it (a tweet's own time), for the SLA too."""
    now = timezone.now()
    incident = Incident(
        number="pending",
        title=_clean_text(title),
        description=_clean_text(description),
        channel=channel,
        impact=impact,
        urgency=urgency,
        service=service,
        category=category,
        # Work goes to the team that owns the service unless somebody chose otherwise.
        assignment_group=assignment_group or (service.owner_group if service else None),
        assignee=assignee,
        major=major,
        follow_up_of=follow_up_of,
        reporter=_surviving_contact(reporter),
        created_at=opened_at or now,
        updated_at=now,
    )
    incident.full_clean(exclude=["number", "priority"])
    _require_agent(assignee, field="assignee")
    incident.priority = priority_for(impact=incident.impact, urgency=incident.urgency)
    sla.apply_targets(incident)
    with transaction.atomic():
        [incident.number] = reserve_numbers(prefix="INC")
        incident.save(force_insert=True)
        created_event(ticket=incident, actor=actor, at=now, follow_up_of=follow_up_of).save()
        announce_change(change=Change.INCIDENT_CREATED, pks=[incident.pk])
    return incident


def incident_transition(
    *,
    incident: Incident,
    to_status: str,
    actor: Actor,
    hold_reason: str = "",
    resolution: str = "",
    note: str = "",
    comment: Comment | None = None,
    expected_version: str | Collection[str] | None = None,
) -> Incident:
    """Move an incident along its lifecycle (`INCIDENT_TRANSITIONS`), or refuse with a reason.

    On hold needs a reason and resolved needs a resolution note. The SLA clock pauses while
    on hold or resolved and resumes when the incident is worked again. `comment` is the reply
    that says the same as `note` (a reopen): the audit line points at it.
    With `expected_version`, refused (`IncidentChanged`) if the incident moved on since.
    """
    hold_reason, resolution = _clean_text(hold_reason), _clean_text(resolution)
    with transaction.atomic():
        incident = _locked_incident(incident, expected_version=expected_version, actor=actor)
        old_status = incident.status
        if to_status not in IncidentStatus.values:
            raise ValidationError({"status": f"“{to_status}” is not an incident status."})
        if to_status not in INCIDENT_TRANSITIONS[old_status]:
            raise state_conflict(
                {
                    "status": f"An incident cannot go from {IncidentStatus(old_status).label} "
                    f"to {IncidentStatus(to_status).label}."
                }
            )
        if to_status == IncidentStatus.ON_HOLD and not hold_reason:
            raise ValidationError({"hold_reason": "Putting an incident on hold needs a reason."})
        if to_status == IncidentStatus.RESOLVED and not resolution:
            raise ValidationError({"resolution": "Resolving an incident needs a resolution note."})
        if len(hold_reason) > Incident._meta.get_field("hold_reason").max_length:
            raise ValidationError({"hold_reason": "The hold reason is limited to 500 characters."})

        now = timezone.now()
        events = []
        incident.status = to_status
        incident.updated_at = now
        incident.hold_reason = hold_reason if to_status == IncidentStatus.ON_HOLD else ""
        if to_status == IncidentStatus.RESOLVED:
            incident.resolution = resolution
            incident.resolved_at = now
            # A resolution is an answer to the reporter: it counts as the first response.
            if incident.first_response_at is None:
                incident.first_response_at = now
        elif to_status == IncidentStatus.CLOSED:
            incident.closed_at = now
        elif old_status == IncidentStatus.RESOLVED:
            incident.resolved_at = None  # reopened
        events.extend(_breaches_on_stop(incident, now=now, to_status=to_status))
        sla.follow_status(incident, now=now)
        incident.save(
            update_fields=[
                "status",
                "updated_at",
                "hold_reason",
                "resolution",
                "resolved_at",
                "closed_at",
                "first_response_at",
                "sla_paused_since",
                "sla_paused_seconds",
                "response_due_at",
                "resolution_due_at",
                "response_breached",
                "resolution_breached",
            ]
        )
        events.insert(
            0,
            status_changed_event(
                ticket=incident,
                actor=actor,
                at=now,
                old_status=old_status,
                new_status=to_status,
                note=hold_reason or resolution or _clean_text(note),
                comment=comment,
            ),
        )
        Event.objects.bulk_create(events)
        announce_change(change=Change.INCIDENT_UPDATED, pks=[incident.pk])
    return incident


def incident_close_not_incident(
    *,
    incident: Incident,
    kind: str,
    reason: str,
    actor: User,
    expected_version: str | Collection[str] | None = None,
) -> Incident:
    """An agent closes an open incident that is not one (a thanks, spam, chatter) and says why.

    It is cancelled, so its SLA clocks stop without a breach being flagged for the time it
    waited (nothing was owed), its messages and comments stay on it, and reports count it as
    "not an incident", apart from the work resolved (`feedback`'s rollups read the kind)."""
    if not is_agent(actor):
        raise PermissionDenied("Only agents close an incident as not an incident.")
    reason = _clean_text(reason)
    if kind not in NotIncidentKind.values:
        raise ValidationError({"kind": "Choose why it is not an incident: thanks, spam, chatter or something else."})
    if not reason:
        raise ValidationError({"reason": "Say in a few words why it is not an incident."})
    if len(reason) > Incident._meta.get_field("not_incident_reason").max_length:
        raise ValidationError({"reason": "The reason is limited to 500 characters."})
    with transaction.atomic():
        incident = _locked_incident(incident, expected_version=expected_version, actor=actor)
        if not incident.is_open:
            raise state_conflict(
                {
                    "status": f"{incident.number} is {incident.get_status_display().lower()}: only an open incident "
                    "can be closed as not an incident."
                }
            )
        now = timezone.now()
        old_status = incident.status
        incident.status = IncidentStatus.CANCELLED
        incident.not_incident, incident.not_incident_reason = kind, reason
        incident.hold_reason = ""
        incident.updated_at = now
        sla.follow_status(incident, now=now)
        incident.save(
            update_fields=[
                "status",
                "not_incident",
                "not_incident_reason",
                "hold_reason",
                "updated_at",
                "sla_paused_since",
                "sla_paused_seconds",
                "response_due_at",
                "resolution_due_at",
            ]
        )
        not_incident_event(incident=incident, actor=actor, at=now, old_status=old_status).save()
        announce_change(change=Change.INCIDENT_UPDATED, pks=[incident.pk])
    return incident


def _breaches_on_stop(incident: Incident, *, now: datetime, to_status: str) -> list[Event]:
    """Flag a target missed before the sweep noticed, at the moment the clock stops."""
    if to_status in (IncidentStatus.NEW, IncidentStatus.IN_PROGRESS):
        return []
    events = []
    if sla.response_breached_at(incident, now) and not incident.response_breached:
        incident.response_breached = True
        events.append(sla_breached_event(incident=incident, target="response", at=now))
    if (
        incident.status == IncidentStatus.RESOLVED
        and not incident.resolution_breached
        and incident.resolution_due_at
        and now > incident.resolution_due_at
        and incident.sla_paused_since is None
    ):
        incident.resolution_breached = True
        events.append(sla_breached_event(incident=incident, target="resolution", at=now))
    return events


def incident_assign(
    *,
    incident: Incident,
    actor: Actor,
    assignee: User | None = UNSET,
    assignment_group: SupportGroup | None = UNSET,
    expected_version: str | Collection[str] | None = None,
) -> Incident:
    """Set the group and/or the assignee (an active agent, or None: unassigned); with
    `expected_version`, refused (`IncidentChanged`) if the incident moved on since."""
    if assignee is not UNSET:
        _require_agent(assignee, field="assignee")
    with transaction.atomic():
        incident = _locked_incident(incident, expected_version=expected_version, actor=actor)
        now = timezone.now()
        events, changed = [], []
        if assignment_group is not UNSET and assignment_group != incident.assignment_group:
            events.append(
                assignment_changed_event(
                    incident=incident,
                    actor=actor,
                    at=now,
                    field="assignment_group",
                    old=incident.assignment_group,
                    new=assignment_group,
                )
            )
            incident.assignment_group = assignment_group
            changed.append("assignment_group")
        if assignee is not UNSET and assignee != incident.assignee:
            events.append(
                assignment_changed_event(
                    incident=incident, actor=actor, at=now, field="assignee", old=incident.assignee, new=assignee
                )
            )
            incident.assignee = assignee
            changed.append("assignee")
        if changed:
            incident.updated_at = now
            incident.save(update_fields=[*changed, "updated_at"])
            Event.objects.bulk_create(events)
            announce_change(change=Change.INCIDENT_UPDATED, pks=[incident.pk])
    return incident


# Fields an agent edits directly; status, assignment and problem have their own services.
INCIDENT_EDITABLE_FIELDS = ("title", "description", "impact", "urgency", "service", "category", "major")


def incident_update(
    *, incident: Incident, actor: Actor, expected_version: str | Collection[str] | None = None, **changes: Any
) -> Incident:
    """Change an incident's descriptive fields; priority and SLA follow impact and urgency.
    With `expected_version`, refused (`IncidentChanged`) if the incident moved on since."""
    _refuse_unknown_fields(changes, editable=INCIDENT_EDITABLE_FIELDS, service="incident_update")
    for text_field in ("title", "description"):
        if text_field in changes:
            changes[text_field] = _clean_text(changes[text_field])
    with transaction.atomic():
        incident = _locked_incident(incident, expected_version=expected_version, actor=actor)
        now = timezone.now()
        changed = _apply_changes(incident, changes)
        if not changed:
            return incident
        events = [
            incident_field_changed_event(
                incident=incident, actor=actor, at=now, field=change.field, old=change.old, new=change.new
            )
            for change in changed
        ]
        update_fields = [*(change.field for change in changed), "updated_at"]
        new_priority = priority_for(impact=incident.impact, urgency=incident.urgency)
        if new_priority != incident.priority:
            events.append(
                priority_changed_event(
                    incident=incident, actor=actor, at=now, old_priority=incident.priority, new_priority=new_priority
                )
            )
            incident.priority = new_priority
            sla.apply_targets(incident)
            update_fields += ["priority", "response_due_at", "resolution_due_at"]
        incident.updated_at = now
        incident.save(update_fields=update_fields)
        Event.objects.bulk_create(events)
        announce_change(change=Change.INCIDENT_UPDATED, pks=[incident.pk])
    return incident
