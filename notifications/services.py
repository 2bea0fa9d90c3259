"""Who hears of what, by e-mail, and the sending of it.

`notifications_record` runs inside the transaction of a change (tickets.signals.changed) and
writes one outbox row per person to tell; `notification_send` sends one row from a worker,
outside any transaction, after claiming it with a lease so two workers never send it at once.
"""

from collections.abc import Iterable
from datetime import timedelta
from smtplib import SMTPException

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from servicedesk.celery import delay_each_or_leave_to_sweep
from tickets.access import is_agent
from tickets.models import Comment, Event, EventKind, Incident, IncidentStatus, Visibility

from .models import (
    AGENT_KINDS,
    CUSTOMER_KINDS,
    Notification,
    NotificationKind,
    NotificationPreference,
    NotificationState,
)
from .tasks import send_notification

# Audit events this recent are the change being committed now; older ones were seen before.
RECENT = timedelta(minutes=2)
# A worker holds a claimed notification this long; a sweep may then hand it to another.
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5


def notifications_for_incident_changes(*, incident_pks: Iterable[int]) -> list[Notification]:
    """Resolutions (to the portal reporter) and assignments (to the new assignee) just audited."""
    since = timezone.now() - RECENT
    events = (
        Event.objects.filter(incident_id__in=list(incident_pks), created_at__gte=since)
        .filter(
            Q(kind=EventKind.STATUS, field="status", new_value=IncidentStatus.RESOLVED.label)
            | Q(kind=EventKind.ASSIGNMENT, field="assignee")
        )
        .select_related("incident__reporter__user", "incident__assignee", "actor_user")
    )
    wanted = []
    for event in events:
        incident = event.incident
        if event.kind == EventKind.STATUS:
            recipient, kind = incident.reporter.user, NotificationKind.RESOLVED
        else:
            recipient, kind = incident.assignee, NotificationKind.ASSIGNED
        if recipient is None or recipient == event.actor_user:
            continue  # nobody to tell, or telling people what they did themselves
        wanted.append(_notification(recipient=recipient, kind=kind, incident=incident, cause=f"event:{event.pk}"))
    return _record(wanted)


def notifications_for_comments(*, comment_pks: Iterable[int]) -> list[Notification]:
    """An agent's public reply (to the portal reporter); the reporter's answer (to the assignee)."""
    comments = Comment.objects.filter(pk__in=list(comment_pks), incident__isnull=False).select_related(
        "incident__reporter__user", "incident__assignee", "author_user", "author_contact"
    )
    wanted = []
    for comment in comments:
        incident = comment.incident
        reporter = incident.reporter
        by_reporter = comment.author_contact_id == reporter.pk or (
            comment.author_user_id is not None and comment.author_user_id == reporter.user_id
        )
        if by_reporter:
            recipient, kind = incident.assignee, NotificationKind.REPORTER_ANSWERED
        elif comment.visibility == Visibility.PUBLIC and comment.author_user and is_agent(comment.author_user):
            recipient, kind = reporter.user, NotificationKind.PUBLIC_REPLY
        else:
            continue
        if recipient is None or recipient.pk == comment.author_user_id:
            continue
        wanted.append(
            _notification(
                recipient=recipient, kind=kind, incident=incident, cause=f"comment:{comment.pk}", comment=comment
            )
        )
    return _record(wanted)


def notification_survey_record(
    *, incident: Incident, to: str, subject: str, body: str, cause: str
) -> Notification | None:
    """A satisfaction survey by e-mail to the incident's reporter (feedback asks, with its own
    words and links), written in the caller's transaction like every notification and sent by
    the same worker. Once per `cause`; None when the reporter turned surveys off."""
    recipient = incident.reporter.user
    if (
        recipient is not None
        and NotificationPreference.objects.filter(user=recipient, kind=NotificationKind.SURVEY, email=False).exists()
    ):
        return None
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=recipient,
                kind=NotificationKind.SURVEY,
                incident=incident,
                cause=cause,
                subject=subject[:200],
                body=body,
                to=to,
                created_at=timezone.now(),
            )
        ],
        ignore_conflicts=True,  # asked again for the same survey: the first row stands
    )
    notification = Notification.objects.get(kind=NotificationKind.SURVEY, cause=cause)
    if notification.state == NotificationState.PENDING:
        transaction.on_commit(lambda: _enqueue([notification.pk]), robust=True)
    return notification


