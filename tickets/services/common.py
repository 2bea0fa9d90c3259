"""What every service module shares: UNSET, numbering, the priority matrix,
row locks and the version a change was made from, the small checks, and applying a set of
field changes."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from servicedesk.api.etags import etag_for

from ..access import is_agent, sees_internal_notes
from ..events import display_value
from ..models import Incident, NumberSequence, Priority, PriorityRule, Problem
from ..representations import incident_representation


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


# What an incident's representation names besides its own row: its version hashes them too.
VERSIONED_RELATED = ("reporter", "assignee", "assignment_group", "service", "category", "problem")


class IncidentChanged(Exception):
    """A change made from a stale copy of an incident (a page opened, or a representation
    read, before someone else changed it): refused, nothing written. `current_version` is
    what the caller would have to have seen."""

    message = "This incident changed since you opened it."

    def __init__(self, *, incident: Incident, current_version: str):
        super().__init__(self.message)
        self.incident = incident
        self.current_version = current_version


def incident_version(incident: Incident, *, internal: bool = True) -> str:
    """An incident's version as a reader sees it: the API's strong ETag of its representation
    (`internal=False`: as a customer sees it). Whatever changes what the reader sees, a
    status, an assignee, a reply that moves `updated_at`, an SLA flag set by the sweep,
    changes it. Expects `VERSIONED_RELATED` loaded (else a query for each)."""
    return etag_for(incident_representation(incident, internal=internal))


def _locked_incident(
    incident: Incident, *, expected_version: str | Collection[str] | None = None, actor: Any = None
) -> Incident:
    """The incident's row, locked until the transaction ends. With `expected_version` (one
    version, or several as an If-Match header may name), refuse with `IncidentChanged` unless
    the locked row is still at that version as `actor` sees it: compared under the lock, so
    two writers from the same version cannot both pass."""
    if expected_version is None:
        return Incident.objects.select_for_update().get(pk=incident.pk)
    locked = Incident.objects.select_related(*VERSIONED_RELATED).select_for_update(of=("self",)).get(pk=incident.pk)
    current = incident_version(locked, internal=actor is None or sees_internal_notes(actor))
    expected = {expected_version} if isinstance(expected_version, str) else set(expected_version)
    if current not in expected:
        raise IncidentChanged(incident=locked, current_version=current)
    return locked


def _locked_problem(problem: Problem) -> Problem:
    return Problem.objects.select_for_update().get(pk=problem.pk)


def _require_agent(user: User | None, *, field: str) -> None:
    if user is not None and not is_agent(user):
        raise ValidationError({field: f"{display_value(user)} is not an active agent."})


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


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


def _refuse_unknown_fields(changes: dict[str, Any], *, editable: Iterable[str], service: str) -> None:
    """A caller naming a field the service does not edit is a programming error, not bad input."""
    unknown = set(changes) - set(editable)
    if unknown:
        raise TypeError(f"{service}() cannot change {', '.join(sorted(unknown))}")


def _apply_changes(record: Incident | Problem, changes: dict[str, Any]) -> list[FieldChange]:
    """Set `changes` on the (locked) record, validate it, and say which fields really changed,
    in the order given. Nothing is saved: the caller adds its own rules, saves and audits."""
    old = {name: getattr(record, name) for name in changes}
    for name, value in changes.items():
        setattr(record, name, value)
    record.full_clean(exclude=["number"])
    return [FieldChange(name, old[name], value) for name, value in changes.items() if old[name] != value]
