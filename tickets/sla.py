"""The SLA clock: due times derive from when an incident opened, its priority's targets,
and how long it has been paused (on hold, or resolved before a reopen).

due = created_at + target + time paused. Keeping the paused total on the incident means a
priority change or a resume recomputes due times the same way, with nothing to replay.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from .models import SLA_RUNNING_STATUSES, Incident, IncidentStatus, SlaTarget

_LOOK_UP = object()


def apply_targets(incident: Incident, *, target: SlaTarget | None = _LOOK_UP) -> None:
    """Set the incident's due times from its priority's targets (None without a target).
    A caller doing many incidents of one priority passes the target it looked up once."""
    if target is _LOOK_UP:
        target = SlaTarget.objects.filter(priority=incident.priority).first()
    if target is None:
        incident.response_due_at = incident.resolution_due_at = None
        return
    paused = timedelta(seconds=incident.sla_paused_seconds)
    incident.response_due_at = incident.created_at + timedelta(minutes=target.response_minutes) + paused
    incident.resolution_due_at = incident.created_at + timedelta(minutes=target.resolution_minutes) + paused


def pause(incident: Incident, *, now: datetime) -> None:
    if incident.sla_paused_since is None:
        incident.sla_paused_since = now


def resume(incident: Incident, *, now: datetime) -> None:
    if incident.sla_paused_since is None:
        return
    incident.sla_paused_seconds += int((now - incident.sla_paused_since).total_seconds())
    incident.sla_paused_since = None
    apply_targets(incident)


def follow_status(incident: Incident, *, now: datetime) -> None:
    """Pause or resume the clock to match the incident's (new) status."""
    if incident.status in SLA_RUNNING_STATUSES:
        resume(incident, now=now)
    else:
        pause(incident, now=now)


def response_breached_at(incident: Incident, now: datetime) -> bool:
    """Whether the response target is missed as of `now` (flag or not yet flagged)."""
    if incident.response_breached:
        return True
    due = incident.response_due_at
    if due is None:
        return False
    responded = incident.first_response_at
    return responded > due if responded else (now > due and incident.sla_paused_since is None)


def resolution_breached_at(incident: Incident, now: datetime) -> bool:
    if incident.resolution_breached:
        return True
    due = incident.resolution_due_at
    if due is None:
        return False
    return now > due and incident.status in SLA_RUNNING_STATUSES


# --- the clock that matters, and whether it is breached ---------------------------------
#
# One definition, read twice: `breached_q` is what the queue's "Breached" filter selects and
# `is_breached` is what its badge shows. tests/tickets/test_sla_breached.py builds incidents
# in every SLA state and checks that the two agree on each.


def _running(incident: Incident) -> bool:
    return incident.status in SLA_RUNNING_STATUSES and incident.sla_paused_since is None


def response_matters(incident: Incident) -> bool:
    """The response clock is the one that matters until somebody has answered."""
    return incident.first_response_at is None


def _response_breached_now(incident: Incident, now: datetime) -> bool:
    due = incident.response_due_at
    return response_matters(incident) and (
        incident.response_breached or (_running(incident) and due is not None and due < now)
    )


def _resolution_breached_now(incident: Incident, now: datetime) -> bool:
    due = incident.resolution_due_at
    return incident.resolution_breached or (_running(incident) and due is not None and due < now)


def is_breached(incident: Incident, now: datetime) -> bool:
    """Whether the clock that matters is breached: no response yet and the response target
    flagged or passed on a running clock, or the resolution target flagged or passed on a
    running clock. A response given late no longer counts once it is given: the resolution is
    what matters then (the late response stays in the dashboards' figures)."""
    return _response_breached_now(incident, now) or _resolution_breached_now(incident, now)


def breached_q(*, now: datetime) -> Q:
    """`is_breached` as a query condition."""
    running = Q(status__in=SLA_RUNNING_STATUSES, sla_paused_since__isnull=True)
    return (
        Q(first_response_at__isnull=True, response_breached=True)
        | (running & Q(first_response_at__isnull=True, response_due_at__lt=now))
        | Q(resolution_breached=True)
        | (running & Q(resolution_due_at__lt=now))
    )


@dataclass(frozen=True)
class Clock:
    """The SLA clock the queue shows for one incident."""

    target: str  # "response" or "resolution"
    due: datetime | None
    state: str  # "breached", "running", "paused", "met", "stopped" (cancelled: no target applies) or "none"


def next_clock(incident: Incident, now: datetime) -> Clock:
    """The clock that matters next: the response until the first response, then the
    resolution. Its state agrees with `is_breached`; a breached clock is named as such (a
    resolution can breach while the response still runs)."""
    if _response_breached_now(incident, now):
        return Clock(target="response", due=incident.response_due_at, state="breached")
    if _resolution_breached_now(incident, now):
        return Clock(target="resolution", due=incident.resolution_due_at, state="breached")
    target = "response" if response_matters(incident) and incident.response_due_at is not None else "resolution"
    due = incident.response_due_at if target == "response" else incident.resolution_due_at
    if due is None:
        return Clock(target=target, due=None, state="none")
    if incident.status == IncidentStatus.CANCELLED:
        # Cancelled (or closed as not an incident): the clocks stopped without the target
        # being met; reports count these apart.
        return Clock(target=target, due=due, state="stopped")
    if incident.status not in SLA_RUNNING_STATUSES:
        return Clock(target=target, due=due, state="paused" if incident.is_open else "met")
    if incident.sla_paused_since is not None:
        return Clock(target=target, due=due, state="paused")
    return Clock(target=target, due=due, state="running")
