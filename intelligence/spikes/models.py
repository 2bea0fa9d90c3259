"""Spike alerts, and what the live detector remembers between runs."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from tickets.models import Incident, Problem, Service


class Scope(models.TextChoices):
    OVERALL = "overall", "All messages"
    SERVICE = "service", "One service"


class Metric(models.TextChoices):
    VOLUME = "volume", "Volume"
    NEGATIVE_SHARE = "negative_share", "Negative share"


class AlertState(models.TextChoices):
    RAISED = "raised", "Raised"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


OPEN_STATES = (AlertState.RAISED, AlertState.ACKNOWLEDGED)


class SpikeCursor(models.Model):
    """Where the live detector has read up to: messages before `processed_until` are judged.

    One row (`key="live"`), locked by the run that advances it, so two runs never judge the
    same interval twice."""

    key = models.CharField(max_length=16, unique=True, default="live")
    processed_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"spikes read until {self.processed_until}"


class SpikeSeries(models.Model):
    """One watched series (overall or one service; volume or negative share) and its detector's
    state (`intelligence.spikes.detector.SpikeDetector.state()`), carried from run to run."""

    scope = models.CharField(max_length=8, choices=Scope.choices)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=16, choices=Metric.choices)
    state = models.JSONField(default=dict)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "spike series"
        constraints = [
            models.UniqueConstraint(
                fields=["metric"], condition=Q(service__isnull=True), name="spike_series_overall_unique"
            ),
            models.UniqueConstraint(
                fields=["service", "metric"], condition=Q(service__isnull=False), name="spike_series_service_unique"
            ),
            models.CheckConstraint(
                condition=Q(scope="overall", service__isnull=True) | Q(scope="service", service__isnull=False),
                name="spike_series_scope_matches_service",
            ),
        ]

    def __str__(self):
        return f"{self.get_metric_display()} of {self.service or 'all messages'}"


class SpikeAlert(models.Model):
    """A spike the detector saw: in the volume of inbound messages, or in the share of negative
    ones, of all messages or of one service's, over `window_start`…`window_end`."""

    scope = models.CharField(max_length=8, choices=Scope.choices)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    metric = models.CharField(max_length=16, choices=Metric.choices)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    # The surprise in standard deviations of a typical interval (see the detector).
    score = models.FloatField()
    # Volume: messages seen and expected over the window. Negative share: negative messages
    # seen and expected, out of `scored` messages with a sentiment.
    observed = models.FloatField()
    expected = models.FloatField()
    scored = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(max_length=16, choices=AlertState.choices, default=AlertState.RAISED)
    raised_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The major incident and the problem opened from the alert.
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            # The alerts page, newest first, and its keyset pages.
            models.Index(fields=["-raised_at", "-id"], name="spike_alert_recent_idx"),
            # The console banner: the few alerts nobody has acknowledged yet.
            models.Index(fields=["-raised_at"], name="spike_alert_raised_idx", condition=Q(state="raised")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="overall", service__isnull=True) | Q(scope="service", service__isnull=False),
                name="spike_alert_scope_matches_service",
            ),
        ]

    def __str__(self):
        return f"{self.headline} at {self.window_end:%Y-%m-%d %H:%M}"

    @property
    def subject(self) -> str:
        return self.service.name if self.service_id else "all messages"

    @property
    def headline(self) -> str:
        if self.metric == Metric.VOLUME:
            return f"Spike in messages about {self.subject}" if self.service_id else "Spike in messages"
        return f"Spike in negative messages about {self.subject}" if self.service_id else "Spike in negative messages"

    @property
    def observed_share(self) -> float | None:
        return self.observed / self.scored if self.scored else None

    @property
    def expected_share(self) -> float | None:
        return self.expected / self.scored if self.scored else None

    @property
    def ratio(self) -> float | None:
        """How many times the expected: the figure people read first."""
        return self.observed / self.expected if self.expected >= 0.05 else None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES
