"""Known errors met by incidents: each match, and whether its workaround was sent."""

from django.conf import settings
from django.db import models

from tickets.models import Comment, Incident, Problem


class KnownErrorMatch(models.Model):
    """An incident found to match a known error (a problem with a workaround), by the
    similar-incident index when the incident was indexed, or because the problem told its
    linked incidents. At most one row per incident and problem: the workaround goes once."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="+")
    # The incident already linked to the problem that made the match (None: linked itself).
    via = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    score = models.FloatField(default=0.0)
    matched_at = models.DateTimeField()
    # The public reply that carried the workaround, once sent.
    reply = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "problem"], name="known_error_match_once"),
        ]
        indexes = [models.Index(fields=["incident", "-score"], name="known_error_match_incident_idx")]

    def __str__(self):
        return f"{self.incident_id} matches {self.problem_id}"
