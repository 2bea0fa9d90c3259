"""Every write to broadcasts: drafting, editing, submitting, approving, rejecting,
withdrawing and publishing. Pages, the API, workers and the admin call these; the policy
(`broadcasts.policy`) is enforced here and nowhere else, so no door is left open.

Each function is keyword-only, refuses with `NotAllowed` (who) or `TextBreaksPolicy`
(what), or Django's `ValidationError` (input), before anything is saved, locks the
broadcast it changes, and adds its `BroadcastRecord` in the same transaction.
"""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from servicedesk.errors import state_conflict
from tickets.models import Incident, Problem, Service

from . import policy, tasks
from .models import (
    EDITABLE_STATES,
    STATUS_CHANNEL,
    Approval,
    Broadcast,
    BroadcastKind,
    BroadcastPolicy,
    BroadcastRecord,
    BroadcastState,
    Change,
    Decision,
    RecordKind,
    channel_choices,
)
from .posting import posts_create

EDITABLE = EDITABLE_STATES

# A broadcast was published (kwargs: broadcast_id), sent on commit: the status page shows it.
broadcast_published = Signal()


def _clean_channels(channels: Iterable[str]) -> list[str]:
    channels = list(dict.fromkeys(channels))
    known = {channel for channel, _ in channel_choices()}
    unknown = [c for c in channels if c not in known]
    if unknown:
        raise ValidationError(
            {"channels": f"Unknown channel: {', '.join(unknown)}. Known: {', '.join(sorted(known))}."}
        )
    if not channels:
        raise ValidationError({"channels": "Choose at least one channel."})
    return channels


def _clean(*, kind: str, text: str, title: str, links: Iterable[str]) -> tuple[str, str, list[str]]:
    if kind not in BroadcastKind.values:
        raise ValidationError({"kind": f"“{kind}” is not a kind of broadcast ({', '.join(BroadcastKind.values)})."})
    text = text.strip()
    if not text:
        raise ValidationError({"text": "A broadcast needs some text."})
    if len(text) > 10000:
        raise ValidationError({"text": "A broadcast is limited to 10,000 characters."})
    title = (title.strip() or _title_from(text))[:200]
    links = [str(link).strip() for link in links if str(link).strip()]
    for link in links:
        if not link.startswith(("https://", "http://")) or len(link) > 500:
            raise ValidationError({"links": f"“{link[:80]}” is not a web address."})
    return text, title, links


def _title_from(text: str) -> str:
    first = text.strip().splitlines()[0]
    return first if len(first) <= 120 else first[:117].rsplit(" ", 1)[0] + "…"


def _record(broadcast: Broadcast, kind: str, *, actor: User | None, now: datetime, **fields) -> BroadcastRecord:
    record = BroadcastRecord(broadcast=broadcast, kind=kind, actor=actor, created_at=now, **fields)
    record.save()
    return record


def broadcast_create(
    *,
    by: User,
    kind: str,
    text: str,
    channels: Iterable[str],
    title: str = "",
    services: Iterable[Service] = (),
    incident: Incident | None = None,
    problem: Problem | None = None,
    change: Change | None = None,
    links: Iterable[str] = (),
    scheduled_for: datetime | None = None,
) -> Broadcast:
    """A new draft. Only those the policy lets draft for every channel chosen may."""
    channels = _clean_channels(channels)
    text, title, links = _clean(kind=kind, text=text, title=title, links=links)
    policy.check_may_draft(user=by, rules=policy.rules_for(kind=kind, channels=channels))
    now = timezone.now()
    with transaction.atomic():
        broadcast = Broadcast.objects.create(
            kind=kind,
            title=title,
            text=text,
            channels=channels,
            incident=incident,
            problem=problem,
            change=change,
            links=links,
            scheduled_for=scheduled_for,
            created_by=by,
            created_at=now,
            updated_at=now,
        )
        services = list(services)
        if services:
            broadcast.services.set(services)
        _record(broadcast, RecordKind.DRAFTED, actor=by, now=now, text=text, note=", ".join(channels))
    return broadcast


