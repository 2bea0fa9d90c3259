"""Every write to incidents, problems, comments and contacts.

Pages, the API, Celery workers and the admin all call these; nothing else changes these
records. Each function is keyword-only, validates before it saves (a `ValidationError`
leaves the database untouched), locks the row it changes, and records what it changed in
the audit trail within the same transaction.

`actor` is whoever acts: a `User` (agent or portal customer), a `Contact` (somebody
writing on a social channel), or None for the system itself (SLA sweep, auto-close).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from servicedesk.db import bulk_insert

from . import sla
from .access import is_agent
from .models import (
    INCIDENT_TRANSITIONS,
    OPEN_STATUSES,
    PROBLEM_TRANSITIONS,
    Category,
    Channel,
    Comment,
    Contact,
    Event,
    EventKind,
    Impact,
    Incident,
    IncidentStatus,
    NumberSequence,
    Priority,
    PriorityRule,
    Problem,
    ProblemStatus,
    Service,
    SlaTarget,
    SupportGroup,
    Urgency,
    Visibility,
)
from .signals import public_reply_created
from .webhooks.models import WebhookEventType
from .webhooks.outbox import record_events, redact_payloads

Actor = User | Contact | None


class _Unset:
    """Marks a keyword argument the caller did not pass (None is a real value: 'clear it')."""

    def __repr__(self):
        return "UNSET"


UNSET: Any = _Unset()


# --- helpers -------------------------------------------------------------------------


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


# --- incidents -----------------------------------------------------------------------


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
        _event(
            kind=EventKind.CREATED,
            actor=actor,
            at=now,
            incident=incident,
            new=incident.get_status_display(),
            note=f"Follows up {follow_up_of.number}." if follow_up_of else "",
        ).save()
        record_events(event_type=WebhookEventType.INCIDENT_CREATED, pks=[incident.pk])
    return incident


@dataclass
class IncidentDraft:
    """One incident of `incidents_create_bulk`: what `incident_create` takes, for intake."""

    reporter: Contact
    title: str
    description: str = ""
    channel: str = Channel.WEB
    opened_at: datetime | None = None


def incidents_create_bulk(*, drafts: list[IncidentDraft], actor: Actor = None) -> list[Incident]:
    """Open many incidents in a handful of queries (social intake drains thousands a second).

    Same rules as `incident_create` with its defaults: validated first, numbered in order,
    SLA due times set, a "created" audit line each, webhooks told once for the batch.
    """
    if not drafts:
        return []
    now = timezone.now()
    priority = priority_for(impact=Impact.LOW, urgency=Urgency.LOW)
    incidents = []
    for draft in drafts:
        incident = Incident(
            number="pending",
            title=_clean_text(draft.title)[:200],
            description=_clean_text(draft.description),
            channel=draft.channel,
            reporter=_surviving_contact(draft.reporter),
            priority=priority,
            created_at=draft.opened_at or now,
            updated_at=now,
        )
        # The checks run per row in Python; the database's constraints stand behind them.
        incident.full_clean(exclude=["number", "priority", "reporter"], validate_constraints=False)
        incidents.append(incident)
    target = SlaTarget.objects.filter(priority=priority).first()
    for incident in incidents:
        sla.apply_targets(incident, target=target)
    with transaction.atomic():
        for incident, number in zip(incidents, reserve_numbers(prefix="INC", count=len(incidents)), strict=True):
            incident.number = number
        bulk_insert(incidents)
        bulk_insert(
            [
                _event(
                    kind=EventKind.CREATED, actor=actor, at=now, incident=incident, new=incident.get_status_display()
                )
                for incident in incidents
            ]
        )
        record_events(event_type=WebhookEventType.INCIDENT_CREATED, pks=[i.pk for i in incidents])
    return incidents


def comments_create_bulk(*, replies: list[tuple[Incident, Contact, str, datetime | None]]) -> list[Comment]:
    """Add many public replies from reporters (social intake): (incident, author, body, written at).

    The incidents must be open (the caller reopens or follows up the others first); each
    incident is locked in id order, so two batches cannot deadlock.
    """
    if not replies:
        return []
    now = timezone.now()
    comments = []
    for incident, author, body, written_at in replies:
        comment = Comment(
            incident=incident,
            body=_clean_text(body),
            visibility=Visibility.PUBLIC,
            author_contact=_surviving_contact(author),
            created_at=written_at or now,
        )
        comment.full_clean(exclude=["incident", "author_contact"], validate_constraints=False)
        comments.append(comment)
    incident_ids = sorted({incident.pk for incident, *_ in replies})
    with transaction.atomic():
        list(Incident.objects.select_for_update().filter(pk__in=incident_ids).order_by("pk").values_list("pk"))
        bulk_insert(comments)
        Incident.objects.filter(pk__in=incident_ids).update(updated_at=now)
        bulk_insert(
            [
                _event(
                    kind=EventKind.COMMENT,
                    actor=comment.author_contact,
                    at=now,
                    incident=comment.incident,
                    field="comment",
                    new=Visibility.PUBLIC.label,
                    comment=comment,
                )
                for comment in comments
            ]
        )
        record_events(event_type=WebhookEventType.COMMENT_CREATED, pks=[c.pk for c in comments])
    return comments


REDACTED_TEXT = "[deleted at the source]"


def incident_source_edited(*, incident: Incident, description: str, actor: Actor) -> Incident:
    """The social message an incident was opened from was edited where it was posted."""
    with transaction.atomic():
        incident = _locked_incident(incident)
        old = incident.description
        incident.description = _clean_text(description)
        incident.updated_at = timezone.now()
        incident.save(update_fields=["description", "updated_at"])
        _event(
            kind=EventKind.SOURCE_EDIT,
            actor=actor,
            at=incident.updated_at,
            incident=incident,
            field="description",
            old=old,
            new=incident.description,
        ).save()
        record_events(event_type=WebhookEventType.INCIDENT_UPDATED, pks=[incident.pk])
    return incident


def comment_source_edited(*, comment: Comment, body: str, actor: Actor) -> Comment:
    """A reporter's reply that came from a social message was edited where it was posted."""
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        old = comment.body
        comment.body = _clean_text(body)
        comment.save(update_fields=["body"])
        _event(
            kind=EventKind.SOURCE_EDIT,
            actor=actor,
            at=timezone.now(),
            incident=comment.incident,
            field="comment",
            old=old,
            new=comment.body,
            comment=comment,
        ).save()
    return comment


