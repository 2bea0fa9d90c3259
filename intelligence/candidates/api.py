"""`/api/v1/problem-candidates/`: the proposed groups, and accepting or dismissing one."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.views import ServiceDeskAPIView
from tickets.api.permissions import IsAgent

from . import selectors, services
from .models import ProblemCandidate


class CandidateMemberSerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    service = serializers.CharField(source="service.name", default=None, allow_null=True)
    created_at = serializers.DateTimeField()


class ProblemCandidateSerializer(serializers.ModelSerializer):
    members = CandidateMemberSerializer(many=True)

    class Meta:
        model = ProblemCandidate
        fields = ["id", "suggested_title", "members", "services", "top_terms", "cohesion", "state", "created_at"]


class CandidateAcceptSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CandidateAcceptedSerializer(serializers.Serializer):
    problem = serializers.CharField(source="number")


def _service_errors(error: DjangoValidationError) -> ValidationError:
    return ValidationError({"candidate": error.messages})


class ProblemCandidateListView(ServiceDeskAPIView):
    """Groups of similar recent incidents that no problem holds yet (proposed ones)."""

    permission_classes = [IsAgent]
    queryset = ProblemCandidate.objects.none()
    orderings = {"created_at": ("created_at",)}
    default_ordering = "-created_at"

    @extend_schema(summary="List problem candidates", responses=ProblemCandidateSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(selectors.candidate_list(), ProblemCandidateSerializer)


class ProblemCandidateAcceptView(ServiceDeskAPIView):
    permission_classes = [IsAgent]
    queryset = ProblemCandidate.objects.none()

    @extend_schema(
        summary="Accept a problem candidate",
        description="Makes a problem (titled `title`, or as suggested) with the candidate's incidents linked.",
        request=CandidateAcceptSerializer,
        responses={201: CandidateAcceptedSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        body = CandidateAcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        candidate = get_object_or_404(ProblemCandidate, pk=pk)
        try:
            problem = services.candidate_accept(candidate=candidate, actor=request.user, **body.validated_data)
        except DjangoValidationError as error:
            raise _service_errors(error) from None
        return Response(CandidateAcceptedSerializer(problem).data, status=status.HTTP_201_CREATED)


class ProblemCandidateDismissView(ServiceDeskAPIView):
    permission_classes = [IsAgent]
    queryset = ProblemCandidate.objects.none()

    @extend_schema(
        summary="Dismiss a problem candidate",
        description="Remembered: the same incidents are not proposed together again.",
        request=None,
        responses={204: None},
    )
    def post(self, request: Request, pk: int) -> Response:
        candidate = get_object_or_404(ProblemCandidate, pk=pk)
        try:
            services.candidate_dismiss(candidate=candidate, actor=request.user)
        except DjangoValidationError as error:
            raise _service_errors(error) from None
        return Response(status=status.HTTP_204_NO_CONTENT)
