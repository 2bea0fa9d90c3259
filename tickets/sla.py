"""The SLA clock: due times derive from when an incident opened, its priority's targets,
and how long it has been paused (on hold, or resolved before a reopen).

due = created_at + target + time paused. Keeping the paused total on the incident means a
priority change or a resume recomputes due times the same way, with nothing to replay.
"""

from datetime import datetime, timedelta

from .models import SLA_RUNNING_STATUSES, Incident, SlaTarget

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
