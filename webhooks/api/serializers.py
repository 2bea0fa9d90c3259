"""What /api/v1/webhooks/ shows and accepts. Input serializers only parse and check types;
`webhooks.services` decides what a change means."""

from rest_framework import serializers

from servicedesk.api.serializers import StrictInputSerializer

from ..models import WebhookDelivery, WebhookEventType, WebhookSubscription


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEventType.choices))

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "target_url",
            "events",
            "description",
            "active",
            "created_at",
            "updated_at",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
        ]
        read_only_fields = fields


class WebhookCreatedSerializer(WebhookSerializer):
    """A new subscription, with its secret: the only time the secret is shown."""

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookCreateSerializer(StrictInputSerializer):
    target_url = serializers.URLField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices), min_length=1, max_length=10
    )
    secret = serializers.CharField(
        min_length=16,
        max_length=200,
        required=False,
        write_only=True,
        help_text="The HMAC key; generated (and returned once) when not given.",
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False, default=True)


class WebhookUpdateSerializer(StrictInputSerializer):
    target_url = serializers.URLField(max_length=500, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices), min_length=1, max_length=10, required=False
    )
    secret = serializers.CharField(min_length=16, max_length=200, required=False, write_only=True)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event_id = serializers.UUIDField(source="event.id", read_only=True)
    event_type = serializers.ChoiceField(source="event.event_type", choices=WebhookEventType.choices, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "state",
            "attempts",
            "last_status_code",
            "last_error",
            "next_attempt_at",
            "delivered_at",
            "created_at",
        ]
        read_only_fields = fields
