"""Social channels: the accounts the desk watches, the people met there, every message in and
out, and the raw inbound events they came from.

Writes go through `social.inbox` (events in → incidents and comments) and `social.outbox`
(answers going back). Every `channel` is a platform of `social.platforms`, whose choices are
read when used: a new platform changes no migration.
"""

from django.db import models
from django.db.models import Q

from tickets.models import Comment, Contact, Incident

from . import platforms
from .crypto import EncryptedTextField
from .events import Kind

# The platforms of the registry, as (channel, label) choices, for the API schema's channel
# enum (settings.SPECTACULAR_SETTINGS). Model fields, social's and other apps', read
# `platforms.channel_choices` when used instead, so a new platform changes no migration.
SOCIAL_CHANNELS = platforms.channel_choices()


class SocialAccount(models.Model):
    """An account on a platform the desk answers for (an X account, a Facebook page...).

    The default ones come from the environment (see `social.accounts`); more are added in the
    admin. Tokens are encrypted at rest; which of them a platform uses, and for what, its
    declaration in `social.platforms` says.
    """

    channel = models.CharField(max_length=16, choices=platforms.channel_choices)
    # The platform's id of the account: the X user id, the Facebook page id...
    external_id = models.CharField(max_length=64)
    handle = models.CharField(max_length=100, blank=True, help_text="How people name the account on its platform.")
    # Where the platform is, for platforms that are many servers (a Mastodon instance, a
    # Bluesky PDS); each platform says what empty means.
    base_url = models.URLField(
        max_length=200, blank=True, help_text="The server this account lives on, for platforms of many servers."
    )
    active = models.BooleanField(default=True)
    consumer_key = EncryptedTextField(blank=True)
    consumer_secret = EncryptedTextField(blank=True)
    bearer_token = EncryptedTextField(blank=True)
    access_token = EncryptedTextField(blank=True)
    access_token_secret = EncryptedTextField(blank=True)
    app_secret = EncryptedTextField(blank=True)
    verify_token = EncryptedTextField(blank=True)
    page_access_token = EncryptedTextField(blank=True)
    # A password the desk logs in with (a Bluesky app password).
    password = EncryptedTextField(blank=True)
    # The platform's session, kept between calls where logging in is limited (Bluesky's).
    session = EncryptedTextField(blank=True)
    # X's self-serve tiers only allow replies to posts that mention or quote the account.
    self_serve_tier = models.BooleanField(default=True)
    poll_enabled = models.BooleanField(default=False, help_text="Read what is new on a schedule.")
    poll_cursor = models.CharField(max_length=100, blank=True)
    polled_at = models.DateTimeField(null=True, blank=True)
    rate_limited_until = models.DateTimeField(null=True, blank=True)
    # Set when the platform says the token is revoked or expired: admins see a banner.
    token_error = models.CharField(max_length=500, blank=True)
    token_error_at = models.DateTimeField(null=True, blank=True)
    # Where the platform keeps direct messages apart from the rest (a chat service with a log
    # of its own), where the poll of them got to.
    dm_poll_cursor = models.CharField(max_length=200, blank=True)
    # Why the account's direct messages are off (the platform refused them: a permission its
    # credentials lack), for the admins; empty while they work. Nothing else is held back.
    dm_unavailable = models.CharField(
        max_length=500, blank=True, help_text="Why direct messages are off for this account, if they are."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "external_id"], name="social_account_unique")]
        ordering = ["channel", "handle"]

    def __str__(self):
        return f"{self.get_channel_display()} {self.handle or self.external_id}"

    @property
    def platform(self) -> platforms.Platform:
        return platforms.get(self.channel)

    @property
    def can_send(self) -> bool:
        return self.platform.can_send(self)

    @property
    def missing_credentials(self) -> str:
        return self.platform.missing_credentials(self)


class SocialIdentity(models.Model):
    """Somebody on a platform, and the contact they are to the desk."""

    channel = models.CharField(max_length=16, choices=platforms.channel_choices)
    external_id = models.CharField(max_length=64)
    handle = models.CharField(max_length=100, blank=True)
    display_name = models.CharField(max_length=200, blank=True)
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="social_identities")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "external_id"], name="social_identity_unique")]
        verbose_name_plural = "social identities"

    def __str__(self):
        return f"{self.get_channel_display()} {self.handle or self.display_name or self.external_id}"