def notification_preferences(*, user: User) -> dict[str, bool]:
    """Each kind the user can receive (by role), on or off."""
    kinds = AGENT_KINDS if is_agent(user) else CUSTOMER_KINDS
    off = set(NotificationPreference.objects.filter(user=user, email=False).values_list("kind", flat=True))
    return {kind: kind not in off for kind in kinds}


def notification_preferences_set(*, user: User, wanted: dict[str, bool]) -> dict[str, bool]:
    """Turn kinds on or off for `user`; kinds not for the user's role are refused."""
    allowed = notification_preferences(user=user)
    unknown = set(wanted) - set(allowed)
    if unknown:
        raise ValueError(f"Not a notification you can receive: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        for kind, on in wanted.items():
            NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"email": bool(on)})
    return {kind: bool(wanted.get(kind, on)) for kind, on in allowed.items()}


def notification_send(*, notification_id: int) -> str:
    """Send one notification if it is still pending and nobody else holds it. Safe to run twice:
    a sent one is not sent again, a held one is left to its holder."""
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, state=NotificationState.PENDING)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .update(leased_until=now + LEASE, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "not pending or held"
    notification = Notification.objects.get(pk=notification_id)
    try:
        EmailMessage(
            subject=notification.subject,
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.to],
            headers={"Auto-Submitted": "auto-generated"},  # RFC 3834: no auto-replies to this
        ).send()
    except (OSError, SMTPException) as error:
        failed = notification.attempts >= MAX_ATTEMPTS
        Notification.objects.filter(pk=notification_id).update(
            state=NotificationState.FAILED if failed else NotificationState.PENDING,
            last_error=str(error)[:500],
            # Try again after a pause that grows with each attempt (the sweep picks it up).
            leased_until=None if failed else timezone.now() + timedelta(minutes=notification.attempts**2),
        )
        return "failed" if failed else "will retry"
    Notification.objects.filter(pk=notification_id).update(
        state=NotificationState.SENT, sent_at=timezone.now(), leased_until=None, last_error=""
    )
    return "sent"


def notifications_sweep(*, older_than: timedelta = timedelta(seconds=30)) -> int:
    """Enqueue pending notifications whose task was lost (no broker at the time, a worker died)."""
    now = timezone.now()
    ids = list(
        Notification.objects.filter(state=NotificationState.PENDING, created_at__lt=now - older_than)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .values_list("pk", flat=True)[:1000]
    )
    _enqueue(ids)
    return len(ids)


# --- inside -------------------------------------------------------------------------------


def _notification(
    *, recipient: User, kind: str, incident: Incident, cause: str, comment: Comment | None = None
) -> Notification | None:
    if not recipient.email:
        return None
    for_agent = kind in AGENT_KINDS
    path = reverse("incident_detail" if for_agent else "portal_incident", args=[incident.number])
    context = {
        "recipient": recipient,
        "kind": kind,
        "incident": incident,
        "comment": comment,
        "link": settings.DESK_URL.rstrip("/") + path,
        "preferences_link": settings.DESK_URL.rstrip("/") + reverse("notification_preferences"),
    }
    subject = render_to_string("notifications/subject.txt", context).strip().replace("\n", " ")[:200]
    return Notification(
        recipient=recipient,
        kind=kind,
        incident=incident,
        cause=cause,
        subject=subject,
        body=render_to_string("notifications/body.txt", context),
        to=recipient.email,
    )


def _record(wanted: list[Notification | None]) -> list[Notification]:
    wanted = [n for n in wanted if n is not None]
    if not wanted:
        return []
    off = set(
        NotificationPreference.objects.filter(user__in={n.recipient_id for n in wanted}, email=False).values_list(
            "user_id", "kind"
        )
    )
    now = timezone.now()
    rows = []
    for notification in wanted:
        if (notification.recipient_id, notification.kind) in off:
            continue
        notification.created_at = now
        rows.append(notification)
    # The same change seen twice (a receiver run again) writes nothing the second time.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    causes = {(n.recipient_id, n.kind, n.cause) for n in rows}
    recorded = [
        n
        for n in Notification.objects.filter(
            state=NotificationState.PENDING, cause__in={c for _, _, c in causes}, created_at=now
        )
        if (n.recipient_id, n.kind, n.cause) in causes
    ]
    ids = [n.pk for n in recorded]
    transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return recorded


def _enqueue(ids: list[int]) -> None:
    delay_each_or_leave_to_sweep(send_notification, ids, what="notification")