def incident_redact_source(*, incident: Incident) -> Incident:
    """The message an incident was opened from was deleted at the source: the platforms' terms
    require the copy to go too. The title (often the same words) goes with it; the record
    that something was said stays, as does everything the desk wrote."""
    with transaction.atomic():
        incident = _locked_incident(incident)
        incident.description = REDACTED_TEXT
        incident.title = f"Deleted message ({incident.get_channel_display()})"
        incident.updated_at = timezone.now()
        incident.save(update_fields=["description", "title", "updated_at"])
        _event(
            kind=EventKind.REDACTED, actor=None, at=incident.updated_at, incident=incident, field="description"
        ).save()
        redact_payloads(incident_number=incident.number, replacement=REDACTED_TEXT)
        record_events(event_type=WebhookEventType.INCIDENT_UPDATED, pks=[incident.pk])
    return incident


def comment_redact_source(*, comment: Comment) -> Comment:
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        comment.body = REDACTED_TEXT
        comment.save(update_fields=["body"])
        _event(
            kind=EventKind.REDACTED,
            actor=None,
            at=timezone.now(),
            incident=comment.incident,
            field="comment",
            comment=comment,
        ).save()
        redact_payloads(comment_id=comment.pk, replacement=REDACTED_TEXT)
    return comment


