"""`GET /api/v1/incidents/{number}/similar/`: the incidents most like one, best first."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.views import ServiceDeskAPIView
from servicedesk.shortcuts import get_or_404
from tickets.api.permissions import IsAgent
from tickets.models import Incident
from tickets.selectors import incident_get

from .selectors import Scope, incident_similar


class SimilarQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=50, default=10)
    scope = serializers.ChoiceField(choices=Scope.CHOICES, default=Scope.RECENT)


class SimilarIncidentSerializer(serializers.Serializer):
    number = serializers.CharField(source="incident.number")
    score = serializers.FloatField(help_text="Higher is more alike: text cosine × a boost for close in time (0–1.5).")


class IncidentSimilarView(ServiceDeskAPIView):
    """The incidents most like this one, best first."""

    permission_classes = [IsAgent]
    queryset = Incident.objects.none()
    pagination_class = None

    @extend_schema(
        summary="Similar incidents",
        description="The incidents most like this one, best first: by default open ones and those resolved in "
        "the last SIMILAR_RESOLVED_DAYS days (`scope=all`: any). Merged duplicates are left out.",
        parameters=[
            OpenApiParameter("number", str, OpenApiParameter.PATH, examples=[OpenApiExample("x", value="INC0000001")]),
            SimilarQuerySerializer,
        ],
        responses=SimilarIncidentSerializer(many=True),
    )
    def get(self, request: Request, number: str) -> Response:
        query = SimilarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        incident = get_or_404(incident_get, user=request.user, number=number)
        found = incident_similar(incident=incident, **query.validated_data)
        return Response(SimilarIncidentSerializer(found, many=True).data)
