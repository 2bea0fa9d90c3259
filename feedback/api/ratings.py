"""`/api/v1/satisfaction/`: the ratings people gave in satisfaction surveys (feedback.surveys),
newest first, with filters; managers see every rating, agents those of their incidents."""

import re

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.filtering import FilterBackend
from servicedesk.api.views import ServiceDeskAPIView
from tickets.api.filters import TimeFilter
from tickets.api.permissions import IsAgent

from ..dashboards.access import figures_agent_scope
from ..surveys.models import Survey

ASCII_ID = re.compile(r"[0-9]{1,19}")  # str.isdigit() takes "²", which int() refuses


class RatingSerializer(serializers.ModelSerializer):
    incident = serializers.CharField(source="incident.number", help_text="Incident number.")
    score = serializers.IntegerField(source="rating", help_text="1 (bad) … 5 (great); 4 and 5 count as good.")
    channel = serializers.CharField(source="medium", help_text="Where the survey was asked and answered.")
    created_at = serializers.DateTimeField(source="answered_at", help_text="When the rating was given.")

    class Meta:
        model = Survey
        fields = ["id", "incident", "score", "channel", "comment", "created_at"]


class RatingFilter(django_filters.FilterSet):
    """Ids that are not ids match nothing (never a database error)."""

    service = django_filters.CharFilter(method="by_id", field_name="incident__service_id", help_text="Service id.")
    channel = django_filters.CharFilter(field_name="medium", help_text="x, facebook, messenger, portal, email…")
    agent = django_filters.CharFilter(
        method="by_id", field_name="incident__assignee_id", help_text="The incident's assignee (user id)."
    )
    since = TimeFilter(field_name="answered_at", lookup_expr="gte")
    until = TimeFilter(field_name="answered_at", lookup_expr="lt")
    score = django_filters.ChoiceFilter(field_name="rating", choices=[(n, str(n)) for n in range(1, 6)])

    class Meta:
        model = Survey
        fields = []

    def by_id(self, queryset: QuerySet[Survey], name: str, value: str) -> QuerySet[Survey]:
        if not ASCII_ID.fullmatch(value) or not 0 < int(value) < 2**63:
            return queryset.none()
        return queryset.filter(**{name: int(value)})


def ratings_for(user) -> QuerySet[Survey]:
    """Answered surveys `user` may see, with their incident (one query per page)."""
    ratings = (
        Survey.objects.filter(rating__isnull=False)
        .select_related("incident")
        .only("id", "rating", "medium", "comment", "answered_at", "incident__number")
    )
    agent = figures_agent_scope(user)
    return ratings if agent is None else ratings.filter(incident__assignee_id=agent)


class RatingListView(ServiceDeskAPIView):
    """Satisfaction ratings."""

    permission_classes = [IsAgent]
    queryset = Survey.objects.none()  # for the schema; requests read through ratings_for
    filterset_class = RatingFilter
    filter_backends = [FilterBackend]
    orderings = {"created_at": ("answered_at",)}
    default_ordering = "-created_at"

    @extend_schema(
        summary="List satisfaction ratings",
        description="Newest first. Managers see every rating; agents the ratings of incidents assigned to them.",
        responses=RatingSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return self.paginated(ratings_for(request.user), RatingSerializer)