def incident_transition(
    *,
    incident: Incident,
    to_status: str,
    actor: Actor,
    hold_reason: str = "",
    resolution: str = "",
    note: str = "",
) -> Incident:
    """Move an incident along its lifecycle (`INCIDENT_TRANSITIONS`), or refuse with a reason.

    On hold needs a reason and resolved needs a resolution note. The SLA clock pauses while
    on hold or resolved and resumes when the incident is worked again.
    """
    hold_reason, resolution = _clean_text(hold_reason), _clean_text(resolution)
    with transaction.atomic():
        incident = _locked_incident(incident)
        old_status = incident.status
        if to_status not in IncidentStatus.values:
            raise ValidationError({"status": f"“{to_status}” is not an incident status."})
        if to_status not in INCIDENT_TRANSITIONS[old_status]:
            raise ValidationError(
                {
                    "status": f"An incident cannot go from {IncidentStatus(old_status).label} "
                    f"to {IncidentStatus(to_status).label}."
                },
                code="illegal_transition",
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
            _event(
                kind=EventKind.STATUS,
                actor=actor,
                at=now,
                incident=incident,
                field="status",
                old=IncidentStatus(old_status).label,
                new=IncidentStatus(to_status).label,
                note=hold_reason or resolution or _clean_text(note),
            ),
        )
        Event.objects.bulk_create(events)
        record_events(event_type=WebhookEventType.INCIDENT_UPDATED, pks=[incident.pk])
    return incident


def _breaches_on_stop(incident: Incident, *, now: datetime, to_status: str) -> list[Event]:
    """Flag a target missed before the sweep noticed, at the moment the clock stops."""
    if to_status in (IncidentStatus.NEW, IncidentStatus.IN_PROGRESS):
        return []
    events = []
    if sla.response_breached_at(incident, now) and not incident.response_breached:
        incident.response_breached = True
        events.append(_breach_event(incident, "response", now))
    if (
        incident.status == IncidentStatus.RESOLVED
        and not incident.resolution_breached
        and incident.resolution_due_at
        and now > incident.resolution_due_at
        and incident.sla_paused_since is None
    ):
        incident.resolution_breached = True
        events.append(_breach_event(incident, "resolution", now))
    return events


def _breach_event(incident: Incident, target: str, now: datetime) -> Event:
    due = getattr(incident, f"{target}_due_at")
    return _event(
        kind=EventKind.SLA_BREACH,
        actor=None,
        at=now,
        incident=incident,
        field=f"{target}_sla",
        old=f"due {due.isoformat(timespec='minutes')}",
        new="breached",
    )


def incident_reopen_by_reporter(*, incident: Incident, actor: User | Contact, reason: str) -> Incident:
    """The reporter says the fix did not hold: back to in progress, within the reopen window."""
    reason = _clean_text(reason)
    if not reason:
        raise ValidationError({"reason": "Tell us what is still wrong."})
    if incident.status != IncidentStatus.RESOLVED:
        raise ValidationError({"status": "Only a resolved incident can be reopened."})
    window = timedelta(days=settings.INCIDENT_REOPEN_DAYS)
    if incident.resolved_at and timezone.now() - incident.resolved_at > window:
        raise ValidationError(
            {
                "status": f"This incident was resolved more than {settings.INCIDENT_REOPEN_DAYS} "
                "days ago; please raise a new one."
            }
        )
    with transaction.atomic():
        comment_create(incident=incident, body=reason, visibility=Visibility.PUBLIC, author=actor)
        return incident_transition(incident=incident, to_status=IncidentStatus.IN_PROGRESS, actor=actor, note=reason)


def incident_reply_from_reporter(*, incident: Incident, author: User | Contact, body: str) -> Comment:
    """The reporter writes on their own incident (portal). A closed or cancelled incident
    takes no more replies: the reporter is asked to raise a new one."""
    if incident.status in (IncidentStatus.CLOSED, IncidentStatus.CANCELLED):
        raise ValidationError(
            {"body": f"{incident.number} is {incident.get_status_display().lower()}; please raise a new incident."}
        )
    return comment_create(incident=incident, body=body, visibility=Visibility.PUBLIC, author=author)


