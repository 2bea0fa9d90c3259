"""Record webhook events inside the transaction of the change they report.

The transactional outbox: `record_events` writes the event rows (a snapshot of each
changed object) and one delivery row per interested subscription in the caller's
transaction, so the change and its events commit together or not at all. Only after the
commit is a delivery task enqueued (`transaction.on_commit`); if that enqueue is lost (no
broker, a worker down, a crash in between) the periodic sweep finds the pending rows.

Any service calls it, single or batched, with the primary keys it changed::

    record_events(event_type=WebhookEventType.INCIDENT_UPDATED, pks=[incident.pk])
    record_events(event_type=WebhookEventType.INCIDENT_CREATED, pks=[i.pk for i in created])  # a batch

A batch costs the same few queries as a single change: read the subscriptions, read the
objects, insert events, insert deliveries. With no subscription for that event type it
costs one small query and writes nothing.
"""

from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from servicedesk.celery import delay_each_or_leave_to_sweep

from . import payloads
from .models import WebhookDelivery, WebhookEvent, WebhookEventType, WebhookSubscription
from .tasks import deliver_webhook

SNAPSHOTS: dict[str, Callable[[Iterable[int]], list[dict]]] = {
    WebhookEventType.INCIDENT_CREATED: payloads.incident_payloads,
    WebhookEventType.INCIDENT_UPDATED: payloads.incident_payloads,
    WebhookEventType.COMMENT_CREATED: payloads.comment_payloads,
    WebhookEventType.PROBLEM_UPDATED: payloads.problem_payloads,
    WebhookEventType.ALERT_RAISED: payloads.alert_payloads,
}


def record_events(*, event_type: str, pks: Iterable[int]) -> list[WebhookEvent]:
    """Write the outbox rows for `event_type` about the objects `pks`, in the current transaction."""
    pks = list(dict.fromkeys(pks))
    if not pks:
        return []
    subscriptions = [
        subscription
        for subscription in WebhookSubscription.objects.filter(active=True).only("id", "events")
        if event_type in subscription.events
    ]
    if not subscriptions:
        return []
    now = timezone.now()
    with transaction.atomic():
        events = WebhookEvent.objects.bulk_create(
            WebhookEvent(event_type=event_type, payload=payload, created_at=now)
            for payload in SNAPSHOTS[event_type](pks)
        )
        deliveries = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(event=event, subscription=subscription, next_attempt_at=now, created_at=now)
            for event in events
            for subscription in subscriptions
        )
    delivery_ids = [delivery.pk for delivery in deliveries]
    # robust: once the change is committed, a failed enqueue must not fail the request.
    transaction.on_commit(lambda: _enqueue(delivery_ids), robust=True)
    return events


def _enqueue(delivery_ids: list[int]) -> None:
    delay_each_or_leave_to_sweep(deliver_webhook, delivery_ids, what="webhook delivery")


def redact_payloads(*, incident_number: str = "", comment_id: int | None = None, replacement: str) -> int:
    """Deleted at the source: the outbox's copies of the words go too (those not yet delivered
    and the log of those that were). Returns the number of payloads changed."""
    changed = 0
    if incident_number:
        for event in WebhookEvent.objects.filter(payload__incident__number=incident_number):
            event.payload["incident"].update(title=replacement, description=replacement)
            event.save(update_fields=["payload"])
            changed += 1
    if comment_id is not None:
        for event in WebhookEvent.objects.filter(payload__comment__id=comment_id):
            event.payload["comment"]["body"] = replacement
            event.save(update_fields=["payload"])
            changed += 1
    return changed
