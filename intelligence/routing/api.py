"""`POST /api/v1/triage/suggest/`: what a text is about and what the desk already knows of it."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.views import ServiceDeskAPIView
from tickets.access import is_agent
from tickets.api.permissions import HasRole
from tickets.models import Incident

from ..intent import CHOICES as INTENT_CHOICES
from .triage import triage_text


class SuggestRequestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, help_text="What the person wrote: its first line is read as a title.")
    limit = serializers.IntegerField(min_value=1, max_value=20, default=5)


class SuggestedServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="service.pk")
    name = serializers.CharField(source="service.name")
    confidence = serializers.FloatField(help_text="0–1: how sure the suggestion is.")
    source = serializers.ChoiceField(
        choices=["model", "keywords"], help_text="Learned from resolved incidents, or the service's keywords."
    )


class SimilarOpenSerializer(serializers.Serializer):
    number = serializers.CharField(source="incident.number")
    title = serializers.CharField(source="incident.title")
    status = serializers.CharField(source="incident.status")
    score = serializers.FloatField()


class KnownErrorSerializer(serializers.Serializer):
    number = serializers.CharField(source="problem.number")
    title = serializers.CharField(source="problem.title")
    workaround = serializers.CharField(source="problem.workaround")
    score = serializers.FloatField()


class SuggestResponseSerializer(serializers.Serializer):
    service = serializers.SerializerMethodField()
    intent = serializers.ChoiceField(choices=INTENT_CHOICES, source="judgement.intent")
    intent_reason = serializers.CharField(source="judgement.reason")
    looks_like_incident = serializers.BooleanField(
        help_text="False for praise, thanks and chatter: on social channels those open no incident."
    )
    similar_incidents = SimilarOpenSerializer(many=True, source="similar_open")
    known_errors = KnownErrorSerializer(many=True)

    @extend_schema_field(SuggestedServiceSerializer(allow_null=True))
    def get_service(self, triage) -> dict | None:
        return SuggestedServiceSerializer(triage).data if triage.service is not None else None


class TriageSuggestView(ServiceDeskAPIView):
    """The suggested service, the intent, the most similar open incidents and the matching known
    errors of a text. Agents and managers get all of it; a customer (the portal, as they type)
    gets the service and the intent, never other people's incidents or internal workarounds."""

    permission_classes = [HasRole]
    queryset = Incident.objects.none()
    pagination_class = None

    @extend_schema(
        summary="Triage a text",
        description="What a text (an incident being written, a message) is about: the suggested service with "
        "its confidence, its intent (and so whether it looks like an incident), the most similar open incidents "
        "and the known errors it matches. Customers get `similar_incidents` and `known_errors` empty: the portal "
        "shows public known errors from the status page instead.",
        request=SuggestRequestSerializer,
        responses=SuggestResponseSerializer,
        examples=[OpenApiExample("A complaint", value={"text": "The VPN drops every hour"}, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        query = SuggestRequestSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        triage = triage_text(**query.validated_data, look_up_similar=is_agent(request.user))
        return Response(SuggestResponseSerializer(triage).data)
