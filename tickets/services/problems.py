"""Problems and known errors, and the incidents linked to them."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import (
    OPEN_STATUSES,
    PROBLEM_TRANSITIONS,
    Event,
    EventKind,
    Incident,
    IncidentStatus,
    Problem,
    ProblemStatus,
    Service,
)
from ..signals import Change, announce_change
from .common import Actor, _clean_text, _event, _locked_incident, _locked_problem, _require_agent, reserve_numbers
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
        _event(kind=EventKind.CREATED, actor=actor, at=now, problem=problem, new=problem.get_status_display()).save()
        announce_change(change=Change.PROBLEM_UPDATED, pks=[problem.pk])
        incidents = list(incidents)
        if incidents:
            problem_link_incidents(problem=problem, incidents=incidents, actor=actor)
    return problem


PROBLEM_EDITABLE_FIELDS = ("title", "description", "root_cause", "workaround", "service", "assignee")


def problem_update(*, problem: Problem, actor: Actor, **changes: Any) -> Problem:
    unknown = set(changes) - set(PROBLEM_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"problem_update() cannot change {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        if isinstance(value, str):
            changes[name] = _clean_text(value)
    if "assignee" in changes:
        _require_agent(changes["assignee"], field="assignee")
    with transaction.atomic():
        problem = _locked_problem(problem)
        now = timezone.now()
        old = {name: getattr(problem, name) for name in changes}
        for name, value in changes.items():
            setattr(problem, name, value)
        problem.full_clean(exclude=["number"])
        if problem.status == ProblemStatus.KNOWN_ERROR and not problem.workaround:
            raise ValidationError({"workaround": "A known error must keep its workaround."})
        changed = [name for name in changes if old[name] != changes[name]]
        if not changed:
            return problem
        problem.updated_at = now
        problem.save(update_fields=[*changed, "updated_at"])
        Event.objects.bulk_create(
            _event(
                kind=EventKind.FIELD,
                actor=actor,
                at=now,
                problem=problem,
                field=name,
                # Long texts are kept on the problem; the trail notes their change.
                old=old[name] if name not in ("description", "root_cause", "workaround") else "",
                new=changes[name] if name not in ("description", "root_cause", "workaround") else "",
                note=changes[name] if name in ("root_cause", "workaround") else "",
            )
            for name in changed
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
            raise ValidationError(
                {
                    "status": f"A problem cannot go from {ProblemStatus(old_status).label} "
                    f"to {ProblemStatus(to_status).label}."
                },
                code="illegal_transition",
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
        _event(
            kind=EventKind.STATUS,
            actor=actor,
            at=now,
            problem=problem,
            field="status",
            old=ProblemStatus(old_status).label,
            new=ProblemStatus(to_status).label,
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


def problem_link_incidents(*, problem: Problem, incidents: Iterable[Incident], actor: Actor) -> Problem:
    """Link incidents to a problem. An incident belongs to at most one problem."""
    incident_ids = [i.pk for i in incidents]
    with transaction.atomic():
        problem = _locked_problem(problem)
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
                for event in (
                    _event(
                        kind=EventKind.PROBLEM_LINK,
                        actor=actor,
                        at=now,
                        incident=incident,
                        field="problem",
                        new=problem.number,
                    ),
                    _event(
                        kind=EventKind.PROBLEM_LINK,
                        actor=actor,
                        at=now,
                        problem=problem,
                        field="incidents",
                        new=incident.number,
                    ),
                )
            ]
        )
        if to_link:
            problem.updated_at = now
            problem.save(update_fields=["updated_at"])
            announce_change(change=Change.INCIDENT_UPDATED, pks=[i.pk for i in to_link])
            announce_change(change=Change.PROBLEM_UPDATED, pks=[problem.pk])
    return problem


def problem_unlink_incident(*, incident: Incident, actor: Actor) -> Incident:
    with transaction.atomic():
        incident = _locked_incident(incident)
        if incident.problem_id is None:
            return incident
        problem = Problem.objects.get(pk=incident.problem_id)
        now = timezone.now()
        incident.problem = None
        incident.updated_at = now
        incident.save(update_fields=["problem", "updated_at"])
        Event.objects.bulk_create(
            [
                _event(
                    kind=EventKind.PROBLEM_UNLINK,
                    actor=actor,
                    at=now,
                    incident=incident,
                    field="problem",
                    old=problem.number,
                ),
                _event(
                    kind=EventKind.PROBLEM_UNLINK,
                    actor=actor,
                    at=now,
                    problem=problem,
                    field="incidents",
                    old=incident.number,
                ),
            ]
        )
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