def incident_assign(
    *,
    incident: Incident,
    actor: Actor,
    assignee: User | None = UNSET,
    assignment_group: SupportGroup | None = UNSET,
) -> Incident:
    if assignee is not UNSET:
        _require_agent(assignee, field="assignee")
    with transaction.atomic():
        incident = _locked_incident(incident)
        now = timezone.now()
        events, changed = [], []
        if assignment_group is not UNSET and assignment_group != incident.assignment_group:
            events.append(
                _event(
                    kind=EventKind.ASSIGNMENT,
                    actor=actor,
                    at=now,
                    incident=incident,
                    field="assignment_group",
                    old=incident.assignment_group,
                    new=assignment_group,
                )
            )
            incident.assignment_group = assignment_group
            changed.append("assignment_group")
        if assignee is not UNSET and assignee != incident.assignee:
            events.append(
                _event(
                    kind=EventKind.ASSIGNMENT,
                    actor=actor,
                    at=now,
                    incident=incident,
                    field="assignee",
                    old=incident.assignee,
                    new=assignee,
                )
            )
            incident.assignee = assignee
            changed.append("assignee")
        if changed:
            incident.updated_at = now
            incident.save(update_fields=[*changed, "updated_at"])
            Event.objects.bulk_create(events)
            record_events(event_type=WebhookEventType.INCIDENT_UPDATED, pks=[incident.pk])
    return incident


# Fields an agent edits directly; status, assignment and problem have their own services.
INCIDENT_EDITABLE_FIELDS = ("title", "description", "impact", "urgency", "service", "category", "major")


def incident_update(*, incident: Incident, actor: Actor, **changes: Any) -> Incident:
    """Change an incident's descriptive fields; priority and SLA follow impact and urgency."""
    unknown = set(changes) - set(INCIDENT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"incident_update() cannot change {', '.join(sorted(unknown))}")
    for text_field in ("title", "description"):
        if text_field in changes:
            changes[text_field] = _clean_text(changes[text_field])
    with transaction.atomic():
        incident = _locked_incident(incident)
        now = timezone.now()
        old = {name: getattr(incident, name) for name in changes}
        for name, value in changes.items():
            setattr(incident, name, value)
        incident.full_clean(exclude=["number"])
        changed = [name for name in changes if old[name] != changes[name]]
        if not changed:
            return incident
        events = [
            _event(
                kind=EventKind.FIELD,
                actor=actor,
                at=now,
                incident=incident,
                field=name,
                old=_field_display(incident, name, old[name]),
                new=_field_display(incident, name, changes[name]),
            )
            for name in changed
        ]
        update_fields = [*changed, "updated_at"]
        new_priority = priority_for(impact=incident.impact, urgency=incident.urgency)
        if new_priority != incident.priority:
            events.append(
                _event(
                    kind=EventKind.PRIORITY,
                    actor=actor,
                    at=now,
                    incident=incident,
                    field="priority",
                    old=Priority(incident.priority).label,
                    new=Priority(new_priority).label,
                )
            )
            incident.priority = new_priority
            sla.apply_targets(incident)
            update_fields += ["priority", "response_due_at", "resolution_due_at"]
        incident.updated_at = now
        incident.save(update_fields=update_fields)
        Event.objects.bulk_create(events)
        record_events(event_type=WebhookEventType.INCIDENT_UPDATED, pks=[incident.pk])
    return incident


def _field_display(incident: Incident, name: str, value: Any) -> Any:
    field = Incident._meta.get_field(name)
    if field.choices and value is not None:
        return dict(field.choices).get(value, value)
    if name == "description":
        # The trail says the description changed; the text itself stays in one place so a
        # redaction (a deleted tweet) never has to rewrite the immutable trail.
        return f"{len(value or '')} characters"
    return value


# --- comments --------------------------------------------------------------------------