class InboundState(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Processed"
    FAILED = "failed", "Failed"


class InboundEvent(models.Model):
    """One raw event as the platform delivered it, stored before any work is done.

    Unique on (channel, dedup_key), so a redelivery or a poll overlapping a webhook stores
    nothing new. Processing claims pending rows with SKIP LOCKED, in batches.
    """

    channel = models.CharField(max_length=16, choices=platforms.channel_choices)
    dedup_key = models.CharField(max_length=200)
    # The parsed event (social.events.ParsedEvent.to_json()), raw payload included.
    payload = models.JSONField()
    source = models.CharField(max_length=16, default="webhook")  # webhook, poll, simulator
    shard = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=8, choices=InboundState.choices, default=InboundState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "dedup_key"], name="inbound_event_unique")]
        indexes = [
            # The processor's claim: pending events of one shard, due, oldest first.
            models.Index(
                fields=["shard", "next_attempt_at", "id"],
                name="inbound_pending_idx",
                condition=Q(state="pending"),
            ),
            models.Index(fields=["-received_at"], name="inbound_failed_idx", condition=Q(state="failed")),
        ]

    def __str__(self):
        return f"{self.channel} {self.dedup_key} ({self.state})"


class Direction(models.TextChoices):
    INBOUND = "inbound", "Inbound"
    OUTBOUND = "outbound", "Outbound"


class MessageState(models.TextChoices):
    # Inbound: what became of it.
    NEW_INCIDENT = "new_incident", "New incident"
    JOINED = "joined", "Joined incident"
    RECORDED = "recorded", "Recorded"  # the desk's own posts: kept, open nothing
    # Praise, thanks, chatter (`social.judgement`): kept and scored, no incident; one click opens one.
    FEEDBACK = "feedback", "Feedback"
    IGNORED = "ignored", "Ignored"
    # Outbound: where its delivery is.
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class SocialMessage(models.Model):
    """A message in or out on a social channel, with its raw payload, kept for the record."""

    channel = models.CharField(max_length=16, choices=platforms.channel_choices)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    kind = models.CharField(max_length=16, choices=Kind.CHOICES)
    # The platform's own id; for an outbound X thread, the first part's. Empty until sent.
    external_id = models.CharField(max_length=100, blank=True)
    account_external_id = models.CharField(max_length=64)
    identity = models.ForeignKey(
        SocialIdentity, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    in_reply_to = models.CharField(max_length=100, blank=True)
    thread_key = models.CharField(max_length=100, blank=True)
    mentions_account = models.BooleanField(default=False)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="social_messages"
    )
    # The comment made from an inbound reply, or the agent's reply an outbound message carries.
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    inbound_event = models.ForeignKey(
        InboundEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    state = models.CharField(max_length=16, choices=MessageState.choices)
    # What a message that started a conversation was judged to be (`social.judgement`):
    # complaint, question, praise, thanks, chatter; empty when not judged.
    intent = models.CharField(max_length=16, blank=True)
    state_reason = models.CharField(max_length=500, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    deleted = models.BooleanField(default=False)  # deleted at the source; text redacted
    hidden = models.BooleanField(default=False)  # hidden by the page on Facebook
    edited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    # Outbound delivery.
    parts = models.JSONField(default=list, blank=True)  # X threads: the external id of each part sent
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Held by the worker attempting it until then (social.outbox.claim); its value is the
    # lease's token: only the holder writes the attempt's outcome.
    leased_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # An inbound message exists once; outbound ones are unique once sent.
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                name="social_message_external_unique",
                condition=~Q(external_id=""),
            ),
        ]
        indexes = [
            models.Index(fields=["incident", "created_at"], name="social_message_incident_idx"),
            models.Index(fields=["channel", "thread_key"], name="social_message_thread_idx"),
            models.Index(fields=["-created_at", "-id"], name="social_message_recent_idx"),
            models.Index(
                fields=["next_attempt_at"],
                name="social_message_outbox_idx",
                condition=Q(state__in=["queued", "sending"]),
            ),
            # The status wall: the desk's newest sent answers.
            models.Index(
                fields=["-sent_at", "-id"],
                name="social_message_sent_idx",
                condition=Q(direction="outbound", state="sent"),
            ),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} {self.get_kind_display()} {self.external_id or self.pk}"

    @property
    def is_private(self) -> bool:
        return self.kind in Kind.PRIVATE


class AcknowledgementTemplate(models.Model):
    """What the desk answers when a message opens an incident. `{number}` and `{name}` are filled in."""

    channel = models.CharField(max_length=16, choices=platforms.channel_choices, unique=True)
    text = models.TextField(
        max_length=1000,
        default="Thanks {name}, we're on it: your incident is {number}. Reply here to add details.",
    )

    def __str__(self):
        return f"Acknowledgement on {self.get_channel_display()}"
