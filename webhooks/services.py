"""Every write to webhook subscriptions and deliveries.

Delivery is at-least-once: a delivery row is claimed with a conditional UPDATE (a lease),
POSTed outside any transaction, and its outcome recorded. A worker that dies mid-way leaves
a lease that simply expires, and the sweep hands the row to another worker; so a receiver
may see an event twice and deduplicates by its id. Failures back off exponentially
(WEBHOOK_RETRY_BASE_SECONDS doubling up to WEBHOOK_RETRY_MAX_SECONDS, at most
WEBHOOK_MAX_ATTEMPTS tries); a subscription whose receiver keeps failing is disabled.
"""

import json
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import transport
from .models import (
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookEventType,
    WebhookSubscription,
)
from .tasks import deliver_webhook

MIN_SECRET_LENGTH = 16


# --- subscriptions -----------------------------------------------------------------------


def _clean_events(events: Iterable[str]) -> list[str]:
    events = list(dict.fromkeys(events))
    unknown = [e for e in events if e not in WebhookEventType.values]
    if unknown or not events:
        raise ValidationError(
            {"events": f"Choose one or more of {', '.join(WebhookEventType.values)}."},
        )
    return events


def _clean_secret(secret: str) -> str:
    if len(secret) < MIN_SECRET_LENGTH:
        raise ValidationError({"secret": f"A secret has at least {MIN_SECRET_LENGTH} characters."})
    return secret


