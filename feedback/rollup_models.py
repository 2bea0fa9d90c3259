"""The dashboards' rollups: counters kept as data arrives, so no dashboard reads raw rows.

`IncidentFact` is what the rollups last counted for one incident (its dimensions, the
desk's days it was opened, answered, resolved and left the backlog, the bins of its
durations). When an incident changes, the refresh (`feedback.rollups.refresh`) compares
the fact with the incident, and recounts the days either of them touches.

`IncidentRollup` and `MessageRollup` hold the counters per period (a day, a week or a month
in the desk's time zone) × service × channel × assignment group × agent. Dimensions are
plain ids with 0 for "none" (not foreign keys): a unique key with NULLs would not be one,
and a rollup row must never stop a service or a person from being removed.
"""

from django.db import models

from .rollups.buckets import DURATION_BINS, GRAINS

GRAIN_CHOICES = [(grain, grain) for grain in GRAINS]
# Beside each row of an agent, the rollups keep the sum over every agent under this id: the
# dashboards' default views (not by agent) read those rows, a few per period instead of one
# per agent, service, channel and group.
ALL_AGENTS = -1
DIMENSIONS = ("service_id", "channel", "group_id", "agent_id")


class RollupDimensions(models.Model):
    grain = models.CharField(max_length=5, choices=GRAIN_CHOICES)
    period = models.DateField(help_text="First day of the day, week (Monday) or month, in the desk's time zone.")
    service_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=16)
    group_id = models.IntegerField(default=0)
    agent_id = models.IntegerField(default=0)

    class Meta:
        abstract = True

    # The unique key (grain, period, service, channel, group, agent) is also the index every
    # dashboard reads through: a range of periods of one grain. An agent's own figures read
    # theirs through (grain, agent, period).


class IncidentFact(models.Model):
    """What the incident rollups counted for one incident, as of `source_updated_at`."""

    incident_id = models.BigIntegerField(primary_key=True)
    source_updated_at = models.DateTimeField()
    service_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=16)
    group_id = models.IntegerField(default=0)
    agent_id = models.IntegerField(default=0)
    opened_on = models.DateField()
    # Left the backlog: resolved, or cancelled (None while open).
    exited_on = models.DateField(null=True)
    responded_on = models.DateField(null=True)
    response_bin = models.SmallIntegerField(null=True)
    response_breached = models.BooleanField(default=False)
    resolved_on = models.DateField(null=True)
    resolution_bin = models.SmallIntegerField(null=True)
    resolution_breached = models.BooleanField(default=False)
    # Closed as not an incident (a thanks, spam, chatter): counted apart, on the day it opened.
    not_incident = models.BooleanField(default=False)

    class Meta:
        # Recounting a day reads the facts of that day, by each of its dates.
        indexes = [
            models.Index(fields=["opened_on"], name="fact_opened_idx"),
            models.Index(fields=["exited_on"], name="fact_exited_idx"),
            models.Index(fields=["responded_on"], name="fact_responded_idx"),
            models.Index(fields=["resolved_on"], name="fact_resolved_idx"),
        ]

    def __str__(self):
        return f"facts of incident {self.incident_id}"


class IncidentRollup(RollupDimensions):
    opened = models.IntegerField(default=0)
    exited = models.IntegerField(default=0, help_text="Left the backlog: resolved or cancelled.")
    responded = models.IntegerField(default=0)
    response_breached = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    resolution_breached = models.IntegerField(default=0)
    not_incidents = models.IntegerField(
        default=0, help_text="Opened in the period and closed as not an incident (never resolved work)."
    )

    class Meta:
        permissions = [("view_dashboards", "Can see every figure of the dashboards and change the desk's settings")]
        constraints = [
            models.UniqueConstraint(fields=["grain", "period", *DIMENSIONS], name="incident_rollup_key"),
        ]
        indexes = [models.Index(fields=["grain", "agent_id", "period"], name="incident_rollup_agent_idx")]

    def __str__(self):
        return f"incidents {self.grain} {self.period}"


# One counter per duration bin, for first responses and for resolutions.
RESPONSE_BIN_FIELDS = [f"response_bin_{k:02d}" for k in range(DURATION_BINS)]
RESOLUTION_BIN_FIELDS = [f"resolution_bin_{k:02d}" for k in range(DURATION_BINS)]
for _name in RESPONSE_BIN_FIELDS + RESOLUTION_BIN_FIELDS:
    IncidentRollup.add_to_class(_name, models.IntegerField(default=0))
INCIDENT_COUNTERS = [
    "opened",
    "exited",
    "responded",
    "response_breached",
    "resolved",
    "resolution_breached",
    "not_incidents",
    *RESPONSE_BIN_FIELDS,
    *RESOLUTION_BIN_FIELDS,
]


class MessageRollup(RollupDimensions):
    """Scored inbound messages; service, group and agent are their incident's (0 without one)."""

    messages = models.IntegerField(default=0)
    negative = models.IntegerField(default=0)
    sentiment_sum = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grain", "period", *DIMENSIONS], name="message_rollup_key"),
        ]
        indexes = [models.Index(fields=["grain", "agent_id", "period"], name="message_rollup_agent_idx")]

    def __str__(self):
        return f"messages {self.grain} {self.period}"


MESSAGE_COUNTERS = ["messages", "negative", "sentiment_sum"]


class SurveyRollup(RollupDimensions):
    """Surveys asked, by the desk's day they were sent; service, channel, group and agent are
    their incident's. `answered` counts those rated (so far), `good` those rated 4 or 5: the
    satisfaction score is good ÷ answered, the response rate answered ÷ sent."""

    sent = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    good = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grain", "period", *DIMENSIONS], name="survey_rollup_key"),
        ]
        indexes = [models.Index(fields=["grain", "agent_id", "period"], name="survey_rollup_agent_idx")]

    def __str__(self):
        return f"surveys {self.grain} {self.period}"


SURVEY_COUNTERS = ["sent", "answered", "good"]


class DeflectionRollup(RollupDimensions):
    """Deflections (self-service that solved it, raising nothing), by the desk's day they were
    made; service is what solved it's (the known error's or the outage's), channel the one
    whose incidents they are counted against (the portal's: web); no group, no agent. The
    deflection rate is deflections ÷ (deflections + incidents the same channel opened)."""

    deflections = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grain", "period", *DIMENSIONS], name="deflection_rollup_key"),
        ]

    def __str__(self):
        return f"deflections {self.grain} {self.period}"


DEFLECTION_COUNTERS = ["deflections"]


class RollupCursor(models.Model):
    """How far a source has been rolled up (its high-water mark). The refresh locks the row
    (SELECT … FOR UPDATE), so two workers never recount at once."""

    source = models.CharField(max_length=32, primary_key=True)
    high_water = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.source} up to {self.high_water}"
