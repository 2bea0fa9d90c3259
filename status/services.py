"""Every write of the status page: overrides, the state history (and the e-mails it sends),
subscriptions. Keyword-only; role rules here."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from tickets.access import is_agent
from tickets.models import Problem, Service

from . import tasks
from .models import PublicKnownError, ServiceState, StateChange, StatusOverride, Subscriber
from .state import service_states

PAGE_VERSION_KEY = "status:page-version"
CONFIRM_SALT = "status.subscribe.confirm"
UNSUBSCRIBE_SALT = "status.subscribe.unsubscribe"
CONFIRM_DAYS = 7


def page_changed() -> None:
    """The cached page and feeds are stale: the next request renders them afresh."""
    try:
        cache.incr(PAGE_VERSION_KEY)
    except ValueError:
        cache.set(PAGE_VERSION_KEY, 1, None)


# --- overrides ---------------------------------------------------------------------------------


def override_set(*, service: Service, by: User, state: str, reason: str) -> StatusOverride:
    if not is_agent(by):
        raise PermissionDenied("Only service desk agents and managers may set a service's state.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why: the public reads it."})
    if state not in ServiceState.values:
        raise ValidationError({"state": f"“{state}” is not a service state."})
    now = timezone.now()
    with transaction.atomic():
        StatusOverride.objects.filter(service=service, cleared_at__isnull=True).update(cleared_at=now)
        override = StatusOverride.objects.create(
            service=service, state=state, reason=reason[:500], set_by=by, created_at=now
        )
        transaction.on_commit(page_changed, robust=True)  # the reason shows even if the state stays
        transaction.on_commit(lambda: tasks.record_state_changes.delay(), robust=True)
    return override


def override_clear(*, service: Service, by: User) -> None:
    if not is_agent(by):
        raise PermissionDenied("Only service desk agents and managers may clear a service's state.")
    with transaction.atomic():
        StatusOverride.objects.filter(service=service, cleared_at__isnull=True).update(cleared_at=timezone.now())
        transaction.on_commit(page_changed, robust=True)
        transaction.on_commit(lambda: tasks.record_state_changes.delay(), robust=True)


# --- the history, and telling subscribers ------------------------------------------------------


def state_changes_record(*, now: datetime | None = None) -> list[StateChange]:
    """Compare each service's state with the last one recorded; record the differences and
    mail their subscribers (from a worker, on commit). Safe to run twice or at once: an
    advisory-free compare-and-insert under a lock of the services' rows."""
    now = now or timezone.now()
    with transaction.atomic():
        # One recorder at a time: two at once would both see the old state.
        list(Service.objects.select_for_update().filter(active=True).values_list("pk", flat=True))
        states = service_states(now=now)
        latest = (
            StateChange.objects.filter(service__in=[s.service.pk for s in states])
            .values("service_id")
            .annotate(last=Max("id"))
        )
        last_state = dict(
            StateChange.objects.filter(pk__in=[row["last"] for row in latest]).values_list("service_id", "state")
        )
        new = [
            StateChange(
                service=status.service,
                state=status.state,
                previous=last_state.get(status.service.pk, ""),
                at=now,
            )
            for status in states
            # A service seen for the first time starts the history only when not operational.
            if last_state.get(status.service.pk, ServiceState.OPERATIONAL) != status.state
            or (status.service.pk not in last_state and status.state != ServiceState.OPERATIONAL)
        ]
        new = [change for change in new if change.previous != change.state]
        if new:
            StateChange.objects.bulk_create(new)
            ids = [change.pk for change in new]
            transaction.on_commit(lambda: tasks.notify_subscribers.delay(state_change_ids=ids), robust=True)
            transaction.on_commit(page_changed, robust=True)
    return new


def subscribers_notify(*, state_change_ids: list[int]) -> int:
    """Mail each confirmed subscriber of the services whose state changed, once per change
    (a change already notified is skipped). The messages are handed to the mail backend
    in one connection; the number handed over."""
    with transaction.atomic():
        changes = list(
            StateChange.objects.select_for_update(skip_locked=True)
            .filter(pk__in=state_change_ids, notified_at__isnull=True)
            .select_related("service")
        )
        if not changes:
            return 0
        service_ids = {c.service_id for c in changes}
        subscribers = list(
            Subscriber.objects.filter(confirmed_at__isnull=False).filter(
                Q(service__isnull=True) | Q(service__in=service_ids)
            )
        )
        messages = []
        for change in changes:
            for subscriber in subscribers:
                if subscriber.service_id not in (None, change.service_id):
                    continue
                messages.append(_state_change_mail(change, subscriber))
        StateChange.objects.filter(pk__in=[c.pk for c in changes]).update(notified_at=timezone.now())
    if messages:
        with get_connection() as connection:
            connection.send_messages(messages)
    return len(messages)


