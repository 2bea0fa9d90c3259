"""Every write to changes (keyword-only, validated, one transaction each). Agents and
managers plan and move them; the status page shows them as maintenance."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from servicedesk.errors import state_conflict
from tickets.access import is_agent
from tickets.models import Incident, Problem, Service

from .models import CHANGE_TRANSITIONS, Change, ChangeRisk, ChangeState

# A change was created or moved (kwargs: pks), sent inside its transaction: the status page
# derives maintenance from changes and looks again on commit.
changes_moved = Signal()


def _check_agent(user: User) -> None:
    if not is_agent(user):
        raise PermissionDenied("Only service desk agents and managers may plan and move changes.")


def change_create(
    *,
    by: User,
    title: str,
    planned_start: datetime,
    planned_end: datetime,
    description: str = "",
    risk: str = ChangeRisk.LOW,
    services: Iterable[Service] = (),
    incidents: Iterable[Incident] = (),
    problems: Iterable[Problem] = (),
) -> Change:
    _check_agent(by)
    title = title.strip()
    if not title:
        raise ValidationError({"title": "A change needs a title."})
    if planned_end <= planned_start:
        raise ValidationError({"planned_end": "The window must end after it starts."})
    if risk not in ChangeRisk.values:
        raise ValidationError({"risk": f"“{risk}” is not a risk ({', '.join(ChangeRisk.values)})."})
    now = timezone.now()
    with transaction.atomic():
        change = Change.objects.create(
            title=title[:200],
            description=description.strip(),
            planned_start=planned_start,
            planned_end=planned_end,
            risk=risk,
            created_by=by,
            created_at=now,
            updated_at=now,
        )
        change.services.set(list(services))
        change.incidents.set(list(incidents))
        change.problems.set(list(problems))
        changes_moved.send(sender=Change, pks=[change.pk])
    return change


def change_transition(*, change: Change, by: User, to_state: str) -> Change:
    """planned → in progress → completed / rolled back; planned → cancelled."""
    _check_agent(by)
    with transaction.atomic():
        change = Change.objects.select_for_update().get(pk=change.pk)
        if to_state not in CHANGE_TRANSITIONS.get(change.state, ()):
            labels = dict(ChangeState.choices)
            raise state_conflict(
                {"state": f"A change cannot go from {labels[change.state]} to {labels.get(to_state, to_state)}."}
            )
        now = timezone.now()
        change.state = to_state
        if to_state == ChangeState.IN_PROGRESS:
            change.started_at = now
        elif to_state in (ChangeState.COMPLETED, ChangeState.ROLLED_BACK, ChangeState.CANCELLED):
            change.finished_at = now
        change.updated_at = now
        change.save(update_fields=["state", "started_at", "finished_at", "updated_at"])
        # The status page derives maintenance from changes: it looks again on commit.
        changes_moved.send(sender=Change, pks=[change.pk])
    return change