def broadcast_update(
    *,
    broadcast: Broadcast,
    by: User,
    text: str | None = None,
    title: str | None = None,
    kind: str | None = None,
    channels: Iterable[str] | None = None,
    services: Iterable[Service] | None = None,
    links: Iterable[str] | None = None,
    scheduled_for: datetime | None = None,
    clear_schedule: bool = False,
) -> Broadcast:
    """Change a draft (or a rejected one, which becomes a draft again)."""
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        if broadcast.state not in EDITABLE:
            raise state_conflict(
                {"state": f"A broadcast {broadcast.get_state_display().lower()} cannot be edited; withdraw it first."}
            )
        new_kind = broadcast.kind if kind is None else kind
        new_channels = broadcast.channels if channels is None else _clean_channels(channels)
        new_text, new_title, new_links = _clean(
            kind=new_kind,
            text=broadcast.text if text is None else text,
            title=(broadcast.title if text is None else "") if title is None else title,
            links=broadcast.links if links is None else links,
        )
        policy.check_may_draft(user=by, rules=policy.rules_for(kind=new_kind, channels=new_channels))
        now = timezone.now()
        broadcast.kind, broadcast.channels, broadcast.text = new_kind, new_channels, new_text
        broadcast.title, broadcast.links = new_title, new_links
        if clear_schedule:
            broadcast.scheduled_for = None
        elif scheduled_for is not None:
            broadcast.scheduled_for = scheduled_for
        broadcast.state = BroadcastState.DRAFT
        broadcast.updated_at = now
        broadcast.save()
        if services is not None:
            broadcast.services.set(list(services))
        _record(broadcast, RecordKind.EDITED, actor=by, now=now, text=new_text)
    return broadcast


def broadcast_submit(*, broadcast: Broadcast, by: User) -> Broadcast:
    """Ask for approval. The words must keep the policy already: approvers are not asked to
    approve what they could not."""
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        if broadcast.state not in EDITABLE:
            raise state_conflict({"state": f"A broadcast {broadcast.get_state_display().lower()} cannot be submitted."})
        rules = policy.rules_for(kind=broadcast.kind, channels=broadcast.channels)
        policy.check_may_draft(user=by, rules=rules)
        policy.check_text(text=broadcast.text, rules=rules)
        now = timezone.now()
        broadcast.state = BroadcastState.SUBMITTED
        broadcast.submitted_at = now
        broadcast.rejection_reason = ""
        broadcast.updated_at = now
        broadcast.save(update_fields=["state", "submitted_at", "rejection_reason", "updated_at"])
        _record(broadcast, RecordKind.SUBMITTED, actor=by, now=now, text=broadcast.text)
    return broadcast


def _round(broadcast: Broadcast) -> int:
    """Each submission is a round of approvals: a resubmitted text is approved afresh."""
    return BroadcastRecord.objects.filter(broadcast=broadcast, kind=RecordKind.SUBMITTED).count()


def broadcast_approve(*, broadcast: Broadcast, by: User, note: str = "") -> Broadcast:
    """One approval. When the approvals satisfy every channel's rule the broadcast is
    approved, and published now or at its scheduled time."""
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        if broadcast.state != BroadcastState.SUBMITTED:
            raise state_conflict({"state": "Only a broadcast awaiting approval can be approved."})
        rules = policy.rules_for(kind=broadcast.kind, channels=broadcast.channels)
        policy.check_may_approve(user=by, broadcast=broadcast, rules=rules)
        # The policy may have changed since it was submitted: the words are checked again.
        policy.check_text(text=broadcast.text, rules=rules)
        round_ = _round(broadcast)
        if Approval.objects.filter(broadcast=broadcast, round=round_, user=by).exists():
            raise state_conflict({"state": "You have approved this broadcast already."})
        now = timezone.now()
        Approval.objects.create(
            broadcast=broadcast, round=round_, user=by, decision=Decision.APPROVE, note=note[:1000], created_at=now
        )
        _record(broadcast, RecordKind.APPROVED, actor=by, now=now, text=broadcast.text, note=note[:1000])
        approvers = list(
            Approval.objects.filter(broadcast=broadcast, round=round_, decision=Decision.APPROVE).values_list(
                "user_id", flat=True
            )
        )
        if policy.approvals_complete(rules=rules, approver_ids=approvers):
            broadcast.state = BroadcastState.APPROVED
            broadcast.approved_at = now
            broadcast.updated_at = now
            broadcast.save(update_fields=["state", "approved_at", "updated_at"])
            if broadcast.scheduled_for is None or broadcast.scheduled_for <= now:
                broadcast_id = broadcast.pk
                transaction.on_commit(lambda: tasks.publish_broadcast.delay(broadcast_id=broadcast_id), robust=True)
    return broadcast


