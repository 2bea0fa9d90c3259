"""What the public status page keeps of its own: agents' overrides of a service's state,
the history of states (for the 90 days shown and to tell subscribers of a change), the public
words of known errors, and the e-mail subscribers."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from tickets.models import Problem, Service


class ServiceState(models.TextChoices):
    # In order of gravity: the worst cause wins.
    OPERATIONAL = "operational", "Operational"
    MAINTENANCE = "maintenance", "Maintenance"
    DEGRADED = "degraded", "Degraded performance"
    PARTIAL_OUTAGE = "partial_outage", "Partial outage"
    MAJOR_OUTAGE = "major_outage", "Major outage"


GRAVITY = {state: rank for rank, state in enumerate(ServiceState.values)}


class StatusOverride(models.Model):
    """An agent says what the state is, with the reason, until they clear it."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=16, choices=ServiceState.choices)
    reason = models.CharField(max_length=500)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service"], condition=Q(cleared_at__isnull=True), name="one_live_override")
        ]

    def __str__(self):
        return f"{self.service}: {self.get_state_display()} ({self.reason})"


class StateChange(models.Model):
    """A service's public state changed (inserted only): the 90-day history, and what
    subscribers are told."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=16, choices=ServiceState.choices)
    previous = models.CharField(max_length=16, choices=ServiceState.choices, blank=True)
    at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["service", "-at"], name="state_change_service_idx")]

    def __str__(self):
        return f"{self.service}: {self.previous} → {self.state} at {self.at:%Y-%m-%d %H:%M}"


class PublicKnownError(models.Model):
    """A known error shown on the status page, in words written for the public: the internal
    description and workaround of the problem never leave the desk."""

    problem = models.OneToOneField(Problem, on_delete=models.PROTECT, related_name="public_known_error")
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=5000)
    workaround = models.TextField(max_length=5000, blank=True)
    published = models.BooleanField(default=True)
    # The acknowledgement a matching new incident gets on its channel adds the title and the
    # workaround (or the description), with a link to this on the status page.
    in_acknowledgements = models.BooleanField(
        default=False,
        help_text="Add this public text to the acknowledgement of new incidents that match the known error.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self):
        return self.title


class Subscriber(models.Model):
    """Someone who wants an e-mail when a service's state changes (every service when
    `service` is empty). Confirmed by a link mailed to them (double opt-in)."""

    email = models.EmailField()
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Once per service, and once for every service (NULLs are not equal to each other).
            models.UniqueConstraint(fields=["email", "service"], name="subscriber_once"),
            models.UniqueConstraint(fields=["email"], condition=Q(service__isnull=True), name="subscriber_once_all"),
        ]
        indexes = [
            models.Index(fields=["service"], name="subscriber_confirmed_idx", condition=Q(confirmed_at__isnull=False))
        ]

    def __str__(self):
        return f"{self.email} ({self.service or 'all services'})"