def comment_create(
    *,
    body: str,
    visibility: str,
    author: User | Contact | None,
    incident: Incident | None = None,
    problem: Problem | None = None,
    created_at: datetime | None = None,
) -> Comment:
    """Add a public reply or an internal note. Only agents write internal notes."""
    if (incident is None) == (problem is None):
        raise TypeError("comment_create() needs exactly one of incident and problem")
    body = _clean_text(body)
    if visibility == Visibility.INTERNAL and not (isinstance(author, User) and is_agent(author)):
        raise ValidationError({"visibility": "Only agents can write internal notes."})
    now = timezone.now()
    author_fields = (
        {"author_contact": _surviving_contact(author)} if isinstance(author, Contact) else {"author_user": author}
    )
    comment = Comment(
        incident=incident,
        problem=problem,
        body=body,
        visibility=visibility,
        created_at=created_at or now,
        **author_fields,
    )
    comment.full_clean()
    with transaction.atomic():
        # Lock the ticket before inserting the row that references it: the other order
        # can deadlock with a concurrent writer of the same incident.
        if incident is not None:
            incident = _locked_incident(incident)
        comment.save(force_insert=True)
        if incident is not None:
            update_fields = ["updated_at"]
            # The SLA's response is the first public word from an agent.
            if (
                visibility == Visibility.PUBLIC
                and incident.first_response_at is None
                and isinstance(author, User)
                and is_agent(author)
            ):
                incident.first_response_at = now
                update_fields.append("first_response_at")
            incident.updated_at = now
            incident.save(update_fields=update_fields)
            if visibility == Visibility.PUBLIC and isinstance(author, User) and is_agent(author):
                # Channels that answer the reporter where they wrote (social) listen for this,
                # inside the transaction: the answer's outbox row commits with the comment.
                comment.incident = incident
                public_reply_created.send(sender=Comment, comment=comment)
        else:
            Problem.objects.filter(pk=problem.pk).update(updated_at=now)
        _event(
            kind=EventKind.COMMENT,
            actor=author,
            at=now,
            incident=incident,
            problem=problem,
            field="comment",
            new=Visibility(visibility).label,
            comment=comment,
        ).save()
        record_events(event_type=WebhookEventType.COMMENT_CREATED, pks=[comment.pk])
    return comment


# --- problems --------------------------------------------------------------------------


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
        record_events(event_type=WebhookEventType.PROBLEM_UPDATED, pks=[problem.pk])
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
        record_events(event_type=WebhookEventType.PROBLEM_UPDATED, pks=[problem.pk])
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
        record_events(event_type=WebhookEventType.PROBLEM_UPDATED, pks=[problem.pk])
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
            record_events(event_type=WebhookEventType.INCIDENT_UPDATED, pks=[i.pk for i in to_link])
            record_events(event_type=WebhookEventType.PROBLEM_UPDATED, pks=[problem.pk])
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
        record_events(event_type=WebhookEventType.INCIDENT_UPDATED, pks=[incident.pk])
        record_events(event_type=WebhookEventType.PROBLEM_UPDATED, pks=[problem.pk])
    return incident


