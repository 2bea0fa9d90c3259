"""The admin of the social channels.

Accounts: tokens are typed in and never shown back (a blank field keeps the stored one).
Inbound events and messages are the record of what the platforms sent and what the desk
answered: read-only, with the Replay (failed events) and Retry (failed deliveries) of the
Social page as actions. Acknowledgement texts are checked before they are saved.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.text import Truncator

from tickets.access import is_agent

from . import platforms
from .access import may_replay_events
from .accounts import TOKEN_FIELDS, account_save
from .acknowledgements import BRACES_HELP, PLACEHOLDERS, acknowledgement_text_check
from .inbox.replay import events_replay
from .models import (
    AcknowledgementTemplate,
    Direction,
    InboundEvent,
    InboundState,
    MessageState,
    SocialAccount,
    SocialIdentity,
    SocialMessage,
)
from .outbox.queue import message_retry


def pretty_json(value) -> str:
    """JSON indented inside <pre>, escaped: payloads are text from strangers."""
    return format_html(
        '<pre style="white-space: pre-wrap; max-height: 40rem; overflow: auto">{}</pre>',
        json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True),
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """The record: viewed, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- accounts ---------------------------------------------------------------------------------


def credential_labels() -> dict[str, str]:
    """Every account field a platform keeps a credential in, with its label, in the order of
    the registry (a field two platforms use is labelled by the first)."""
    labels: dict[str, str] = {}
    for platform in platforms.registered():
        for credential in platform.credentials:
            labels.setdefault(credential.field, credential.label)
    return labels