def _state_change_mail(change: StateChange, subscriber: Subscriber) -> EmailMessage:
    unsubscribe = absolute(reverse("status:unsubscribe", args=[unsubscribe_token(subscriber)]))
    state = ServiceState(change.state).label
    previous = ServiceState(change.previous).label if change.previous else "Operational"
    body = (
        f"{change.service.name} is now: {state} (it was {previous.lower()}), "
        f"since {change.at:%Y-%m-%d %H:%M} UTC.\n\n"
        f"Current status: {absolute(reverse('status:page'))}\n\n"
        f"To stop these e-mails, one click: {unsubscribe}\n"
    )
    return EmailMessage(
        subject=f"{change.service.name}: {state}",
        body=body,
        to=[subscriber.email],
        headers={
            # RFC 8058: mail clients offer a one-click unsubscribe that POSTs here.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def absolute(path: str) -> str:
    return settings.STATUS_BASE_URL.rstrip("/") + path


# --- known errors in public words --------------------------------------------------------------


def public_known_error_save(
    *,
    problem: Problem,
    by: User,
    title: str,
    description: str,
    workaround: str = "",
    published: bool = True,
    in_acknowledgements: bool = False,
) -> PublicKnownError:
    """Mark a known error public (or change its public words): shown on the status page while
    `published`, and added to the acknowledgements of matching new incidents when
    `in_acknowledgements` too. Agents and managers only; the internal text never leaves."""
    if not is_agent(by):
        raise PermissionDenied("Only service desk agents and managers publish known errors.")
    title, description, workaround = title.strip(), description.strip(), workaround.strip()
    errors = {}
    if not title:
        errors["title"] = "Give it a title people will recognise."
    if not description:
        errors["description"] = "Say in public words what people notice."
    if in_acknowledgements and not published:
        errors["in_acknowledgements"] = "Only a published known error is added to acknowledgements."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        known, _ = PublicKnownError.objects.update_or_create(
            problem=problem,
            defaults={
                "title": title[:200],
                "description": description[:5000],
                "workaround": workaround[:5000],
                "published": published,
                "in_acknowledgements": in_acknowledgements,
            },
        )
        transaction.on_commit(page_changed, robust=True)
    return known


# --- subscriptions: double opt-in, signed one-click unsubscribe ---------------------------------


def subscription_request(*, email: str, service: Service | None) -> Subscriber:
    """Ask to be told; nothing is sent until the link mailed now is followed. Asking again
    mails the link again (and says nothing of whether the address was known)."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter a valid e-mail address."}) from None
    try:
        with transaction.atomic():
            subscriber, _ = Subscriber.objects.get_or_create(
                email=email, service=service, defaults={"created_at": timezone.now()}
            )
    except IntegrityError:  # asked twice at once
        subscriber = Subscriber.objects.get(email=email, service=service)
    if subscriber.confirmed_at is None:
        transaction.on_commit(lambda: tasks.send_confirmation.delay(subscriber_id=subscriber.pk), robust=True)
    return subscriber


def confirmation_mail(*, subscriber_id: int) -> None:
    subscriber = Subscriber.objects.select_related("service").filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.confirmed_at is not None:
        return
    link = absolute(reverse("status:confirm", args=[signing.dumps(subscriber.pk, salt=CONFIRM_SALT)]))
    what = subscriber.service.name if subscriber.service else "every service"
    EmailMessage(
        subject=f"Confirm: status e-mails for {what}",
        body=(
            f"Someone (we hope you) asked for an e-mail when the state of {what} changes.\n\n"
            f"To confirm, follow this link within {CONFIRM_DAYS} days: {link}\n\n"
            "If it was not you, ignore this message: nothing will be sent.\n"
        ),
        to=[subscriber.email],
        headers={"Auto-Submitted": "auto-generated"},
    ).send()


def subscription_confirm(*, token: str) -> Subscriber:
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_DAYS * 86400)
    except signing.BadSignature:
        raise ValidationError("This confirmation link is not valid or has expired; subscribe again.") from None
    subscriber = Subscriber.objects.filter(pk=pk).first()
    if subscriber is None:
        raise ValidationError("This subscription no longer exists; subscribe again.")
    if subscriber.confirmed_at is None:
        Subscriber.objects.filter(pk=pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
        subscriber.refresh_from_db()
    return subscriber


def unsubscribe_token(subscriber: Subscriber) -> str:
    # Signed, never expiring: an old e-mail's link must still work.
    return signing.dumps([subscriber.pk, subscriber.email], salt=UNSUBSCRIBE_SALT)


def unsubscribe(*, token: str) -> bool:
    """One click: the subscription is gone (True), or was already (False)."""
    try:
        pk, email = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise ValidationError("This unsubscribe link is not valid.") from None
    deleted, _ = Subscriber.objects.filter(pk=pk, email=email).delete()
    return bool(deleted)