# --- bulk actions (the console's selection) ---------------------------------------------

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
        raise ValidationError(
            {
                "status": [
                    f"{i.number} cannot go from {IncidentStatus(i.status).label} to {IncidentStatus(to_status).label}."
                    for i in stuck
                ]
            },
            code="illegal_transition",
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


# --- several changes at once (the API's PATCH) -------------------------------------------


def incident_change(
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
    """Apply descriptive fields, assignment, the problem link and then a status change in one
    transaction, each through its own service (rules, SLA and audit as ever): all or nothing."""
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


# --- contacts ------------------------------------------------------------------------


def _surviving_contact(contact: Contact) -> Contact:
    """Follow merges to the contact that lives on."""
    seen = set()
    while contact.merged_into_id is not None and contact.pk not in seen:
        seen.add(contact.pk)
        contact = contact.merged_into
    return contact


def contact_for_user(*, user: User) -> Contact:
    """The contact behind a portal user, created on their first incident."""
    contact = Contact.objects.filter(user=user).first()
    if contact is not None:
        return contact
    contact, _ = Contact.objects.get_or_create(
        user=user,
        defaults={"name": user.get_full_name() or user.get_username(), "email": user.email},
    )
    return contact


def contact_create(*, name: str, email: str = "", user: User | None = None) -> Contact:
    contact = Contact(name=_clean_text(name), email=_clean_text(email), user=user)
    contact.full_clean()
    contact.save()
    return contact


def contact_merge(*, source: Contact, target: Contact, actor: Actor) -> Contact:
    """Fold `source` into `target`: its incidents and comments move, and it points at
    `target` from now on. Nothing is deleted; the trail of every moved incident says so."""
    if source.pk == target.pk:
        raise ValidationError({"target": "A contact cannot be merged into itself."})
    with transaction.atomic():
        source, target = (
            Contact.objects.select_for_update().get(pk=source.pk),
            Contact.objects.select_for_update().get(pk=target.pk),
        )
        if source.merged_into_id or target.merged_into_id:
            raise ValidationError({"source": "One of these contacts was already merged."})
        if source.user_id and target.user_id:
            raise ValidationError({"source": "Both contacts have a portal login; deactivate one of them first."})
        now = timezone.now()
        moved = list(Incident.objects.filter(reporter=source).values_list("pk", flat=True))
        Incident.objects.filter(pk__in=moved).update(reporter=target, updated_at=now)
        Comment.objects.filter(author_contact=source).update(author_contact=target)
        updates = ["merged_into"]
        if source.user_id:
            user = source.user
            source.user = None
            source.save(update_fields=["user"])  # free the one-to-one first
            target.user = user
            target.save(update_fields=["user"])
        if not target.email and source.email:
            target.email = source.email
            target.save(update_fields=["email"])
        source.merged_into = target
        source.save(update_fields=updates)
        Event.objects.bulk_create(
            _event(
                kind=EventKind.CONTACT_MERGE,
                actor=actor,
                at=now,
                incident=Incident(pk=pk),
                field="reporter",
                old=source.name,
                new=target.name,
            )
            for pk in moved
        )
        record_events(event_type=WebhookEventType.INCIDENT_UPDATED, pks=moved)
    return target


# --- periodic work ---------------------------------------------------------------------


def sla_flag_breaches(*, now: datetime | None = None, batch_size: int = 1000) -> int:
    """Flag every running incident whose response or resolution target has passed.

    Safe to run concurrently: rows another sweep holds are skipped, and the flag itself
    makes a second run a no-op.
    """
    now = now or timezone.now()
    flagged = 0
    for target, conditions in (
        ("response", {"response_breached": False, "first_response_at__isnull": True, "response_due_at__lt": now}),
        ("resolution", {"resolution_breached": False, "resolution_due_at__lt": now}),
    ):
        with transaction.atomic():
            due = list(
                Incident.objects.select_for_update(skip_locked=True)
                .filter(status__in=[IncidentStatus.NEW, IncidentStatus.IN_PROGRESS], **conditions)
                .order_by(f"{target}_due_at")[:batch_size]
            )
            if not due:
                continue
            Incident.objects.filter(pk__in=[i.pk for i in due]).update(**{f"{target}_breached": True})
            Event.objects.bulk_create(_breach_event(i, target, now) for i in due)
            record_events(event_type=WebhookEventType.INCIDENT_UPDATED, pks=[i.pk for i in due])
            flagged += len(due)
    return flagged


def incidents_close_resolved(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Close incidents resolved longer ago than INCIDENT_AUTO_CLOSE_DAYS."""
    days = settings.INCIDENT_AUTO_CLOSE_DAYS
    if days <= 0:
        return 0
    now = now or timezone.now()
    stale = Incident.objects.filter(
        status=IncidentStatus.RESOLVED, resolved_at__lt=now - timedelta(days=days)
    ).order_by("resolved_at")[:batch_size]
    closed = 0
    for incident in stale:
        try:
            incident_transition(
                incident=incident,
                to_status=IncidentStatus.CLOSED,
                actor=None,
                note=f"Closed automatically {days} days after resolution.",
            )
            closed += 1
        except ValidationError:
            continue  # reopened meanwhile
    return closed
