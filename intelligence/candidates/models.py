"""Problem candidates: groups of similar recent incidents no problem holds yet, for an agent
to accept (a problem is made with them linked) or dismiss (not proposed again as such)."""

from django.conf import settings
from django.db import models

from tickets.models import Incident, Problem


class CandidateState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"
    # No longer a group as proposed (members linked, merged, or joined by more): a newer
    # candidate with the members as they are now replaces it.
    LAPSED = "lapsed", "Lapsed"


class ProblemCandidate(models.Model):
    # `intelligence.candidates.grouping.signature` of the members: unique, so the same group is
    # proposed once, and a dismissed one is remembered.
    signature = models.CharField(max_length=32, unique=True)
    members = models.ManyToManyField(Incident, related_name="+")
    state = models.CharField(max_length=16, choices=CandidateState.choices, default=CandidateState.PROPOSED)
    suggested_title = models.CharField(max_length=200)
    top_terms = models.JSONField(default=list)
    # The members' services, most frequent first (names, as they were when proposed).
    services = models.JSONField(default=list)
    # How alike the members are: the mean score of the linked pairs.
    cohesion = models.FloatField(default=0.0)
    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(
                fields=["-created_at", "-id"],
                name="candidate_proposed_idx",
                condition=models.Q(state="proposed"),
            )
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=CandidateState.values), name="candidate_state_valid")
        ]

    def __str__(self):
        return f"candidate {self.pk}: {self.suggested_title}"