def _token_field(label: str) -> forms.CharField:
    return forms.CharField(
        required=False,
        label=label,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


class SocialAccountForm(forms.ModelForm):
    """Each token is a password field that starts empty: typing replaces the stored value,
    leaving it blank keeps it, and "Forget" erases it. The token fields are not the model's
    (the admin excludes those), so the form never writes them: `account_save` does. They are
    made for the credentials the platforms declare, by `account_form()`."""

    base_url = forms.URLField(
        required=False,
        max_length=200,
        assume_scheme="https",
        label="Base URL",
        help_text=SocialAccount._meta.get_field("base_url").help_text,
    )

    class Meta:
        model = SocialAccount
        fields = ["channel", "external_id", "handle", "base_url", "active", "self_serve_tier", "poll_enabled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hints = [platform.handle_hint for platform in platforms.registered() if platform.handle_hint]
        if hints:
            self.fields["handle"].help_text = f"{', '.join(hints)}."
        for name in self.token_names():
            stored = bool(self.instance.pk and getattr(self.instance, name))
            self.fields[name].help_text = "A value is stored: leave blank to keep it." if stored else "Not set."

    def token_names(self) -> list[str]:
        return [name for name in self.fields if name in TOKEN_FIELDS]

    def clean(self):
        data = super().clean()
        both = [name for name in data.get("forget", []) if data.get(name)]
        if both:
            raise ValidationError(f"Either type a new {self.fields[both[0]].label} or forget it, not both.")
        return data

    def tokens(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in self.token_names()}


def account_form() -> type[SocialAccountForm]:
    """The account form with a password field for each credential the platforms declare."""
    labels = credential_labels()
    fields: dict[str, forms.Field] = {name: _token_field(label) for name, label in labels.items()}
    fields["forget"] = forms.MultipleChoiceField(
        required=False,
        choices=list(labels.items()),
        widget=forms.CheckboxSelectMultiple,
        label="Forget these tokens",
        help_text="Erase the stored value of each token ticked.",
    )
    return type("SocialAccountForm", (SocialAccountForm,), fields)


@admin.register(SocialAccount)
class SocialAccountAdmin(admin.ModelAdmin):
    form = SocialAccountForm
    exclude = TOKEN_FIELDS  # the model's; the form's own token fields take their place
    list_display = ("__str__", "channel", "external_id", "active", "poll_enabled", "token_state", "rate_limited_until")
    list_filter = ("channel", "active")
    search_fields = ("handle", "external_id")
    readonly_fields = (
        "token_error",
        "token_error_at",
        "dm_unavailable",
        "rate_limited_until",
        "polled_at",
        "poll_cursor",
        "dm_poll_cursor",
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = account_form()
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        """The account, then each platform's credentials under its name, then the rest."""
        environment = ", ".join(platform.default_account.external_id for platform in platforms.registered())
        credentials = []
        shown: set[str] = set()
        for platform in platforms.registered():
            fields = tuple(c.field for c in platform.credentials if c.field not in shown)
            shown.update(fields)
            if fields:
                credentials.append((platform.label, {"fields": fields}))
        if credentials:
            credentials[0][1]["description"] = (
                f"Accounts named in the environment ({environment}) take its values again at each start; "
                "change those there."
            )
        return (
            (None, {"fields": ("channel", "external_id", "handle", "base_url", "active")}),
            *credentials,
            ("Forget", {"fields": ("forget",), "classes": ("collapse",)}),
            (
                "Reading and limits",
                {"fields": ("self_serve_tier", "poll_enabled", "poll_cursor", "dm_poll_cursor", "polled_at")},
            ),
            ("State", {"fields": ("token_error", "token_error_at", "dm_unavailable", "rate_limited_until")}),
        )

    def get_queryset(self, request):
        # The list shows no token: leave them encrypted.
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("_changelist"):
            queryset = queryset.defer(*TOKEN_FIELDS)
        return queryset

    @admin.display(description="Token")
    def token_state(self, account: SocialAccount) -> str:
        if account.token_error:
            return format_html('<span style="color: var(--error-fg)">Refused: {}</span>', account.token_error)
        if account.dm_unavailable:
            return format_html('OK; <span style="color: var(--error-fg)">{}</span>', account.dm_unavailable)
        return "OK"

    def save_model(self, request, obj, form, change):
        account_save(account=obj, tokens=form.tokens(), forget=form.cleaned_data.get("forget", []))


@admin.register(SocialIdentity)
class SocialIdentityAdmin(admin.ModelAdmin):
    list_display = ("__str__", "channel", "handle", "display_name", "external_id", "contact")
    list_filter = ("channel",)
    search_fields = ("handle", "display_name", "external_id", "contact__name", "contact__email")
    list_select_related = ("contact",)
    raw_id_fields = ("contact",)


# --- inbound events -------------------------------------------------------------------------


@admin.register(InboundEvent)
class InboundEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "received_at", "channel", "source", "dedup_key", "state", "attempts", "short_error")
    list_filter = ("state", "channel", "source")
    search_fields = ("=dedup_key",)
    date_hierarchy = "received_at"
    fields = (
        "channel",
        "dedup_key",
        "source",
        "shard",
        "state",
        "attempts",
        "next_attempt_at",
        "received_at",
        "processed_at",
        "last_error",
        "payload_pretty",
    )
    readonly_fields = fields
    actions = ["replay"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("_changelist"):
            queryset = queryset.defer("payload")
        return queryset

    @admin.display(description="Error")
    def short_error(self, event: InboundEvent) -> str:
        return Truncator(event.last_error).chars(80)

    @admin.display(description="Payload")
    def payload_pretty(self, event: InboundEvent) -> str:
        return pretty_json(event.payload)

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return may_replay_events(request.user)

    @admin.action(description="Replay the selected failed events", permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[InboundEvent]):
        failed = list(queryset.filter(state=InboundState.FAILED).values_list("pk", flat=True))
        skipped = queryset.count() - len(failed)
        count = events_replay(event_ids=failed) if failed else 0
        self.message_user(request, f"{count} event{'s' if count != 1 else ''} queued for processing again.")
        if skipped:
            self.message_user(
                request, f"{skipped} selected event(s) had not failed and were left alone.", level=messages.WARNING
            )


# --- messages ---------------------------------------------------------------------------------


@admin.register(SocialMessage)
class SocialMessageAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "created_at",
        "channel",
        "direction",
        "kind",
        "author_name",
        "short_text",
        "state",
        "incident",
        "deleted",
        "hidden",
    )
    list_filter = ("channel", "direction", "kind", "state", "deleted", "hidden")
    search_fields = ("=external_id", "author_name", "identity__handle", "text")
    list_select_related = ("identity", "incident")
    date_hierarchy = "created_at"
    exclude = ("raw",)
    readonly_fields = (
        "channel",
        "direction",
        "kind",
        "external_id",
        "account_external_id",
        "identity",
        "author_name",
        "text",
        "url",
        "in_reply_to",
        "thread_key",
        "mentions_account",
        "incident",
        "comment",
        "inbound_event",
        "state",
        "state_reason",
        "deleted",
        "hidden",
        "edited_at",
        "created_at",
        "parts",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "raw_pretty",
    )
    actions = ["retry"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("_changelist"):
            queryset = queryset.defer("raw", "parts")
        return queryset

    @admin.display(description="Text")
    def short_text(self, message: SocialMessage) -> str:
        return Truncator(message.text).chars(80)

    @admin.display(description="Raw payload")
    def raw_pretty(self, message: SocialMessage) -> str:
        return pretty_json(message.raw)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return is_agent(request.user)

    @admin.action(description="Retry the delivery of the selected failed messages", permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[SocialMessage]):
        retried, refused = 0, []
        for message in queryset.filter(direction=Direction.OUTBOUND, state=MessageState.FAILED):
            try:
                message_retry(message=message, actor=request.user)
            except ValidationError as error:
                refused.append(f"{message.pk}: {' '.join(error.messages)}")
            else:
                retried += 1
        self.message_user(request, f"{retried} message{'s' if retried != 1 else ''} queued to be sent again.")
        for reason in refused:
            self.message_user(request, reason, level=messages.ERROR)


# --- acknowledgements ---------------------------------------------------------------------------


class AcknowledgementTemplateForm(forms.ModelForm):
    class Meta:
        model = AcknowledgementTemplate
        fields = ["channel", "text"]
        help_texts = {
            "text": "Posted when a message opens an incident. "
            + " and ".join(f"{{{name}}}" for name in PLACEHOLDERS)
            + f" are replaced by the incident's number and the person's name; {BRACES_HELP}"
            + " (so {{number}} is posted as {number})."
        }

    def clean(self):
        data = super().clean()
        if data.get("channel") and data.get("text") is not None:
            try:
                acknowledgement_text_check(channel=data["channel"], text=data["text"])
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    self.add_error(field, errors)
        return data


@admin.register(AcknowledgementTemplate)
class AcknowledgementTemplateAdmin(admin.ModelAdmin):
    form = AcknowledgementTemplateForm
    list_display = ("channel", "text")