def webhook_subscription_create(
    *,
    target_url: str,
    events: Iterable[str],
    actor: User | None,
    secret: str | None = None,
    description: str = "",
    active: bool = True,
) -> WebhookSubscription:
    """Subscribe a URL. Without a secret one is generated; it is shown to the caller once."""
    now = timezone.now()
    subscription = WebhookSubscription(
        target_url=(target_url or "").strip(),
        events=_clean_events(events),
        secret=_clean_secret(secret) if secret is not None else secrets.token_urlsafe(32),
        description=(description or "").strip(),
        active=active,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    transport.validate_target_url(subscription.target_url)
    subscription.full_clean()
    subscription.save(force_insert=True)
    return subscription


SUBSCRIPTION_EDITABLE_FIELDS = ("target_url", "events", "secret", "description", "active")


def webhook_subscription_update(*, subscription: WebhookSubscription, **changes) -> WebhookSubscription:
    """Change a subscription. Turning it back on clears its run of failures."""
    unknown = set(changes) - set(SUBSCRIPTION_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"webhook_subscription_update() cannot change {', '.join(sorted(unknown))}")
    if "events" in changes:
        changes["events"] = _clean_events(changes["events"])
    if "secret" in changes:
        changes["secret"] = _clean_secret(changes["secret"])
    if "target_url" in changes:
        changes["target_url"] = (changes["target_url"] or "").strip()
        transport.validate_target_url(changes["target_url"])
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        enabling = changes.get("active") and not subscription.active
        for name, value in changes.items():
            setattr(subscription, name, value)
        update_fields = [*changes, "updated_at"]
        if enabling:
            subscription.consecutive_failures = 0
            subscription.failing_since = subscription.disabled_at = None
            subscription.disabled_reason = ""
            update_fields += ["consecutive_failures", "failing_since", "disabled_at", "disabled_reason"]
        subscription.updated_at = timezone.now()
        subscription.full_clean()
        subscription.save(update_fields=update_fields)
    return subscription


def webhook_subscription_delete(*, subscription: WebhookSubscription) -> None:
    """Unsubscribe: the subscription goes, with its deliveries and their log."""
    subscription.delete()


# --- delivery ------------------------------------------------------------------------------


def envelope(event: WebhookEvent) -> bytes:
    """The exact bytes POSTed (and signed) for an event."""
    return json.dumps(
        {
            "id": str(event.id),
            "type": event.event_type,
            "created_at": event.created_at.isoformat().replace("+00:00", "Z"),
            "data": event.payload,
        },
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
    ).encode()


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: base × 2^(n-1), capped."""
    seconds = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.WEBHOOK_RETRY_MAX_SECONDS))


def webhook_deliver(*, delivery_id: int, now: datetime | None = None) -> str:
    """Try one delivery once, if it is due and nobody else holds it. Returns what happened:
    delivered, retrying, failed, or skipped (not due, done already, or leased)."""
    now = now or timezone.now()
    lease = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 3 + 30)
    claimed = (
        WebhookDelivery.objects.filter(
            pk=delivery_id,
            state=DeliveryState.PENDING,
            next_attempt_at__lte=now,
            subscription__active=True,
        )
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .update(leased_until=lease, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("event", "subscription").get(pk=delivery_id)
    subscription, event = delivery.subscription, delivery.event
    body = envelope(event)
    result = transport.post(
        subscription.target_url,
        body=body,
        headers={
            transport.SIGNATURE_HEADER: transport.sign(subscription.secret, body),
            "X-ServiceDesk-Event": event.event_type,
            "X-ServiceDesk-Event-Id": str(event.id),
            "X-ServiceDesk-Delivery": str(delivery.pk),
        },
    )
    return _record_outcome(delivery, result, at=timezone.now())


def _record_outcome(delivery: WebhookDelivery, result: transport.PostResult, *, at: datetime) -> str:
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            attempted_at=at,
            status_code=result.status_code,
            error=result.error,
            response_excerpt=result.response_excerpt,
            duration_ms=result.duration_ms,
        )
        delivery.last_status_code = result.status_code
        delivery.last_error = result.error
        delivery.leased_until = None
        subscriptions = WebhookSubscription.objects.filter(pk=delivery.subscription_id)
        if result.ok:
            delivery.state = DeliveryState.DELIVERED
            delivery.delivered_at = at
            outcome = "delivered"
            subscriptions.update(consecutive_failures=0, failing_since=None)
        else:
            if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
                delivery.state = DeliveryState.FAILED
                outcome = "failed"
            else:
                delivery.next_attempt_at = at + retry_delay(delivery.attempts)
                outcome = "retrying"
            subscriptions.update(
                consecutive_failures=F("consecutive_failures") + 1,
                failing_since=Coalesce(F("failing_since"), at),
            )
            _disable_if_failing(delivery.subscription_id, at=at)
        delivery.save(
            update_fields=["state", "delivered_at", "next_attempt_at", "leased_until", "last_status_code", "last_error"]
        )
    return outcome


def _disable_if_failing(subscription_id: int, *, at: datetime) -> bool:
    """Disable after WEBHOOK_DISABLE_AFTER_FAILURES failures in a row spread over at least
    WEBHOOK_DISABLE_AFTER_HOURS: a burst of events during a short outage is not enough."""
    disabled = WebhookSubscription.objects.filter(
        pk=subscription_id,
        active=True,
        consecutive_failures__gte=settings.WEBHOOK_DISABLE_AFTER_FAILURES,
        failing_since__lte=at - timedelta(hours=settings.WEBHOOK_DISABLE_AFTER_HOURS),
    ).update(
        active=False,
        disabled_at=at,
        updated_at=at,
        disabled_reason=f"Disabled automatically after {settings.WEBHOOK_DISABLE_AFTER_FAILURES} or more "
        "failed deliveries in a row; fix the receiver and turn it back on.",
    )
    return bool(disabled)


def webhook_deliveries_enqueue_due(*, now: datetime | None = None, limit: int = 1000) -> int:
    """The sweep: hand every due, unleased pending delivery of an active subscription to the
    workers. It catches what a crash, a lost message or a down worker left behind, and the
    retries whose backoff has passed. Sending twice is harmless: the claim lets one through."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now, subscription__active=True)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for delivery_id in due:
        deliver_webhook.delay(delivery_id)
    return len(due)


def webhook_delivery_retry(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again now (the admin's "retry"), even one that gave up."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.PENDING, next_attempt_at=timezone.now(), leased_until=None
    )
    transaction.on_commit(lambda: deliver_webhook.delay(delivery.pk), robust=True)
    delivery.refresh_from_db()
    return delivery


def webhook_log_prune(*, now: datetime | None = None) -> int:
    """Forget events whose every delivery ended more than WEBHOOK_LOG_RETENTION_DAYS ago."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.WEBHOOK_LOG_RETENTION_DAYS)
    old = (
        WebhookEvent.objects.filter(created_at__lt=cutoff)
        .exclude(deliveries__state=DeliveryState.PENDING)
        .values_list("pk", flat=True)[:5000]
    )
    deleted, _ = WebhookEvent.objects.filter(pk__in=list(old)).delete()
    return deleted
