"""The service desk's records: incidents, problems, their comments and audit trail.

Models hold data and constraints only. Every write goes through `tickets.services`, every
list read through `tickets.selectors`; nothing here has side effects in `save()`.
"""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from .channels import ChannelsType


class NeverDeletedQuerySet(models.QuerySet):
    """Incidents, problems, comments and events are records: they are never deleted."""

    def delete(self):
        raise PermissionDenied(f"{self.model._meta.verbose_name_plural} are never deleted.")


class NeverDeletedModel(models.Model):
    objects = NeverDeletedQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise PermissionDenied(f"{self._meta.verbose_name_plural} are never deleted.")


class NumberSequence(models.Model):
    """Counters behind the human numbers INC0000001 and PRB0000001."""

    prefix = models.CharField(max_length=8, primary_key=True)
    last_value = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.prefix}: {self.last_value}"


class Impact(models.IntegerChoices):
    HIGH = 1, "1 - High"
    MEDIUM = 2, "2 - Medium"
    LOW = 3, "3 - Low"


class Urgency(models.IntegerChoices):
    HIGH = 1, "1 - High"
    MEDIUM = 2, "2 - Medium"
    LOW = 3, "3 - Low"


class Priority(models.IntegerChoices):
    CRITICAL = 1, "1 - Critical"
    HIGH = 2, "2 - High"
    MODERATE = 3, "3 - Moderate"
    LOW = 4, "4 - Low"
    PLANNING = 5, "5 - Planning"


class PriorityRule(models.Model):
    """One cell of the ITIL impact × urgency matrix, kept as data so it can change without code."""

    impact = models.PositiveSmallIntegerField(choices=Impact.choices)
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)

    class Meta:
        ordering = ["impact", "urgency"]
        constraints = [models.UniqueConstraint(fields=["impact", "urgency"], name="priority_rule_unique_cell")]

    def __str__(self):
        return f"impact {self.impact} × urgency {self.urgency} → P{self.priority}"


class SlaTarget(models.Model):
    """Response and resolution targets for one priority, on a 24×7 clock."""

    priority = models.PositiveSmallIntegerField(choices=Priority.choices, unique=True)
    response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()

    class Meta:
        ordering = ["priority"]
        verbose_name = "SLA target"

    def __str__(self):
        return f"P{self.priority}: respond in {self.response_minutes} min, resolve in {self.resolution_minutes} min"


class SupportGroup(models.Model):
    """A team incidents are assigned to (Service Desk, Network, Workplace...)."""

    name = models.CharField(max_length=100, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="support_groups")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Service(models.Model):
    """An entry of the IT service catalogue."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    owner_group = models.ForeignKey(
        SupportGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class Contact(models.Model):
    """Somebody who reports incidents: a portal user, or a person met on a social channel.

    Merging never deletes: the merged contact points at the survivor, so identities and
    history that still reference it resolve to one person.
    """

    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_contacts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["email"], name="contact_email_idx")]

    def __str__(self):
        return self.name


class IncidentStatus(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class NotIncidentKind(models.TextChoices):
    """Why a message's incident was closed as not an incident (it stays, with its message)."""

    THANKS = "thanks", "Thanks"
    SPAM = "spam", "Spam"
    CHATTER = "chatter", "Chatter"
    OTHER = "other", "Something else"


# The incident lifecycle, in one table. `tickets.services.incident_transition` is the
# only place that changes an incident's status, and it consults nothing else.
INCIDENT_TRANSITIONS: dict[str, frozenset[str]] = {
    IncidentStatus.NEW: frozenset(
        {IncidentStatus.IN_PROGRESS, IncidentStatus.ON_HOLD, IncidentStatus.RESOLVED, IncidentStatus.CANCELLED}
    ),
    IncidentStatus.IN_PROGRESS: frozenset({IncidentStatus.ON_HOLD, IncidentStatus.RESOLVED, IncidentStatus.CANCELLED}),
    IncidentStatus.ON_HOLD: frozenset({IncidentStatus.IN_PROGRESS, IncidentStatus.RESOLVED, IncidentStatus.CANCELLED}),
    # Back to in progress is a reopen.
    IncidentStatus.RESOLVED: frozenset({IncidentStatus.IN_PROGRESS, IncidentStatus.CLOSED}),
    IncidentStatus.CLOSED: frozenset(),
    IncidentStatus.CANCELLED: frozenset(),
}

# The SLA clock runs only in these; on hold and resolved pause it.
SLA_RUNNING_STATUSES = frozenset({IncidentStatus.NEW, IncidentStatus.IN_PROGRESS})
OPEN_STATUSES = frozenset({IncidentStatus.NEW, IncidentStatus.IN_PROGRESS, IncidentStatus.ON_HOLD})