def broadcast_reject(*, broadcast: Broadcast, by: User, reason: str) -> Broadcast:
    """Sent back to its author with the reason; it may be edited and submitted again."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why, so the author can put it right."})
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        if broadcast.state != BroadcastState.SUBMITTED:
            raise state_conflict({"state": "Only a broadcast awaiting approval can be rejected."})
        rules = policy.rules_for(kind=broadcast.kind, channels=broadcast.channels)
        # Who may approve may reject; the author's own "no" is a withdrawal.
        policy.check_may_approve(user=by, broadcast=broadcast, rules=rules)
        now = timezone.now()
        Approval.objects.create(
            broadcast=broadcast,
            round=_round(broadcast),
            user=by,
            decision=Decision.REJECT,
            note=reason[:1000],
            created_at=now,
        )
        broadcast.state = BroadcastState.REJECTED
        broadcast.rejection_reason = reason[:1000]
        broadcast.updated_at = now
        broadcast.save(update_fields=["state", "rejection_reason", "updated_at"])
        _record(broadcast, RecordKind.REJECTED, actor=by, now=now, text=broadcast.text, note=reason[:1000])
    return broadcast


def broadcast_withdraw(*, broadcast: Broadcast, by: User, reason: str = "") -> Broadcast:
    """Taken back before it is published (a scheduled one too)."""
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        if broadcast.state in (BroadcastState.PUBLISHED, BroadcastState.WITHDRAWN):
            raise state_conflict({"state": f"A broadcast {broadcast.get_state_display().lower()} cannot be withdrawn."})
        rules = policy.rules_for(kind=broadcast.kind, channels=broadcast.channels)
        if broadcast.created_by_id != by.pk:
            policy.check_may_approve(user=by, broadcast=broadcast, rules=rules)
        else:
            policy.check_may_draft(user=by, rules=rules)
        now = timezone.now()
        broadcast.state = BroadcastState.WITHDRAWN
        broadcast.updated_at = now
        broadcast.save(update_fields=["state", "updated_at"])
        _record(broadcast, RecordKind.WITHDRAWN, actor=by, now=now, note=reason[:1000])
    return broadcast


def broadcast_publish(*, broadcast_id: int, now: datetime | None = None) -> Broadcast | None:
    """Publish an approved broadcast whose time has come: the status page at once, a queued
    post on each social channel (`broadcasts.posting`). Safe to run twice: only an approved
    broadcast is published, and each channel's post exists once."""
    now = now or timezone.now()
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().filter(pk=broadcast_id).first()
        if broadcast is None or broadcast.state != BroadcastState.APPROVED:
            return broadcast
        if broadcast.scheduled_for is not None and broadcast.scheduled_for > now:
            return broadcast
        broadcast.state = BroadcastState.PUBLISHED
        broadcast.published_at = now
        broadcast.updated_at = now
        broadcast.save(update_fields=["state", "published_at", "updated_at"])
        _record(broadcast, RecordKind.PUBLISHED, actor=None, now=now, text=broadcast.text)
        posts_create(broadcast=broadcast, now=now)
        published_id = broadcast.pk
        transaction.on_commit(
            lambda: broadcast_published.send(sender=Broadcast, broadcast_id=published_id), robust=True
        )
    return broadcast


def broadcasts_publish_due(*, now: datetime | None = None) -> int:
    """The scheduler: publish every approved broadcast whose time has come."""
    now = now or timezone.now()
    due = list(
        Broadcast.objects.filter(Q(scheduled_for__lte=now) | Q(scheduled_for__isnull=True))
        .filter(state=BroadcastState.APPROVED)
        .order_by("scheduled_for", "pk")
        .values_list("pk", flat=True)
    )
    for broadcast_id in due:
        broadcast_publish(broadcast_id=broadcast_id, now=now)
    return len(due)


def policy_update(*, rule: BroadcastPolicy, by: User, **fields) -> BroadcastPolicy:
    """A manager changes a rule of the policy (the managers' page; the admin edits the rows)."""
    if not by.has_perm("broadcasts.change_broadcastpolicy"):
        raise PermissionDenied("Only managers may change the broadcast policy.")
    allowed = {
        "drafter_roles",
        "approver_roles",
        "approval_mode",
        "approvals_needed",
        "drafter_may_approve",
        "banned_phrases",
        "required_hashtags",
        "max_length",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"Not a field of the policy: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save()
    return rule


__all__ = [
    "STATUS_CHANNEL",
    "broadcast_approve",
    "broadcast_create",
    "broadcast_publish",
    "broadcast_reject",
    "broadcast_submit",
    "broadcast_update",
    "broadcast_withdraw",
    "broadcasts_publish_due",
]
