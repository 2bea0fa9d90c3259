"""What the social endpoints show. Read-only: messages arrive from the platforms and leave
through the desk's replies, never through this API."""

from django.core.exceptions import ObjectDoesNotExist
from django.utils.choices import CallableChoiceIterator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import platforms
from ..events import Kind
from ..models import Direction, MessageState, SocialMessage


class AuthorSerializer(serializers.Serializer):
    name = serializers.CharField(
        help_text="The person's display name, or what the platform called them; for the desk's own "
        "messages, the agent who wrote the reply."
    )
    handle = serializers.CharField(help_text='"@handle" on X; empty on Facebook and for the desk\'s own messages.')


class SocialMessageSerializer(serializers.ModelSerializer):
    channel = serializers.ChoiceField(choices=CallableChoiceIterator(platforms.channel_choices))
    direction = serializers.ChoiceField(choices=Direction.choices)
    kind = serializers.ChoiceField(choices=Kind.CHOICES)
    state = serializers.ChoiceField(
        choices=MessageState.choices,
        help_text="Inbound: what became of it (new_incident, joined, recorded, ignored). "
        "Outbound: its delivery (queued, sending, sent, failed).",
    )
    author = serializers.SerializerMethodField()
    incident = serializers.SerializerMethodField()
    sentiment = serializers.SerializerMethodField()
    sentiment_label = serializers.SerializerMethodField()

    class Meta:
        model = SocialMessage
        fields = [
            "id",
            "external_id",
            "channel",
            "direction",
            "kind",
            "author",
            "text",
            "incident",
            "state",
            "state_reason",
            "deleted",
            "hidden",
            "created_at",
            "sentiment",
            "sentiment_label",
            "url",
        ]
        extra_kwargs = {
            "external_id": {"help_text": "The platform's id of the message; empty for an outbound one not sent yet."},
            "text": {"help_text": "As written; empty once deleted at the source."},
            "deleted": {"help_text": "Deleted at the source (its text is erased here too)."},
            "hidden": {"help_text": "Hidden by the page on Facebook."},
            "url": {"help_text": "The message on the platform, when it has an address."},
        }

    @extend_schema_field(AuthorSerializer)
    def get_author(self, message: SocialMessage) -> dict:
        identity = message.identity
        if identity is None or message.direction == Direction.OUTBOUND:
            # An outbound message's identity is the person it answers, not its author.
            return {"name": message.author_name, "handle": ""}
        return {
            "name": identity.display_name or message.author_name or identity.handle,
            "handle": identity.handle,
        }

    @extend_schema_field({"type": "string", "nullable": True, "description": "The incident's number, or null."})
    def get_incident(self, message: SocialMessage) -> str | None:
        return message.incident_number

    @extend_schema_field(
        {
            "type": "number",
            "nullable": True,
            "minimum": -1,
            "maximum": 1,
            "description": "Sentiment, -1 (surely negative) to 1 (surely positive): the desk's sentiment "
            "model's P(positive) - P(negative); null until scored, and for outbound messages.",
        }
    )
    def get_sentiment(self, message: SocialMessage) -> float | None:
        try:
            return message.sentiment.score
        except ObjectDoesNotExist:
            return None

    @extend_schema_field(
        {
            "type": "string",
            "nullable": True,
            "enum": ["negative", "neutral", "positive", None],
            "description": "The sentiment model's class of the message; null until scored, and for outbound messages.",
        }
    )
    def get_sentiment_label(self, message: SocialMessage) -> str | None:
        try:
            return message.sentiment.label
        except ObjectDoesNotExist:
            return None
