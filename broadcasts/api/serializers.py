"""Broadcasts in the API: input and output apart (HackSoft's habit)."""

from rest_framework import serializers

from tickets.api.serializers import ServiceRefSerializer
from tickets.models import Incident, Problem, Service

from ..models import Broadcast, BroadcastKind, BroadcastPost, BroadcastRecord, channel_choices


class BroadcasterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.username


class ApprovalSerializer(serializers.Serializer):
    user = BroadcasterSerializer()
    decision = serializers.CharField(help_text="approve or reject")
    note = serializers.CharField()
    round = serializers.IntegerField(help_text="Which submission it was given on (1 for the first).")
    created_at = serializers.DateTimeField()


class PostSerializer(serializers.ModelSerializer):
    delivery = serializers.SerializerMethodField(help_text="Where its outbound message is: queued, sending, sent...")
    delivery_reason = serializers.SerializerMethodField(help_text="Why it waits or failed, when it does.")

    class Meta:
        model = BroadcastPost
        fields = ["channel", "state", "platform_id", "parts", "url", "published_at", "delivery", "delivery_reason"]

    def get_delivery(self, post: BroadcastPost) -> str:
        return post.message.state if post.message_id else post.state

    def get_delivery_reason(self, post: BroadcastPost) -> str:
        return post.message.state_reason if post.message_id else ""


class RecordSerializer(serializers.ModelSerializer):
    actor = BroadcasterSerializer(allow_null=True)

    class Meta:
        model = BroadcastRecord
        fields = ["kind", "channel", "text", "platform_id", "url", "note", "actor", "created_at"]


class BroadcastSerializer(serializers.ModelSerializer):
    created_by = BroadcasterSerializer()
    services = ServiceRefSerializer(many=True)
    incident = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    problem = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    approvals = ApprovalSerializer(many=True)
    posts = PostSerializer(many=True)
    channels = serializers.ListField(child=serializers.ChoiceField(choices=channel_choices()))
    links = serializers.ListField(child=serializers.URLField())

    class Meta:
        model = Broadcast
        fields = [
            "id",
            "kind",
            "state",
            "title",
            "text",
            "channels",
            "services",
            "incident",
            "problem",
            "links",
            "scheduled_for",
            "created_by",
            "created_at",
            "submitted_at",
            "approved_at",
            "published_at",
            "rejection_reason",
            "approvals",
            "posts",
        ]


class BroadcastDetailSerializer(BroadcastSerializer):
    records = RecordSerializer(many=True, help_text="Everything that happened to it, kept forever.")

    class Meta(BroadcastSerializer.Meta):
        fields = [*BroadcastSerializer.Meta.fields, "records"]


class BroadcastCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=BroadcastKind.choices)
    text = serializers.CharField(max_length=10000, trim_whitespace=True)
    channels = serializers.ListField(child=serializers.ChoiceField(choices=channel_choices()), min_length=1)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    scheduled_for = serializers.DateTimeField(required=False, allow_null=True, default=None)
    services = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.filter(active=True), many=True, required=False, default=list
    )
    incident = serializers.SlugRelatedField(
        slug_field="number", queryset=Incident.objects.all(), required=False, allow_null=True, default=None
    )
    problem = serializers.SlugRelatedField(
        slug_field="number", queryset=Problem.objects.all(), required=False, allow_null=True, default=None
    )
    links = serializers.ListField(child=serializers.URLField(max_length=500), required=False, default=list)


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)
