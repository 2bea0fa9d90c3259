"""Deflections: somebody about to raise an incident found their answer in what the desk
already published (a public known error's workaround, a current outage) and raised nothing.

The desk's own record of self-service: the dashboards count them beside the incidents the
same channel raised (the deflection rate). The public words shown live with the status page;
this keeps what was chosen (the known error's problem, or the service and its public state)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .models import Contact, Problem, Service


class DeflectionChannel(models.TextChoices):
    """Where the person was when a suggestion solved it."""

    PORTAL = "portal", "Portal"


class DeflectionKind(models.TextChoices):
    KNOWN_ERROR = "known_error", "Known error"
    OUTAGE = "outage", "Current outage"


class Deflection(models.Model):
    # One per form: the page that showed the suggestions carries the key, so a second click
    # (or a retry after a lost answer) finds the first deflection instead of adding one.
    key = models.UUIDField(unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=DeflectionKind.choices)
    channel = models.CharField(max_length=16, choices=DeflectionChannel.choices, default=DeflectionChannel.PORTAL)
    problem = models.ForeignKey(
        Problem, null=True, blank=True, on_delete=models.PROTECT, related_name="deflections", help_text="Known error."
    )
    # The outage's service, or the known error's (the dashboards' service dimension).
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT, related_name="deflections")
    outage_state = models.CharField(max_length=16, blank=True, help_text="The service's public state when shown.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="deflections"
    )
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="deflections")
    text = models.TextField(max_length=5000, help_text="What the person had typed.")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="known_error", problem__isnull=False) | Q(kind="outage", service__isnull=False)),
                name="deflection_names_what_solved_it",
            )
        ]
        # The rollup refresh reads the deflections made since its mark.
        indexes = [models.Index(fields=["created_at"], name="deflection_created_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} deflection at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def outage_state_label(self) -> str:
        """The state as people read it ("major_outage" → "Major outage"); the status page names them."""
        return self.outage_state.replace("_", " ").capitalize()


# The incidents' channel a deflection's channel is weighed against (the rate's denominator):
# the portal raises incidents on the web channel.
INCIDENT_CHANNEL_OF = {DeflectionChannel.PORTAL: "web"}