class Channel(models.TextChoices, metaclass=ChannelsType):
    """How an incident came in. tickets serves the web and the API itself, and records the
    ways an agent hears of one in person (`AGENT_RAISED_CHANNELS`); other apps register theirs."""

    WEB = "web", "Web"
    API = "api", "API"
    PHONE = "phone", "Phone"
    WALK_IN = "walk_in", "Walk-in"
    CHAT = "chat", "Chat"


# What an agent raises an incident by in the console, for somebody who called, came to the
# desk or wrote in a chat. Not the registered channels (X, e-mail…): an incident recorded by hand
# there has no message to answer, so the reporter would never hear the replies the agent writes.
AGENT_RAISED_CHANNELS = (Channel.PHONE, Channel.WALK_IN, Channel.CHAT)


def channel_choices() -> list[tuple[str, str]]:
    """Incident.channel's choices, read when used: a channel registered later is one too, and
    no migration changes when one is."""
    return Channel.choices


class Incident(NeverDeletedModel):
    number = models.CharField(max_length=16, unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=20000, blank=True)
    status = models.CharField(max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.NEW)
    impact = models.PositiveSmallIntegerField(choices=Impact.choices, default=Impact.LOW)
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices, default=Urgency.LOW)
    # Derived from impact × urgency by the services; stored because lists sort by it.
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.PLANNING)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    channel = models.CharField(max_length=16, choices=channel_choices, default=Channel.WEB)
    reporter = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="incidents")
    assignment_group = models.ForeignKey(
        SupportGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_incidents",
    )
    problem = models.ForeignKey("Problem", null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    major = models.BooleanField(default=False)
    # A reply on a closed incident's thread opens a new incident that follows it up.
    follow_up_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups")
    # Merged into another incident (closed as its duplicate): its thread now goes to that one.
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates")

    hold_reason = models.CharField(max_length=500, blank=True)
    resolution = models.TextField(max_length=10000, blank=True)
    # Closed as not an incident (status cancelled): why, and in the agent's words. Reports
    # count these apart from the work the desk resolved.
    not_incident = models.CharField(max_length=8, choices=NotIncidentKind.choices, blank=True)
    not_incident_reason = models.CharField(max_length=500, blank=True)

    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    # An agent's first public reply is written but still on its way to the reporter (queued
    # on their social channel): the response clock runs until it is delivered.
    response_pending_since = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # SLA: due = created + target + time paused. See `tickets.sla`.
    response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    sla_paused_since = models.DateTimeField(null=True, blank=True)
    sla_paused_seconds = models.PositiveIntegerField(default=0)
    response_breached = models.BooleanField(default=False)
    resolution_breached = models.BooleanField(default=False)

    # The triage queue's first sort key. 0 for an open incident whose SLA is breached on the
    # clock that matters (the response until there is one, then the resolution), assigned or
    # not; 1 for what nobody has looked at yet (new and unassigned); 2 for the rest. The
    # database keeps it, so no service has to remember to. It reads the breach flags, which
    # the sweep sets within a minute of a target passing (`tickets.sla.breached_q`).
    triage_rank = models.GeneratedField(
        expression=Case(
            When(
                Q(status__in=["new", "in_progress", "on_hold"])
                & (Q(response_breached=True, first_response_at__isnull=True) | Q(resolution_breached=True)),
                then=Value(0),
            ),
            When(Q(status="new", assignee__isnull=True), then=Value(1)),
            default=Value(2),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )

    class Meta:
        permissions = [
            ("work_incidents", "Can work on every incident and problem"),
            ("raise_incidents", "Can raise incidents from the portal"),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="incident_status_created_idx"),
            models.Index(fields=["assignee", "status"], name="incident_assignee_status_idx"),
            models.Index(fields=["priority", "-created_at"], name="incident_priority_idx"),
            models.Index(fields=["-created_at"], name="incident_created_idx"),
            models.Index(fields=["-updated_at"], name="incident_updated_idx"),
            models.Index(fields=["reporter", "-created_at"], name="incident_reporter_idx"),
            # The console's sort orders, each ending in id: keyset pagination compares the
            # row value (sort key, id) and the index walks straight to the next page.
            models.Index(fields=["triage_rank", "priority", "created_at", "id"], name="incident_triage_keyset_idx"),
            models.Index(fields=["priority", "created_at", "id"], name="incident_priority_keyset_idx"),
            models.Index(fields=["created_at", "id"], name="incident_created_keyset_idx"),
            models.Index(fields=["updated_at", "id"], name="incident_updated_keyset_idx"),
            # "Mine" and "unassigned", the queue's everyday views, over open incidents only,
            # in triage order. Unassigned needs its own: PostgreSQL does not take
            # "assignee IS NULL" as fixing the first column of an ordered index.
            models.Index(
                fields=["assignee", "triage_rank", "priority", "created_at", "id"],
                name="incident_open_assignee_idx",
                condition=Q(status__in=["new", "in_progress", "on_hold"]),
            ),
            models.Index(
                fields=["triage_rank", "priority", "created_at", "id"],
                name="incident_open_unassigned_idx",
                condition=Q(status__in=["new", "in_progress", "on_hold"], assignee__isnull=True),
            ),
            # Somebody's incidents, newest first, whatever else filters them ("assigned to me").
            models.Index(fields=["assignee", "-created_at"], name="incident_assignee_created_idx"),
            # Major incidents are rare: listing them newest first must not walk every incident.
            models.Index(fields=["-created_at"], name="incident_major_idx", condition=Q(major=True)),
            # The breach sweep looks only at running incidents not yet flagged.
            models.Index(
                fields=["response_due_at"],
                name="incident_response_sweep_idx",
                condition=Q(response_breached=False, first_response_at__isnull=True)
                & Q(status__in=["new", "in_progress"]),
            ),
            models.Index(
                fields=["resolution_due_at"],
                name="incident_resolution_sweep_idx",
                condition=Q(resolution_breached=False, status__in=["new", "in_progress"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(impact__in=[1, 2, 3]) & Q(urgency__in=[1, 2, 3]),
                name="incident_impact_urgency_valid",
            ),
            models.CheckConstraint(condition=Q(priority__gte=1, priority__lte=5), name="incident_priority_valid"),
            models.CheckConstraint(condition=Q(status__in=IncidentStatus.values), name="incident_status_valid"),
            models.CheckConstraint(
                condition=Q(not_incident="") | Q(status=IncidentStatus.CANCELLED),
                name="incident_not_incident_is_cancelled",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def heard_in_person(self) -> bool:
        """Raised by an agent who heard of it by phone, at the desk or in a chat: no channel
        carries a reply back, the reporter reads it in the portal (if they have a login)."""
        return self.channel in AGENT_RAISED_CHANNELS

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def allowed_transitions(self) -> list[str]:
        return [s for s in IncidentStatus.values if s in INCIDENT_TRANSITIONS[self.status]]


class ProblemStatus(models.TextChoices):
    NEW = "new", "New"
    INVESTIGATING = "investigating", "Investigating"
    KNOWN_ERROR = "known_error", "Known error"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


PROBLEM_TRANSITIONS: dict[str, frozenset[str]] = {
    ProblemStatus.NEW: frozenset({ProblemStatus.INVESTIGATING, ProblemStatus.KNOWN_ERROR, ProblemStatus.CLOSED}),
    ProblemStatus.INVESTIGATING: frozenset({ProblemStatus.KNOWN_ERROR, ProblemStatus.RESOLVED}),
    ProblemStatus.KNOWN_ERROR: frozenset({ProblemStatus.INVESTIGATING, ProblemStatus.RESOLVED}),
    ProblemStatus.RESOLVED: frozenset({ProblemStatus.CLOSED, ProblemStatus.INVESTIGATING}),
    ProblemStatus.CLOSED: frozenset(),
}


class Problem(NeverDeletedModel):
    number = models.CharField(max_length=16, unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=20000, blank=True)
    status = models.CharField(max_length=16, choices=ProblemStatus.choices, default=ProblemStatus.NEW)
    root_cause = models.TextField(max_length=10000, blank=True)
    workaround = models.TextField(max_length=10000, blank=True)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT, related_name="problems")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_problems",
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "-created_at"], name="problem_status_created_idx"),
            models.Index(fields=["-updated_at"], name="problem_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProblemStatus.values), name="problem_status_valid"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_known_error(self) -> bool:
        return self.status == ProblemStatus.KNOWN_ERROR and bool(self.workaround)

    def allowed_transitions(self) -> list[str]:
        return [s for s in ProblemStatus.values if s in PROBLEM_TRANSITIONS[self.status]]


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public reply"
    INTERNAL = "internal", "Internal note"


class Comment(NeverDeletedModel):
    """A public reply (the reporter sees it, on their channel) or an internal note."""

    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="comments")
    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.PROTECT, related_name="comments")
    body = models.TextField(max_length=10000)
    visibility = models.CharField(max_length=8, choices=Visibility.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
    )
    author_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["incident", "created_at"], name="comment_incident_idx"),
            models.Index(fields=["problem", "created_at"], name="comment_problem_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(incident__isnull=False, problem__isnull=True)
                | Q(incident__isnull=True, problem__isnull=False),
                name="comment_on_exactly_one_ticket",
            ),
            models.CheckConstraint(condition=Q(visibility__in=Visibility.values), name="comment_visibility_valid"),
        ]

    def __str__(self):
        return f"{self.get_visibility_display()} on {self.incident or self.problem}"

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def author_name(self) -> str:
        if self.author_user_id:
            return self.author_user.get_full_name() or self.author_user.get_username()
        if self.author_contact_id:
            return self.author_contact.name
        return "Service desk"


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    STATUS = "status", "Status changed"
    PRIORITY = "priority", "Priority changed"
    ASSIGNMENT = "assignment", "Assignment changed"
    FIELD = "field", "Field changed"
    PROBLEM_LINK = "problem_link", "Problem linked"
    PROBLEM_UNLINK = "problem_unlink", "Problem unlinked"
    SLA_BREACH = "sla_breach", "SLA breached"
    COMMENT = "comment", "Comment added"
    CONTACT_MERGE = "contact_merge", "Contacts merged"
    SOURCE_EDIT = "source_edit", "Edited at the source"
    REDACTED = "redacted", "Deleted at the source"
    ATTACHMENT = "attachment", "Attachment added"
    NOT_INCIDENT = "not_incident", "Closed as not an incident"


