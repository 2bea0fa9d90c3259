"""Broadcasts: the desk speaking first. A broadcast is drafted, submitted, approved under the
policy (`BroadcastPolicy`, data managers edit), then published on its channels; each channel
it reaches is a `BroadcastPost`, and everything that happens to it is a `BroadcastRecord`,
kept forever.

Models hold data and constraints only; every write is in `broadcasts.services`.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

from social import platforms
from tickets.models import Incident, NeverDeletedModel, NeverDeletedQuerySet, Problem, Service

# The channel that is our own public status page; the others are `social.platforms` channels.
STATUS_CHANNEL = "status"


class BroadcastKind(models.TextChoices):
    OUTAGE = "outage", "Outage"
    MAINTENANCE = "maintenance", "Maintenance or change"
    RESOLVED = "resolved", "Resolved"
    NEWS = "news", "News or tip"


class ApprovalMode(models.TextChoices):
    COUNT = "count", "A number of approvers (any of them)"
    ALL = "all", "Every approver named"


class BroadcastPolicy(models.Model):
    """One rule of the social-media policy, for a kind and a channel (blank: any).

    The rules that apply to a broadcast are, for each of its channels, the most specific one:
    (kind, channel), then (kind, any channel), then (any kind, channel), then (any, any).
    Migration 0002 seeds the (any, any) rule with the default policy: agents draft and
    submit, managers approve, one approval.
    """

    kind = models.CharField(max_length=16, choices=BroadcastKind.choices, blank=True)
    channel = models.CharField(max_length=16, blank=True)
    # Roles are the desk's groups ("agent", "manager"); users are named one by one.
    drafter_roles = models.JSONField(default=list, blank=True)
    drafters = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    approver_roles = models.JSONField(default=list, blank=True)
    approvers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    approval_mode = models.CharField(max_length=8, choices=ApprovalMode.choices, default=ApprovalMode.COUNT)
    approvals_needed = models.PositiveSmallIntegerField(default=1)
    # Four eyes: whoever drafted a broadcast does not approve it, unless this says so.
    drafter_may_approve = models.BooleanField(default=False)
    banned_phrases = models.TextField(blank=True, help_text="One word or phrase a line; matched ignoring case.")
    required_hashtags = models.CharField(max_length=500, blank=True, help_text="Hashtags, separated by spaces.")
    max_length = models.PositiveIntegerField(
        null=True, blank=True, help_text="The longest text allowed, counted the channel's way."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "broadcast policy rule"
        constraints = [models.UniqueConstraint(fields=["kind", "channel"], name="broadcast_policy_unique")]
        ordering = ["kind", "channel"]

    def __str__(self):
        return f"Policy for {self.scope}"

    @property
    def scope(self) -> str:
        kind = self.get_kind_display().lower() if self.kind else "any kind"
        return f"{kind} on {channel_label(self.channel) if self.channel else 'any channel'}"

    @property
    def banned_list(self) -> list[str]:
        return [line.strip() for line in self.banned_phrases.splitlines() if line.strip()]

    @property
    def hashtag_list(self) -> list[str]:
        return ["#" + tag.lstrip("#") for tag in self.required_hashtags.split() if tag.lstrip("#")]


def channel_label(channel: str) -> str:
    if channel == STATUS_CHANNEL:
        return "the status page"
    platform = platforms.find(channel)
    return platform.name if platform else channel


def channel_choices() -> list[tuple[str, str]]:
    return [(p.channel, p.label) for p in platforms.registered()] + [(STATUS_CHANNEL, "Status page")]


class BroadcastState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting approval"
    APPROVED = "approved", "Approved"  # scheduled: published when its time comes
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


EDITABLE_STATES = (BroadcastState.DRAFT, BroadcastState.REJECTED)


class Broadcast(NeverDeletedModel):
    kind = models.CharField(max_length=16, choices=BroadcastKind.choices)
    title = models.CharField(max_length=200)
    text = models.TextField(max_length=10000)
    channels = models.JSONField(default=list)
    state = models.CharField(max_length=16, choices=BroadcastState.choices, default=BroadcastState.DRAFT)
    services = models.ManyToManyField(Service, blank=True, related_name="broadcasts")
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    change = models.ForeignKey("Change", null=True, blank=True, on_delete=models.PROTECT, related_name="broadcasts")
    links = models.JSONField(default=list, blank=True)  # further URLs it points at
    scheduled_for = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "-created_at"], name="broadcast_state_idx"),
            # The scheduler's sweep: approved broadcasts whose time has come.
            models.Index(fields=["scheduled_for"], name="broadcast_due_idx", condition=Q(state="approved")),
            models.Index(fields=["-published_at"], name="broadcast_published_idx", condition=Q(state="published")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=BroadcastState.values), name="broadcast_state_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def channel_labels(self) -> list[str]:
        return [channel_label(c) for c in self.channels]


class Decision(models.TextChoices):
    APPROVE = "approve", "Approved"
    REJECT = "reject", "Rejected"


class Approval(models.Model):
    """One approver's decision on one submission (a resubmission starts a new round)."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.PROTECT, related_name="approvals")
    round = models.PositiveSmallIntegerField(default=1)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=8, choices=Decision.choices)
    note = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "round", "user"], name="approval_once_per_round"),
        ]

    def __str__(self):
        return f"{self.get_decision_display()} by {self.user} ({self.broadcast_id})"


