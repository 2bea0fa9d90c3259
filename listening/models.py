"""Listening (issue 12 §1): the queries managers define, what the desk heard with them, and
where each account's listening stands (its cursors and its request budget)."""

import hashlib

from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q

from social import platforms
from social.events import Kind
from social.judgement import INTENT_CHOICES
from social.models import SocialAccount
from tickets.models import Incident, Service

SENTIMENT_LABELS = [("negative", "Negative"), ("neutral", "Neutral"), ("positive", "Positive")]


def split_terms(text: str) -> list[str]:
    """One term a line (commas separate too); blank ones dropped, repeats once, order kept."""
    terms = []
    for line in text.replace(",", "\n").splitlines():
        term = " ".join(line.split())
        if term and term.casefold() not in {t.casefold() for t in terms}:
            terms.append(term)
    return terms


class ListeningQuery(models.Model):
    """What to listen for: keywords, hashtags, the organisation's names. What it hears is filed
    under its service (none: about the organisation as a whole)."""

    name = models.CharField(max_length=100, unique=True)
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="What is heard is filed under this service; empty for the organisation as a whole.",
    )
    terms = models.TextField(
        help_text='One a line: words, phrases ("VPN down"), #hashtags, the organisation\'s names. Any of them matches.'
    )
    excluded_terms = models.TextField(blank=True, help_text="One a line: posts with any of these are not heard.")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "listening queries"
        permissions = [("manage_listening", "Can define what the desk listens for")]

    def __str__(self):
        return self.name

    @property
    def term_list(self) -> list[str]:
        return split_terms(self.terms)

    @property
    def excluded_list(self) -> list[str]:
        return split_terms(self.excluded_terms)

    @property
    def search_key(self) -> str:
        """The key of its cursors: a change of its terms starts a new search from now."""
        words = "\n".join(self.term_list) + "\0" + "\n".join(self.excluded_list)
        return f"q{self.pk}-{hashlib.blake2b(words.casefold().encode(), digest_size=4).hexdigest()}"


class ListeningAccountState(models.Model):
    """Where listening stands on one account: the platform's cursors, its request budget in the
    current window, and the lease of the run listening on it now (one at a time)."""

    account = models.OneToOneField(SocialAccount, on_delete=models.CASCADE, related_name="listening_state")
    cursors = models.JSONField(default=dict, blank=True)
    # When each search was last read to the end: the longest-waiting goes first next time.
    searched_at = models.JSONField(default=dict, blank=True)
    window_started_at = models.DateTimeField(null=True, blank=True)
    window_requests = models.PositiveIntegerField(default=0)
    rate_limited_until = models.DateTimeField(null=True, blank=True)
    leased_until = models.DateTimeField(null=True, blank=True)
    listened_at = models.DateTimeField(null=True, blank=True)
    last_heard = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    def __str__(self):
        return f"Listening on {self.account}"


class HeardMessage(models.Model):
    """A post the desk heard without being addressed. Not an incident: an agent makes it one."""

    channel = models.CharField(max_length=16, choices=platforms.channel_choices)
    account = models.ForeignKey(SocialAccount, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(max_length=100)
    query = models.ForeignKey(ListeningQuery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.CHOICES, default=Kind.POST)
    author_id = models.CharField(max_length=64, blank=True)
    author_handle = models.CharField(max_length=100, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    in_reply_to = models.CharField(max_length=100, blank=True)
    thread_key = models.CharField(max_length=100, blank=True)
    mentions_account = models.BooleanField(default=False)
    raw = models.JSONField(default=dict, blank=True)
    posted_at = models.DateTimeField()
    heard_at = models.DateTimeField()
    sentiment_score = models.FloatField(null=True, blank=True)
    sentiment_label = models.CharField(max_length=8, choices=SENTIMENT_LABELS, blank=True)
    sentiment_model = models.CharField(max_length=40, blank=True)
    # What the post is (intelligence.intent): praise, thanks and chatter are there to read, not
    # to answer; complaints and questions are what an agent makes incidents of. Empty on posts
    # heard before intents were judged.
    intent = models.CharField(max_length=16, choices=INTENT_CHOICES, blank=True)
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    converted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    converted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-posted_at", "-id"]
        constraints = [
            # Heard once per platform, however many polls and queries meet it.
            models.UniqueConstraint(fields=["channel", "external_id"], name="heard_message_unique"),
        ]
        indexes = [
            # The Listening page: newest first, whole or by service, query or sentiment.
            models.Index(fields=["-posted_at", "-id"], name="heard_recent_idx"),
            models.Index(fields=["service", "-posted_at", "-id"], name="heard_service_idx"),
            models.Index(fields=["query", "-posted_at", "-id"], name="heard_query_idx"),
            models.Index(fields=["sentiment_label", "-posted_at", "-id"], name="heard_sentiment_idx"),
            models.Index(fields=["intent", "-posted_at", "-id"], name="heard_intent_idx"),
            models.Index(fields=["incident"], name="heard_incident_idx", condition=Q(incident__isnull=False)),
        ]

    def __str__(self):
        return f"Heard on {self.get_channel_display()}: {self.external_id}"

    @property
    def author(self) -> str:
        return self.author_handle or self.author_name or self.author_id
