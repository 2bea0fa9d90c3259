"""E-mail notifications to the people of an incident, and what each person wants to receive.

`Notification` is a transactional outbox, as the outgoing webhooks keep: the row is written in
the transaction of the change it reports, so a reply and the e-mail about it commit together or
not at all; a worker sends it after the commit, and a sweep finds rows whose task was lost.
"""

from django.conf import settings
from django.db import models

from tickets.models import Incident


class NotificationKind(models.TextChoices):
    # To the person who reported the incident through the portal.
    PUBLIC_REPLY = "public_reply", "An agent replies to my incident"
    RESOLVED = "resolved", "My incident is resolved"
    SURVEY = "survey", "How did we do? (a satisfaction survey once my incident is resolved)"
    # To agents.
    ASSIGNED = "assigned", "An incident is assigned to me"
    REPORTER_ANSWERED = "reporter_answered", "The reporter of my incident answers"


CUSTOMER_KINDS = (NotificationKind.PUBLIC_REPLY, NotificationKind.RESOLVED, NotificationKind.SURVEY)
AGENT_KINDS = (NotificationKind.ASSIGNED, NotificationKind.REPORTER_ANSWERED)


class NotificationPreference(models.Model):
    """A kind a person has turned off (or on again). No row: the kind is on."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()}: {'on' if self.email else 'off'}"


class NotificationState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Notification(models.Model):
    # Empty for a reporter who has an address but no account (a survey by e-mail): `to` says where.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    # What it is about, once: the audit event or the comment that caused it. A receiver that
    # runs twice for the same change writes nothing the second time.
    cause = models.CharField(max_length=64)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    to = models.EmailField()
    state = models.CharField(max_length=8, choices=NotificationState.choices, default=NotificationState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A worker that claimed the row holds it until then; after, a sweep may hand it out again.
    leased_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "cause"], name="notification_once_per_cause"),
            # A survey (no recipient account perhaps) is mailed once: its cause names it.
            models.UniqueConstraint(
                fields=["kind", "cause"], condition=models.Q(kind="survey"), name="notification_survey_once"
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="notification_pending_idx", condition=models.Q(state="pending"))
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.to}"
