"""Suggesting an incident's service: the keywords managers give each service, the model
learned from the desk's own history (versioned, stored here), and each suggestion made (with
its confidence, so how often agents keep or correct it can be measured)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from social.models import SocialMessage
from tickets.models import Incident, Service


class ServiceKeywords(models.Model):
    """Words and phrases that say a text is about this service ("vpn, anyconnect, remote
    access"), edited by managers on the Triage page. One row per service that has any."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="triage_keywords")
    keywords = models.TextField(max_length=2000, blank=True, help_text="Comma- or line-separated words and phrases.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "service keywords"

    def __str__(self):
        return f"keywords of {self.service_id}"

    @property
    def phrases(self) -> list[str]:
        return keyword_list(self.keywords)


def keyword_list(text: str) -> list[str]:
    """The phrases of a keywords text: split on commas and lines, lower case, each once."""
    found = (" ".join(part.lower().split()) for line in text.splitlines() for part in line.split(","))
    return list(dict.fromkeys(p for p in found if p))


class ServiceModel(models.Model):
    """One trained version of the service classifier (`intelligence.routing.learning`).

    `blob` is the fitted scikit-learn pipeline as joblib writes it; the newest row is the one
    in use. Trained by a worker from resolved incidents' services (the labels), so agents'
    corrections teach the next version."""

    version = models.PositiveIntegerField(unique=True)
    trained_at = models.DateTimeField()
    samples = models.PositiveIntegerField(help_text="Resolved incidents with a service it learned from.")
    services = models.PositiveIntegerField(help_text="How many services it can suggest.")
    # Accuracy on the most recent fifth of the samples, held out of a first fit (None: too few).
    holdout_accuracy = models.FloatField(null=True, blank=True)
    # The newest label it read (resolved_at) and how many labels there were then: a new
    # version is trained only once either moved.
    labels_until = models.DateTimeField(null=True, blank=True)
    blob = models.BinaryField()

    class Meta:
        ordering = ["-version"]

    def __str__(self):
        return f"service model v{self.version}"


class SuggestionSource(models.TextChoices):
    MODEL = "model", "Learned from history"
    KEYWORDS = "keywords", "Keywords"


class ServiceSuggestion(models.Model):
    """A service suggested for an incident or an inbound message. `prefilled`: the incident
    had no service and got this one; whether agents kept it is read against the incident's
    service when it is resolved (`intelligence.routing.selectors.suggestion_outcomes`)."""

    incident = models.OneToOneField(
        Incident, null=True, blank=True, on_delete=models.CASCADE, related_name="service_suggestion"
    )
    message = models.OneToOneField(
        SocialMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="service_suggestion"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    confidence = models.FloatField()
    source = models.CharField(max_length=8, choices=SuggestionSource.choices)
    model_version = models.PositiveIntegerField(null=True, blank=True)
    prefilled = models.BooleanField(default=False)
    suggested_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(incident__isnull=False) | Q(message__isnull=False), name="suggestion_has_a_subject"
            )
        ]
        indexes = [models.Index(fields=["-suggested_at"], name="suggestion_recent_idx")]

    def __str__(self):
        return f"{self.service_id} ({self.confidence:.2f})"
