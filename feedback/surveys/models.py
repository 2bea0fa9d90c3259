"""Satisfaction surveys, their per-channel settings and wording, and every answer received."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from social.models import SocialMessage
from tickets.models import Incident

PORTAL = "portal"  # a 1–5 choice on the incident's page
EMAIL = "email"  # to the reporter's address, when they have one
# Besides these two, a survey goes out on the incident's social channel (its channel id).
DEFAULT_QUESTION = "How did we do on {number}? Reply with a number from 1 (bad) to 5 (great)."
GOOD_RATINGS = (4, 5)  # good = 4 or 5, as Zendesk counts it


class SurveySettings(models.Model):
    """What managers set for one medium (a social channel id, "portal" or "email"). A medium
    without a row uses the defaults below."""

    medium = models.CharField(max_length=16, unique=True)
    enabled = models.BooleanField(default=True)
    delay_minutes = models.PositiveIntegerField(default=60, help_text="How long after resolution to ask.")
    sample_percent = models.PositiveSmallIntegerField(
        default=100,
        validators=[MaxValueValidator(100)],
        help_text="The share of resolved incidents asked, in percent.",
    )
    answer_window_hours = models.PositiveIntegerField(
        default=168, validators=[MinValueValidator(1)], help_text="How long an answer is accepted."
    )
    question = models.CharField(
        max_length=1000,
        blank=True,
        help_text="The wording, with {number} and {name}; empty: the default question.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "survey settings"
        constraints = [models.CheckConstraint(condition=Q(sample_percent__lte=100), name="survey_sample_percent")]

    def __str__(self):
        return f"Surveys on {self.medium}"


class SurveyState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"  # to be sent once its time comes
    SENT = "sent", "Sent"  # asked; answers accepted until expires_at
    SKIPPED = "skipped", "Skipped"  # not asked, for skip_reason


class Survey(models.Model):
    """One question to an incident's reporter on one medium: asked once, never twice (the
    unique pair), rated once (a later answer replaces the rating; `SurveyAnswer` keeps all)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="surveys")
    medium = models.CharField(max_length=16)
    state = models.CharField(max_length=10, choices=SurveyState.choices, default=SurveyState.SCHEDULED)
    skip_reason = models.CharField(max_length=300, blank=True)
    send_after = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    question = models.TextField(blank=True)  # as sent
    # The outbound message that asked, on a social channel (its answers reply to it).
    message = models.OneToOneField(
        SocialMessage, null=True, blank=True, on_delete=models.PROTECT, related_name="survey"
    )
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    comment_label = models.CharField(max_length=8, blank=True)  # the comment's sentiment
    comment_score = models.FloatField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "medium"], name="survey_once_per_incident_and_medium"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="survey_rating_1_to_5"),
        ]
        indexes = [
            # The sender's query: what is due.
            models.Index(fields=["send_after"], condition=Q(state="scheduled"), name="survey_due_idx"),
            models.Index(fields=["answered_at"], name="survey_answered_idx"),
            # The rollups recount the days of surveys sent since their mark.
            models.Index(fields=["sent_at"], name="survey_sent_idx"),
        ]

    def __str__(self):
        return f"Survey of {self.incident_id} on {self.medium}"

    @property
    def good(self) -> bool:
        return self.rating in GOOD_RATINGS


class SurveyAnswer(models.Model):
    """Every answer received, as written: the audit of the survey's rating."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)  # what this answer said
    replaced_rating = models.PositiveSmallIntegerField(null=True, blank=True)  # the rating it replaced
    reopened = models.BooleanField(default=False)  # it said the problem is back, and it reopened
    message = models.ForeignKey(SocialMessage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            # A social message is one answer, recorded once however often its task runs.
            models.UniqueConstraint(
                fields=["message"], condition=Q(message__isnull=False), name="survey_answer_once_per_message"
            )
        ]

    def __str__(self):
        return f"Answer {self.rating or '-'} to survey {self.survey_id}"
