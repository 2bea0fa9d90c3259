"""Problems and known errors, and the incidents linked to them."""

from collections.abc import Collection, Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from servicedesk.errors import state_conflict

from ..events import (
    Actor,
    created_event,
    problem_field_changed_event,
    problem_linked_events,
    problem_unlinked_events,
    status_changed_event,
)
from ..models import (
    OPEN_STATUSES,
    PROBLEM_TRANSITIONS,
    Event,
    Incident,
    IncidentStatus,
    Problem,
    ProblemStatus,
    Service,
)
from ..signals import Change, announce_change
from .common import (
    _apply_changes,
    _clean_text,
    _locked_incident,
    _locked_problem,
    _refuse_unknown_fields,
    _require_agent,
    reserve_numbers,
)
from .incidents import incident_transition


def problem_create(
    *,
    title: str,
    actor: Actor,
    description: str = "",
    service: Service | None = None,
    assignee: User | None = None,
    incidents: Iterable[Incident] = (),
) -> Problem:
    now = timezone.now()
    problem = Problem(
        number="pending",
        title=_clean_text(title),
        description=_clean_text(description),
        service=service,
        assignee=assignee,
        created_at=now,
        updated_at=now,
    )
    problem.full_clean(exclude=["number"])
    _require_agent(assignee, field="assignee")
    with transaction.atomic():
        [problem.number] = reserve_numbers(prefix="PRB")
        problem.save(force_insert=True)
        created_event(ticket=problem, actor=actor, at=now).save()
        announce_change(change=Change.PROBLEM_UPDATED, pks=[problem.pk])
        incidents = list(incidents)
        if incidents:
            problem_link_incidents(problem=problem, incidents=incidents, actor=actor)
    return problem


PROBLEM_EDITABLE_FIELDS = ("title", "description", "root_cause", "workaround", "service", "assignee")


def problem_update(*, problem: Problem, actor: Actor, **changes: Any) -> Problem:
    _refuse_unknown_fields(changes, editable=PROBLEM_EDITABLE_FIELDS, service="problem_update")
    for name, value in changes.items():
        if isinstance(value, str):
            changes[name] = _clean_text(value)
    if "assignee" in changes:
        _require_agent(changes["assignee"], field="assignee")
    with transaction.atomic():
        problem = _locked_problem(problem)
        now = timezone.now()
        changed = _apply_changes(problem, changes)
        if problem.status == ProblemStatus.KNOWN_ERROR and not problem.workaround:
            raise ValidationError({"workaround": "A known error must keep its workaround."})
        if not changed:
            return problem
        problem.updated_at = now
        problem.save(update_fields=[*(change.field for change in changed), "updated_at"])
        Event.objects.bulk_create(
            problem_field_changed_event(
                problem=problem, actor=actor, at=now, field=change.field, old=change.old, new=change.new
            )
            for change in changed
        )
        announce_change(change=Change.PROBLEM_UPDATED, pks=[problem.pk])
    return problem


def problem_transition(
    *,
    problem: Problem,
    to_status: str,
    actor: Actor,
    root_cause: str | None = None,
    workaround: str | None = None,
    resolve_incidents_note: str = "",
) -> Problem:
    """Move a problem along its lifecycle.

    A known error needs a workaround and a resolved problem a root cause (either already on
    the problem or given here). Resolving with `resolve_incidents_note` also resolves every
    open incident linked to it, with that note.
    """
    resolve_incidents_note = _clean_text(resolve_incidents_note)
    with transaction.atomic():
        problem = _locked_problem(problem)
        old_status = problem.status
        if to_status not in ProblemStatus.values:
            raise ValidationError({"status": f"“{to_status}” is not a problem status."})
        if to_status not in PROBLEM_TRANSITIONS[old_status]:
            raise state_conflict(
                {
                    "status": f"A problem cannot go from {ProblemStatus(old_status).label} "
                    f"to {ProblemStatus(to_status).label}."
                }
            )
        texts = {}
        if root_cause is not None and _clean_text(root_cause) != problem.root_cause:
            texts["root_cause"] = _clean_text(root_cause)
        if workaround is not None and _clean_text(workaround) != problem.workaround:
            texts["workaround"] = _clean_text(workaround)
        if texts:
            problem = problem_update(problem=problem, actor=actor, **texts)
        if to_status == ProblemStatus.KNOWN_ERROR and not problem.workaround:
            raise ValidationError({"workaround": "A known error needs a workaround."})
        if to_status == ProblemStatus.RESOLVED and not problem.root_cause:
            raise ValidationError({"root_cause": "Resolving a problem needs its root cause."})

        now = timezone.now()
        problem.status = to_status
        problem.updated_at = now
        if to_status == ProblemStatus.RESOLVED:
            problem.resolved_at = now
        elif to_status == ProblemStatus.CLOSED:
            problem.closed_at = now
        elif old_status == ProblemStatus.RESOLVED:
            problem.resolved_at = None
        problem.save(update_fields=["status", "updated_at", "resolved_at", "closed_at"])
        status_changed_event(
            ticket=problem,
            actor=actor,
            at=now,
            old_status=old_status,
            new_status=to_status,
            note=resolve_incidents_note,
        ).save()
        announce_change(change=Change.PROBLEM_UPDATED, pks=[problem.pk])
        if to_status == ProblemStatus.RESOLVED and resolve_incidents_note:
            for incident in problem.incidents.filter(status__in=OPEN_STATUSES).order_by("id"):
                incident_transition(
                    incident=incident,
                    to_status=IncidentStatus.RESOLVED,
                    actor=actor,
                    resolution=resolve_incidents_note,
                )
    return problem


