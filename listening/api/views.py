"""`/api/v1/listening/`: what the desk heard without being addressed, newest first, with the
Listening page's filters; agents and managers (customers 403). Read-only: posts arrive by
listening, and become incidents through the page (or `listening.services`)."""

import re

import django_filters
from django.db.models import Q, QuerySet
from django.utils.choices import CallableChoiceIterator
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.filtering import FilterBackend
from servicedesk.api.views import ServiceDeskAPIView
from social import platforms
from social.judgement import INTENT_CHOICES
from tickets.api.filters import TimeFilter, TrueOrFalseFilter
from tickets.api.permissions import IsAgent

from ..models import SENTIMENT_LABELS, HeardMessage
from ..selectors import heard_messages

ASCII_ID = re.compile(r"[0-9]{1,19}")  # str.isdigit() takes "²", which int() refuses


class HeardAuthorSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The platform's id of the author.")
    handle = serializers.CharField(help_text='"@handle" on X; empty on Facebook.')
    name = serializers.CharField(help_text="The author's display name.")


class HeardMessageSerializer(serializers.ModelSerializer):
    channel = serializers.ChoiceField(choices=CallableChoiceIterator(platforms.channel_choices))
    author = serializers.SerializerMethodField()
    service = serializers.SerializerMethodField()
    query = serializers.SerializerMethodField()
    sentiment = serializers.FloatField(
        source="sentiment_score",
        allow_null=True,
        help_text="-1 (surely negative) to 1 (surely positive): the desk's sentiment model's "
        "P(positive) - P(negative).",
    )
    sentiment_label = serializers.ChoiceField(choices=SENTIMENT_LABELS, allow_blank=True)
    intent = serializers.ChoiceField(
        choices=INTENT_CHOICES,
        allow_blank=True,
        help_text="What the post is: a complaint or a question (what agents answer), or praise, thanks or "
        "chatter. Empty on posts heard before intents were judged.",
    )
    incident = serializers.SerializerMethodField()

    class Meta:
        model = HeardMessage
        fields = [
            "id",
            "channel",
            "external_id",
            "kind",
            "author",
            "text",
            "url",
            "posted_at",
            "heard_at",
            "service",
            "query",
            "sentiment",
            "sentiment_label",
            "intent",
            "incident",
        ]
        extra_kwargs = {
            "external_id": {"help_text": "The platform's id of the post."},
            "url": {"help_text": "The post on its platform."},
            "posted_at": {"help_text": "When it was posted."},
            "heard_at": {"help_text": "When the desk heard it."},
        }

    @extend_schema_field(HeardAuthorSerializer)
    def get_author(self, message: HeardMessage) -> dict:
        return {"id": message.author_id, "handle": message.author_handle, "name": message.author_name}

    @extend_schema_field({"type": "integer", "nullable": True, "description": "The service's id, or null."})
    def get_service(self, message: HeardMessage) -> int | None:
        return message.service_id

    @extend_schema_field(
        {"type": "string", "nullable": True, "description": "The listening query that heard it, or null."}
    )
    def get_query(self, message: HeardMessage) -> str | None:
        return message.query.name if message.query else None

    @extend_schema_field(
        {
            "type": "string",
            "nullable": True,
            "description": "The incident it became (made by an agent, or opened by intake when the post also "
            "addressed the desk), or null.",
        }
    )
    def get_incident(self, message: HeardMessage) -> str | None:
        if message.incident is not None:
            return message.incident.number
        return message.intake_incident_number


class HeardMessageFilter(django_filters.FilterSet):
    """Ids that are not ids match nothing (never a database error)."""

    service = django_filters.CharFilter(method="by_id", field_name="service_id", help_text="Service id.")
    query = django_filters.CharFilter(method="by_id", field_name="query_id", help_text="Listening query id.")
    channel = django_filters.MultipleChoiceFilter(
        choices=CallableChoiceIterator(platforms.channel_choices), distinct=False, help_text="Repeat for several."
    )
    sentiment = django_filters.ChoiceFilter(field_name="sentiment_label", choices=SENTIMENT_LABELS)
    intent = django_filters.ChoiceFilter(choices=INTENT_CHOICES)
    q = django_filters.CharFilter(method="search", help_text="Words in the text or the author's handle or name.")
    since = TimeFilter(field_name="posted_at", lookup_expr="gte")
    until = TimeFilter(field_name="posted_at", lookup_expr="lt")
    incident = TrueOrFalseFilter(
        method="made_incident", help_text="true: made an incident by an agent; false: not (yet)."
    )

    class Meta:
        model = HeardMessage
        fields = []

    def by_id(self, queryset: QuerySet[HeardMessage], name: str, value: str) -> QuerySet[HeardMessage]:
        if not ASCII_ID.fullmatch(value) or not 0 < int(value) < 2**63:
            return queryset.none()
        return queryset.filter(**{name: int(value)})

    def search(self, queryset: QuerySet[HeardMessage], name: str, value: str) -> QuerySet[HeardMessage]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(text__icontains=value) | Q(author_handle__icontains=value) | Q(author_name__icontains=value)
        )

    def made_incident(self, queryset: QuerySet[HeardMessage], name: str, value: bool) -> QuerySet[HeardMessage]:
        return queryset.filter(incident__isnull=not value)


class HeardMessageListView(ServiceDeskAPIView):
    """Heard posts."""

    permission_classes = [IsAgent]
    queryset = HeardMessage.objects.none()  # for the schema; requests read through heard_messages
    filterset_class = HeardMessageFilter
    filter_backends = [FilterBackend]
    orderings = {"posted_at": ("posted_at",)}
    default_ordering = "-posted_at"

    @extend_schema(
        summary="List heard posts (listening)",
        description="What the desk heard on social platforms without being addressed, under the listening "
        "queries managers define: newest first, with sentiment, service and the incident it became. Agents and "
        "managers.",
        responses=HeardMessageSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return self.paginated(heard_messages(), HeardMessageSerializer)
