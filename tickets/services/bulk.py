"""The console's bulk actions on a selection of incidents: all or none."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from servicedesk.errors import state_conflict

from ..events import Actor
from ..models import INCIDENT_TRANSITIONS, Incident, IncidentStatus
from .common import _require_agent
from .incidents import incident_assign, incident_transition

# A selection is at most a page or two of the queue; a bigger one is a script's job.
BULK_LIMIT = 200


def _bulk_selection(incidents: Iterable[Incident]) -> list[Incident]:
    incidents = sorted({i.pk: i for i in incidents}.values(), key=lambda i: i.pk)
    if not incidents:
        raise ValidationError({"incidents": "Select at least one incident."})
    if len(incidents) > BULK_LIMIT:
        raise ValidationError({"incidents": f"Select at most {BULK_LIMIT} incidents at a time."})
    return incidents


def incidents_bulk_assign(*, incidents: Iterable[Incident], assignee: User | None, actor: Actor) -> list[Incident]:
    """Assign (or unassign) every incident of a selection, all or none.

    Each goes through `incident_assign`, so each gets its own audit event; one transaction
    around them, so a refusal leaves every incident as it was. Rows are locked in id order,
    as every bulk writer here does, so two bulk actions cannot deadlock.
    """
    incidents = _bulk_selection(incidents)
    _require_agent(assignee, field="assignee")
    with transaction.atomic():
        return [incident_assign(incident=incident, assignee=assignee, actor=actor) for incident in incidents]


def incidents_bulk_transition(
    *,
    incidents: Iterable[Incident],
    to_status: str,
    actor: Actor,
    hold_reason: str = "",
    resolution: str = "",
) -> list[Incident]:
    """Move every incident of a selection to `to_status`, all or none.

    Each goes through `incident_transition` (lifecycle rules, SLA clock, audit). If any of
    them cannot make the move, nothing changes and the message names each one and why.
    """
    incidents = _bulk_selection(incidents)
    if to_status not in IncidentStatus.values:
        raise ValidationError({"status": f"“{to_status}” is not an incident status."})
    stuck = [i for i in incidents if to_status not in INCIDENT_TRANSITIONS[i.status]]
    if stuck:
        raise state_conflict(
            {
                "status": [
                    f"{i.number} cannot go from {IncidentStatus(i.status).label} to {IncidentStatus(to_status).label}."
                    for i in stuck
                ]
            }
        )
    with transaction.atomic():
        moved = []
        for incident in incidents:
            try:
                moved.append(
                    incident_transition(
                        incident=incident,
                        to_status=to_status,
                        actor=actor,
                        hold_reason=hold_reason,
                        resolution=resolution,
                    )
                )
            except ValidationError as error:
                # Somebody moved it since the page was drawn: say which one.
                raise ValidationError(
                    {
                        field: [f"{incident.number}: {message}" for message in messages]
                        for field, messages in error.message_dict.items()
                    }
                ) from error
        return moved
