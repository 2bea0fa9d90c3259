"""What every service module shares: the actor type, UNSET, numbering, the priority matrix,
the audit row, row locks and the small checks."""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from ..access import is_agent
from ..models import Comment, Contact, Event, Incident, NumberSequence, Priority, PriorityRule, Problem

Actor = User | Contact | None


class _Unset:
    """Marks a keyword argument the caller did not pass (None is a real value: 'clear it')."""

    def __repr__(self):
        return "UNSET"


UNSET: Any = _Unset()


def reserve_numbers(*, prefix: str, count: int = 1) -> list[str]:
    """Take the next `count` human numbers for `prefix` (INC, PRB), gap-free.

    The counter row stays locked until the caller's transaction ends, so two
    transactions can never hand out the same number.
    """
    with transaction.atomic():
        updated = NumberSequence.objects.filter(prefix=prefix).update(last_value=F("last_value") + count)
        if not updated:
            NumberSequence.objects.get_or_create(prefix=prefix)
            NumberSequence.objects.filter(prefix=prefix).update(last_value=F("last_value") + count)
        last = NumberSequence.objects.values_list("last_value", flat=True).get(prefix=prefix)
    return [f"{prefix}{n:07d}" for n in range(last - count + 1, last + 1)]


def priority_for(*, impact: int, urgency: int) -> int:
    rule = PriorityRule.objects.filter(impact=impact, urgency=urgency).first()
    if rule is None:
        # A hole in the matrix must not block incident intake; fall back on the ITIL shape.
        return min(Priority.PLANNING, impact + urgency - 1)
    return rule.priority


def _actor_fields(actor: Actor) -> dict[str, Any]:
    if isinstance(actor, Contact):
        return {"actor_contact": actor}
    if actor is not None:
        return {"actor_user": actor}
    return {}


def _event(
    *,
    kind: str,
    actor: Actor,
    at: datetime,
    incident: Incident | None = None,
    problem: Problem | None = None,
    field: str = "",
    old: Any = "",
    new: Any = "",
    note: str = "",
    comment: Comment | None = None,
) -> Event:
    return Event(
        kind=kind,
        incident=incident,
        problem=problem,
        field=field,
        old_value=_display(old),
        new_value=_display(new),
        note=note,
        comment=comment,
        created_at=at,
        **_actor_fields(actor),
    )


def _display(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, User):
        return value.get_full_name() or value.get_username()
    return str(value)[:500]


def _locked_incident(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def _locked_problem(problem: Problem) -> Problem:
    return Problem.objects.select_for_update().get(pk=problem.pk)


def _require_agent(user: User | None, *, field: str) -> None:
    if user is not None and not is_agent(user):
        raise ValidationError({field: f"{_display(user)} is not an active agent."})


def _clean_text(value: str) -> str:
    return (value or "").strip()


def fitted_text(value: str, *, model: type, field: str) -> str:
    """`value`, trimmed, cut to what `model.field` keeps (its max_length), saying so at the end.

    Pages and the API refuse longer text; text that comes from elsewhere (a social message of
    100,000 characters) is cut instead, and the source keeps it whole. Django does not enforce
    a TextField's max_length itself, so whoever stores such text calls this."""
    value = _clean_text(value)
    limit = model._meta.get_field(field).max_length
    if limit is None or len(value) <= limit:
        return value
    mark = f"\n\n[… cut at {limit:,} characters]"
    return value[: limit - len(mark)].rstrip() + mark
