"""Webhook subscriptions and the transactional outbox of events to deliver to them.

The tables keep the names they had when webhooks lived inside `tickets` (db_table): moving
the code moved no rows (migration 0001 only takes the models over into this app's state).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class WebhookEventType(models.TextChoices):
    INCIDENT_CREATED = "incident.created", "Incident created"
    INCIDENT_UPDATED = "incident.updated", "Incident updated"
    COMMENT_CREATED = "comment.created", "Comment created"
    PROBLEM_UPDATED = "problem.updated", "Problem created or updated"
    ALERT_RAISED = "alert.raised", "Spike alert raised"


class WebhookSubscription(models.Model):
    """Somebody's URL that wants a signed POST for each event of the kinds it lists."""

    target_url = models.URLField(max_length=500)
    # Kept readable: signing needs it. Shown once, when the subscription is made.
    secret = models.CharField(max_length=200)
    events = models.JSONField(default=list, help_text="Event types to send, e.g. incident.created.")
    description = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # A run of failed attempts; past WEBHOOK_DISABLE_AFTER_FAILURES (and a day) it is disabled.
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "tickets_webhooksubscription"
        ordering = ["id"]
        permissions = [("manage_webhooks", "Can manage webhook subscriptions")]

    def __str__(self):
        return self.target_url


class WebhookEvent(models.Model):
    """One outbox row: a change, as it was when it happened, written in its transaction."""

    # The event id receivers deduplicate by (delivery is at-least-once).
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event_type = models.CharField(max_length=32, choices=WebhookEventType.choices)
    payload = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        db_table = "tickets_webhookevent"
        ordering = ["created_at"]
        indexes = [models.Index(fields=["created_at"], name="webhook_event_created_idx")]

    def __str__(self):
        return f"{self.event_type} {self.id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed (gave up)"


class WebhookDelivery(models.Model):
    """One event for one subscription, until the receiver answers 2xx or we give up."""

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # A worker sending it holds it until then; a crashed worker's lease simply runs out.
    leased_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "tickets_webhookdelivery"
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "subscription"], name="webhook_delivery_once_per_subscription")
        ]
        indexes = [
            # The sweep reads only what is still pending, in due order: this index is exactly that.
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due_idx",
                condition=Q(state="pending"),
            ),
            models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_sub_idx"),
        ]

    def __str__(self):
        return f"{self.event.event_type} → {self.subscription.target_url} ({self.state})"


class WebhookAttempt(models.Model):
    """The delivery log: one line per POST, with what the receiver answered."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "tickets_webhookattempt"
        ordering = ["attempted_at", "id"]
        indexes = [models.Index(fields=["delivery", "attempted_at"], name="webhook_attempt_delivery_idx")]

    def __str__(self):
        return f"{self.status_code or self.error} at {self.attempted_at}"
