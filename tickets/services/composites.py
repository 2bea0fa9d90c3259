"""Several changes at once in one transaction (the API's PATCH), each through its own service."""

from collections.abc import Collection
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from ..events import Actor
from ..models import Incident, Problem, SupportGroup
from .common import UNSET, _locked_incident, _locked_problem
from .incidents import incident_assign, incident_transition, incident_update
from .problems import problem_link_incidents, problem_transition, problem_unlink_incident, problem_update
from .reporters import acts_as_customer, check_incident_change, incident_reopen_by_reporter


def incident_change(
    *, incident: Incident, actor: Actor, expected_version: str | Collection[str] | None = None, **changes: Any
) -> Incident:
    """Apply descriptive fields, assignment, the problem link and then a status change in one
    transaction, each through its own service (rules, SLA and audit as ever): all or nothing.

    What `actor` may change is `check_incident_change`'s rule: a customer may only reopen
    their incident, which is `incident_reopen_by_reporter` (the note is their reply).
    With `expected_version` (the API's If-Match), refused (`IncidentChanged`) unless the
    incident is still at that version as `actor` sees it; the row stays locked until done."""
    check_incident_change(actor=actor, changes=changes)
    with transaction.atomic():
        if isinstance(changes.get("problem"), Problem):
            # A problem is locked before its incidents, as linking from the problem's page does:
            # taken the other way round here, the two could wait for each other (a deadlock).
            _locked_problem(changes["problem"])
        if expected_version is not None:
            incident = _locked_incident(incident, expected_version=expected_version, actor=actor)
        if acts_as_customer(actor):
            if changes:
                incident = incident_reopen_by_reporter(incident=incident, actor=actor, note=changes["note"])
            return incident
        return _incident_change(incident=incident, actor=actor, **changes)


def _incident_change(
    *,
    incident: Incident,
    actor: Actor,
    status: str | None = None,
    hold_reason: str = "",
    resolution: str = "",
    note: str = "",
    assignee: User | None = UNSET,
    assignment_group: SupportGroup | None = UNSET,
    problem: Problem | None = UNSET,
    **fields: Any,
) -> Incident:
    if (hold_reason or resolution or note) and status is None:
        given = next(
            name for name, value in (("hold_reason", hold_reason), ("resolution", resolution), ("note", note)) if value
        )
        raise ValidationError({given: "This goes with a status change: send status too."})
    with transaction.atomic():
        if fields:
            incident = incident_update(incident=incident, actor=actor, **fields)
        if assignee is not UNSET or assignment_group is not UNSET:
            incident = incident_assign(
                incident=incident, actor=actor, assignee=assignee, assignment_group=assignment_group
            )
        if problem is not UNSET and (problem.pk if problem else None) != incident.problem_id:
            if incident.problem_id is not None:
                incident = problem_unlink_incident(incident=incident, actor=actor)
            if problem is not None:
                problem_link_incidents(problem=problem, incidents=[incident], actor=actor)
        if status is not None and status != incident.status:
            incident = incident_transition(
                incident=incident,
                to_status=status,
                actor=actor,
                hold_reason=hold_reason,
                resolution=resolution,
                note=note,
            )
        incident.refresh_from_db()
    return incident


def problem_change(
    *,
    problem: Problem,
    actor: Actor,
    status: str | None = None,
    resolve_incidents_note: str = "",
    **fields: Any,
) -> Problem:
    """Apply a problem's fields and then a status change in one transaction."""
    if resolve_incidents_note and status is None:
        raise ValidationError({"resolve_incidents_note": "This goes with status resolved: send status too."})
    with transaction.atomic():
        if fields:
            problem = problem_update(problem=problem, actor=actor, **fields)
        if status is not None and status != problem.status:
            problem = problem_transition(
                problem=problem, to_status=status, actor=actor, resolve_incidents_note=resolve_incidents_note
            )
        problem.refresh_from_db()
    return problem