class Event(models.Model):
    """One immutable line of an incident's or a problem's audit trail.

    Rows are only ever inserted: `save()` refuses updates, deletes are refused here, in the
    admin, and on PostgreSQL by a trigger (see migration 0003).
    """

    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    field = models.CharField(max_length=40, blank=True)
    old_value = models.CharField(max_length=500, blank=True)
    new_value = models.CharField(max_length=500, blank=True)
    # The words that came with the change: a hold reason, a resolution note, a reopen reason.
    note = models.TextField(blank=True)
    # Who: an agent or a portal user, a contact (social channels), or neither (the system).
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    objects = NeverDeletedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["incident", "created_at"], name="event_incident_idx"),
            models.Index(fields=["problem", "created_at"], name="event_problem_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.field}: {self.old_value} → {self.new_value}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Audit events are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit events are never deleted.")

    @property
    def actor_name(self) -> str:
        if self.actor_user_id:
            return self.actor_user.get_full_name() or self.actor_user.get_username()
        if self.actor_contact_id:
            return self.actor_contact.name
        return "System"


def attachment_upload_to(attachment: "Attachment", filename: str) -> str:
    """Where a file goes in the storage: a random name under the month, never the name the
    person gave (which may hold anything); that name is kept in `Attachment.name`."""
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(NeverDeletedModel):
    """A file attached to an incident, or to one of its comments: uploaded (a screenshot, a
    log; kept in Django's default storage, served only to those who may see the incident) or
    a link to a copy kept by a social platform (a photo in a tweet), never downloaded.

    An attachment on an internal note is internal too; customers see the public ones only.
    """

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="attachments")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    # The name the person gave, cleaned of any path: shown and offered as the download's name.
    name = models.CharField(max_length=255)
    file = models.FileField(upload_to=attachment_upload_to, max_length=255, blank=True)
    # The platform's copy, for media in a social message.
    external_url = models.URLField(max_length=2000, blank=True)
    # What the content is, found by reading it (not from its name or the browser's word).
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(null=True, blank=True)  # unknown for a platform's copy
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by_contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["incident", "created_at"], name="attachment_incident_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(external_url="")) | (~Q(file="") & Q(external_url="")),
                name="attachment_file_or_link",
            ),
            models.CheckConstraint(condition=Q(visibility__in=Visibility.values), name="attachment_visibility_valid"),
        ]

    def __str__(self):
        return f"{self.name} on {self.incident_id}"

    @property
    def is_link(self) -> bool:
        return bool(self.external_url)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def uploader_name(self) -> str:
        if self.uploaded_by_user_id:
            return self.uploaded_by_user.get_full_name() or self.uploaded_by_user.get_username()
        if self.uploaded_by_contact_id:
            return self.uploaded_by_contact.name
        return "Service desk"


class SavedView(models.Model):
    """A view of the triage queue kept under a name: its filters and sort as the queue's URL
    parameters. Personal (its owner's) or shared with every agent; only its owner changes it."""

    name = models.CharField(max_length=60)
    query = models.CharField(max_length=1000, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_view_unique_name_per_owner")]
        indexes = [models.Index(fields=["shared"], name="saved_view_shared_idx", condition=Q(shared=True))]

    def __str__(self):
        return self.name


# Saved replies and deflections live in their own modules (this one is long enough); Django
# finds them here.
from .deflection_models import Deflection, DeflectionChannel, DeflectionKind  # noqa: E402, F401
from .macro_models import Macro, MacroStatus  # noqa: E402, F401