class PostState(models.TextChoices):
    QUEUED = "queued", "Queued"
    PUBLISHED = "published", "Published"
    FAILED = "failed", "Failed"


class BroadcastPost(models.Model):
    """The broadcast on one channel. On a social platform it goes out as an outbound
    `social.SocialMessage` (retries, rate limits, no double post are the outbox's); its
    platform id and link are copied here once it is there."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.PROTECT, related_name="posts")
    channel = models.CharField(max_length=16)
    message = models.OneToOneField(
        "social.SocialMessage", null=True, blank=True, on_delete=models.PROTECT, related_name="broadcast_post"
    )
    state = models.CharField(max_length=16, choices=PostState.choices, default=PostState.QUEUED)
    platform_id = models.CharField(max_length=100, blank=True)
    parts = models.JSONField(default=list, blank=True)  # a thread: each part's id
    url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["broadcast", "channel"]
        constraints = [models.UniqueConstraint(fields=["broadcast", "channel"], name="broadcast_post_once")]

    def __str__(self):
        return f"{self.broadcast_id} on {self.channel}"


class RecordKind(models.TextChoices):
    DRAFTED = "drafted", "Drafted"
    EDITED = "edited", "Edited"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    PUBLISHED = "published", "Published"
    POSTED = "posted", "Posted on the platform"
    EDITED_AT_PLATFORM = "edited_at_platform", "Edited at the platform"
    DELETED_AT_PLATFORM = "deleted_at_platform", "Deleted at the platform"


class BroadcastRecord(models.Model):
    """One line of a broadcast's record, with the words as they stood: inserted only, never
    changed or deleted (public bodies keep their communications)."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(max_length=24, choices=RecordKind.choices)
    channel = models.CharField(max_length=16, blank=True)
    text = models.TextField(blank=True)
    platform_id = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=500, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    objects = NeverDeletedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["broadcast", "created_at"], name="broadcast_record_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.broadcast_id})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Broadcast records are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Broadcast records are never deleted.")


# --- changes: the communication side of change management ------------------------------------


class ChangeRisk(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class ChangeState(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    ROLLED_BACK = "rolled_back", "Rolled back"
    CANCELLED = "cancelled", "Cancelled"


CHANGE_TRANSITIONS: dict[str, frozenset[str]] = {
    ChangeState.PLANNED: frozenset({ChangeState.IN_PROGRESS, ChangeState.CANCELLED}),
    ChangeState.IN_PROGRESS: frozenset({ChangeState.COMPLETED, ChangeState.ROLLED_BACK}),
    ChangeState.COMPLETED: frozenset(),
    ChangeState.ROLLED_BACK: frozenset(),
    ChangeState.CANCELLED: frozenset(),
}
OPEN_CHANGE_STATES = (ChangeState.PLANNED, ChangeState.IN_PROGRESS)


class Change(NeverDeletedModel):
    """A light change record: what will change, on which services, when, how risky; shown
    as maintenance on the status page and broadcast ahead and when done."""

    title = models.CharField(max_length=200)
    description = models.TextField(max_length=10000, blank=True)
    services = models.ManyToManyField(Service, blank=True, related_name="changes")
    planned_start = models.DateTimeField()
    planned_end = models.DateTimeField()
    risk = models.CharField(max_length=8, choices=ChangeRisk.choices, default=ChangeRisk.LOW)
    state = models.CharField(max_length=16, choices=ChangeState.choices, default=ChangeState.PLANNED)
    incidents = models.ManyToManyField(Incident, blank=True, related_name="+")
    problems = models.ManyToManyField(Problem, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["planned_start", "id"]
        indexes = [models.Index(fields=["state", "planned_start"], name="change_state_start_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ChangeState.values), name="change_state_valid"),
            models.CheckConstraint(condition=Q(planned_end__gt=models.F("planned_start")), name="change_window_valid"),
        ]

    def __str__(self):
        return f"CHG{self.pk or 0:07d} {self.title}"

    @property
    def number(self) -> str:
        return f"CHG{self.pk:07d}"

    def allowed_transitions(self) -> list[str]:
        return [s for s in ChangeState.values if s in CHANGE_TRANSITIONS[self.state]]
