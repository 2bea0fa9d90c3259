"""Sentiment history: how the people writing to the desk feel, message by message."""

from django.db import models

from social import platforms
from social.models import SocialMessage
from tickets.models import Incident


class SentimentScore(models.Model):
    """VADER's scores of one inbound social message (`feedback.sentiment`).

    One per message (the one-to-one is the idempotency key of scoring). The channel, the
    incident and the message's time are copied here so the dashboards read this table alone.
    """

    message = models.OneToOneField(SocialMessage, on_delete=models.CASCADE, related_name="sentiment")
    # -1 (most negative) … 1 (most positive); positive + neutral + negative = 1.
    compound = models.FloatField()
    positive = models.FloatField()
    neutral = models.FloatField()
    negative = models.FloatField()
    scored_at = models.DateTimeField()
    # Read from the platform registry when used: a new platform changes no migration here.
    channel = models.CharField(max_length=16, choices=platforms.channel_choices)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="sentiment_scores"
    )
    created_at = models.DateTimeField(help_text="When the message was written.")

    class Meta:
        indexes = [
            models.Index(fields=["channel", "created_at"], name="sentiment_channel_time_idx"),
            # The rollups: a day's scores, and what was scored since their mark.
            models.Index(fields=["created_at"], name="sentiment_time_idx"),
            models.Index(fields=["scored_at", "id"], name="sentiment_scored_keyset_idx"),
        ]

    def __str__(self):
        return f"{self.compound:+.3f} for message {self.message_id}"


from .rollup_models import IncidentFact, IncidentRollup, MessageRollup, RollupCursor  # noqa: E402, F401
