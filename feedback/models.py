"""Sentiment history: how the people writing to the desk feel, in everything they write."""

from django.db import models
from django.db.models import Q

from social.models import SocialMessage
from tickets.models import Comment, Incident, channel_choices


class SentimentLabel(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    NEUTRAL = "neutral", "Neutral"
    POSITIVE = "positive", "Positive"


class ScoredSource(models.TextChoices):
    MESSAGE = "message", "Social message"  # an inbound post, reply, comment or direct message
    DESCRIPTION = "description", "Incident description"  # as the reporter opened it (portal, API, e-mail)
    COMMENT = "comment", "Reporter's comment"  # a reply the reporter wrote on the portal or through the API


class SentimentScore(models.Model):
    """The sentiment of one thing a person wrote to the desk (`feedback.sentiment`).

    One per source (the one-to-ones and the description's unique condition are the
    idempotency keys of scoring). The channel, the incident and the time of writing are
    copied here so the dashboards read this table alone. A rescore (`sentiment_rescore`)
    rewrites the row in place, with the model's version and a new `scored_at`.
    """

    source = models.CharField(max_length=12, choices=ScoredSource.choices, default=ScoredSource.MESSAGE)
    message = models.OneToOneField(
        SocialMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="sentiment"
    )
    comment = models.OneToOneField(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="sentiment")
    # The model's reading: -1 (surely negative) … 1 (surely positive), and its class.
    score = models.FloatField()
    label = models.CharField(max_length=8, choices=SentimentLabel.choices)
    model_version = models.CharField(max_length=40, help_text="The model that scored it (feedback.sentiment).")
    # VADER's reading, one of the model's inputs: compound -1 … 1; positive + neutral + negative = 1.
    compound = models.FloatField()
    positive = models.FloatField()
    neutral = models.FloatField()
    negative = models.FloatField()
    scored_at = models.DateTimeField()
    # The message's or the incident's; choices read when used (a new channel changes no migration).
    channel = models.CharField(max_length=16, choices=channel_choices)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="sentiment_scores"
    )
    created_at = models.DateTimeField(help_text="When it was written.")

    class Meta:
        indexes = [
            models.Index(fields=["channel", "created_at"], name="sentiment_channel_time_idx"),
            # The rollups: a day's scores, and what was scored since their mark.
            models.Index(fields=["created_at"], name="sentiment_time_idx"),
            models.Index(fields=["scored_at", "id"], name="sentiment_scored_keyset_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(source=ScoredSource.MESSAGE, message__isnull=False, comment__isnull=True)
                | Q(source=ScoredSource.COMMENT, comment__isnull=False, message__isnull=True)
                | Q(
                    source=ScoredSource.DESCRIPTION,
                    incident__isnull=False,
                    message__isnull=True,
                    comment__isnull=True,
                ),
                name="sentiment_score_one_source",
            ),
            models.UniqueConstraint(
                fields=["incident"],
                condition=Q(source=ScoredSource.DESCRIPTION),
                name="sentiment_one_per_description",
            ),
            models.CheckConstraint(condition=Q(label__in=SentimentLabel.values), name="sentiment_label_valid"),
        ]

    def __str__(self):
        return f"{self.label} ({self.score:+.2f}) for {self.get_source_display().lower()}"


from .rollup_models import IncidentFact, IncidentRollup, MessageRollup, RollupCursor  # noqa: E402, F401
from .surveys.models import Survey, SurveyAnswer, SurveySettings  # noqa: E402, F401
