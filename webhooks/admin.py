"""Webhook subscriptions and the delivery log, in the admin.

Subscriptions are saved through the webhook services (URL checks, a generated secret);
deliveries are read-only, with every attempt's status code, and can be retried.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services, transport
from .models import WebhookAttempt, WebhookDelivery, WebhookEventType, WebhookSubscription


class WebhookSubscriptionForm(forms.ModelForm):
    target_url = forms.URLField(max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(choices=WebhookEventType.choices, widget=forms.CheckboxSelectMultiple)
    secret = forms.CharField(
        required=False,
        min_length=services.MIN_SECRET_LENGTH,
        help_text="Leave empty to generate one (when adding) or to keep the current one.",
        widget=forms.PasswordInput(render_value=False),
    )

    class Meta:
        model = WebhookSubscription
        fields = ("target_url", "events", "secret", "description", "active")

    def clean_target_url(self):
        url = self.cleaned_data["target_url"]
        try:
            transport.validate_target_url(url)
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["target_url"]) from None
        return url


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ("target_url", "events", "active", "consecutive_failures", "disabled_at", "created_at")
    list_filter = ("active",)
    search_fields = ("target_url", "description")
    readonly_fields = ("consecutive_failures", "failing_since", "disabled_at", "disabled_reason", "created_at")
    actions = ["enable"]

    def get_fields(self, request, obj=None):
        fields = ["target_url", "events", "secret", "description", "active"]
        return fields + list(self.readonly_fields) if obj else fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.webhook_subscription_create(
                target_url=data["target_url"],
                events=data["events"],
                secret=data["secret"] or None,
                description=data["description"],
                active=data["active"],
                actor=request.user,
            )
            obj.pk = created.pk
            if not data["secret"]:
                self.message_user(request, f"The generated secret is {created.secret}; it is not shown again.")
            return
        changes = {name: data[name] for name in form.changed_data if name in services.SUBSCRIPTION_EDITABLE_FIELDS}
        if not data.get("secret"):
            changes.pop("secret", None)
        if changes:
            services.webhook_subscription_update(subscription=obj, **changes)

    def delete_model(self, request, obj):
        services.webhook_subscription_delete(subscription=obj)

    @admin.action(description="Turn the selected subscriptions back on")
    def enable(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]):
        for subscription in queryset:
            services.webhook_subscription_update(subscription=subscription, active=True)
        self.message_user(request, f"{queryset.count()} subscription(s) on.")


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("attempted_at", "status_code", "error", "response_excerpt", "duration_ms")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "event_type",
        "subscription",
        "state",
        "attempts",
        "last_status_code",
        "last_error",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("state", "event__event_type", "last_status_code")
    list_select_related = ("event", "subscription")
    search_fields = ("event__id", "subscription__target_url")
    readonly_fields = (
        "event",
        "subscription",
        "state",
        "attempts",
        "next_attempt_at",
        "leased_until",
        "last_status_code",
        "last_error",
        "delivered_at",
        "created_at",
        "payload",
    )
    fields = readonly_fields
    inlines = [WebhookAttemptInline]
    actions = ["retry"]

    @admin.display(description="event", ordering="event__event_type")
    def event_type(self, delivery: WebhookDelivery) -> str:
        return delivery.event.event_type

    @admin.display(description="payload")
    def payload(self, delivery: WebhookDelivery) -> str:
        return services.envelope(delivery.event).decode()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Send the selected deliveries again now")
    def retry(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]):
        count = 0
        for delivery in queryset:
            services.webhook_delivery_retry(delivery=delivery)
            count += 1
        self.message_user(request, f"{count} deliveries queued.", level=messages.SUCCESS)