def problem_link_incidents(
    *,
    problem: Problem,
    incidents: Iterable[Incident],
    actor: Actor,
    expected_version: str | Collection[str] | None = None,
) -> Problem:
    """Link incidents to a problem. An incident belongs to at most one problem.

    With `expected_version` (one incident, linked from its page), refused (`IncidentChanged`)
    if the incident moved on since, as its other changes are."""
    incidents = list(incidents)
    if expected_version is not None and len(incidents) != 1:
        raise TypeError("expected_version is one incident's version: link that incident alone")
    incident_ids = [i.pk for i in incidents]
    with transaction.atomic():
        problem = _locked_problem(problem)
        if expected_version is not None:
            _locked_incident(incidents[0], expected_version=expected_version, actor=actor)
        if problem.status == ProblemStatus.CLOSED:
            raise ValidationError({"problem": f"{problem.number} is closed; open a new problem."})
        locked = list(
            Incident.objects.select_for_update(of=("self",))
            .select_related("problem")
            .filter(pk__in=incident_ids)
            .order_by("id")
        )
        elsewhere = [i for i in locked if i.problem_id not in (None, problem.pk)]
        if elsewhere:
            raise ValidationError(
                {
                    "incidents": [
                        f"{i.number} is already linked to {i.problem.number}; unlink it first." for i in elsewhere
                    ]
                }
            )
        now = timezone.now()
        to_link = [i for i in locked if i.problem_id is None]
        Incident.objects.filter(pk__in=[i.pk for i in to_link]).update(problem=problem, updated_at=now)
        Event.objects.bulk_create(
            [
                event
                for incident in to_link
                for event in problem_linked_events(problem=problem, incident=incident, actor=actor, at=now)
            ]
        )
        if to_link:
            problem.updated_at = now
            problem.save(update_fields=["updated_at"])
            announce_change(change=Change.INCIDENT_UPDATED, pks=[i.pk for i in to_link])
            announce_change(change=Change.PROBLEM_UPDATED, pks=[problem.pk])
    return problem


def problem_unlink_incident(
    *, incident: Incident, actor: Actor, expected_version: str | Collection[str] | None = None
) -> Incident:
    """Unlink the incident from its problem, if it has one. With `expected_version` (from
    its page), refused (`IncidentChanged`) if the incident moved on since."""
    with transaction.atomic():
        incident = _locked_incident(incident, expected_version=expected_version, actor=actor)
        if incident.problem_id is None:
            return incident
        problem = Problem.objects.get(pk=incident.problem_id)
        now = timezone.now()
        incident.problem = None
        incident.updated_at = now
        incident.save(update_fields=["problem", "updated_at"])
        Event.objects.bulk_create(problem_unlinked_events(problem=problem, incident=incident, actor=actor, at=now))
        announce_change(change=Change.INCIDENT_UPDATED, pks=[incident.pk])
        announce_change(change=Change.PROBLEM_UPDATED, pks=[problem.pk])
    return incident


def problem_unlink_incidents(*, problem: Problem, incidents: Iterable[Incident], actor: Actor) -> Problem:
    """Unlink several incidents from `problem`, all or none."""
    incidents = list(incidents)
    elsewhere = [i.number for i in incidents if i.problem_id != problem.pk]
    if elsewhere:
        raise ValidationError({"incidents": [f"{number} is not linked to {problem.number}." for number in elsewhere]})
    with transaction.atomic():
        for incident in sorted(incidents, key=lambda i: i.pk):
            problem_unlink_incident(incident=incident, actor=actor)
    return problem
