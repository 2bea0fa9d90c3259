"""What webhooks listen to: `tickets` announces its changes (`tickets.signals`) and knows
nothing of webhooks; each announcement is written to the outbox here, in the transaction
of the change. `intelligence` announces its spike alerts (`intelligence.signals`) once
they are committed: `alert.raised`."""

from django.dispatch import receiver

from intelligence.signals import alert_raised
from tickets.signals import Change, changed, redacted

from .models import WebhookEventType
from .outbox import record_events, redact_payloads

EVENT_TYPES = {
    Change.INCIDENT_CREATED: WebhookEventType.INCIDENT_CREATED,
    Change.INCIDENT_UPDATED: WebhookEventType.INCIDENT_UPDATED,
    Change.COMMENT_CREATED: WebhookEventType.COMMENT_CREATED,
    Change.PROBLEM_UPDATED: WebhookEventType.PROBLEM_UPDATED,
}


@receiver(changed, dispatch_uid="webhooks.record_change")
def record_change(sender, *, change: Change, pks: list[int], **kwargs) -> None:
    record_events(event_type=EVENT_TYPES[change], pks=pks)


@receiver(redacted, dispatch_uid="webhooks.redact")
def redact(sender, *, replacement: str, incident_number: str = "", comment_id: int | None = None, **kwargs) -> None:
    redact_payloads(incident_number=incident_number, comment_id=comment_id, replacement=replacement)


@receiver(alert_raised, dispatch_uid="webhooks.record_alert")
def record_alert(sender, *, alert, **kwargs) -> None:
    record_events(event_type=WebhookEventType.ALERT_RAISED, pks=[alert.pk])
