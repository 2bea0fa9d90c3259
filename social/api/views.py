"""The social endpoints: messages in and out, for agents and managers."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.filtering import FilterBackend
from servicedesk.api.views import ServiceDeskAPIView
from tickets.api.permissions import IsAgent

from .. import selectors
from ..models import SocialMessage
from .filters import SocialMessageFilter
from .serializers import SocialMessageSerializer

MESSAGE_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Social message id.")


class SocialMessageListView(ServiceDeskAPIView):
    """Messages received on and sent to X and Facebook."""

    permission_classes = [IsAgent]
    queryset = SocialMessage.objects.none()  # for the schema; requests read through selectors
    filterset_class = SocialMessageFilter
    filter_backends = [FilterBackend]
    orderings = {"created_at": ("created_at",)}
    default_ordering = "-created_at"

    @extend_schema(
        summary="List social messages",
        description="Newest first: mentions, replies, direct messages, page posts, comments and Messenger "
        "messages received, and the desk's answers with their delivery state.",
        responses=SocialMessageSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return self.paginated(selectors.message_list_for_api(), SocialMessageSerializer)


@extend_schema(parameters=[MESSAGE_ID])
class SocialMessageDetailView(ServiceDeskAPIView):
    """One social message."""

    permission_classes = [IsAgent]
    queryset = SocialMessage.objects.none()

    @extend_schema(summary="Get a social message", responses=SocialMessageSerializer)
    def get(self, request: Request, pk: int) -> Response:
        message = selectors.message_list_for_api().filter(pk=pk).first()
        if message is None:
            raise Http404("No such message.")
        return Response(SocialMessageSerializer(message).data)
