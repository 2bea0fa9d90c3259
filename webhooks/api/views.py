"""/api/v1/webhooks/: webhook subscriptions and their deliveries, for managers. Each view
parses the request, calls one selector or service, and serializes."""

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.views import ServiceDeskAPIView, etag_for, require_if_match

from .. import selectors as webhook_selectors
from .. import services as webhook_services
from ..models import WebhookDelivery, WebhookSubscription
from . import serializers as s
from .permissions import ManagesWebhooks

WEBHOOK_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Webhook subscription id.")


class WebhookListView(ServiceDeskAPIView):
    """Webhook subscriptions (managers)."""

    permission_classes = [ManagesWebhooks]
    queryset = WebhookSubscription.objects.none()
    orderings = {"created_at": ("created_at",)}
    default_ordering = "-created_at"

    @extend_schema(summary="List webhook subscriptions", responses=s.WebhookSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(webhook_selectors.webhook_subscription_list(), s.WebhookSerializer)

    @extend_schema(
        summary="Subscribe a URL to events",
        description="Each event is POSTed as JSON with `X-ServiceDesk-Signature: sha256=<hex HMAC-SHA256(secret, "
        "body)>`. The secret is in this response only.",
        request=s.WebhookCreateSerializer,
        responses={201: s.WebhookCreatedSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = s.WebhookCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subscription = webhook_services.webhook_subscription_create(actor=request.user, **serializer.validated_data)
        return Response(
            s.WebhookCreatedSerializer(subscription).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag_for(s.WebhookSerializer(subscription).data)},
        )


@extend_schema(parameters=[WEBHOOK_ID])
class WebhookDetailView(ServiceDeskAPIView):
    """One webhook subscription."""

    permission_classes = [ManagesWebhooks]
    queryset = WebhookSubscription.objects.none()
    etag_precondition = True

    @extend_schema(summary="Get a webhook subscription", responses=s.WebhookSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.WebhookSerializer(webhook_selectors.webhook_subscription_get(pk=pk)).data)

    @extend_schema(
        summary="Change a webhook subscription",
        description="Setting `active` back to true clears its run of failures.",
        request=s.WebhookUpdateSerializer,
        responses=s.WebhookSerializer,
    )
    def patch(self, request: Request, pk: int) -> Response:
        webhook_selectors.webhook_subscription_get(pk=pk)
        serializer = s.WebhookUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            subscription = webhook_selectors.webhook_subscription_get(pk=pk, for_update=True)
            require_if_match(request, etag_for(s.WebhookSerializer(subscription).data))
            subscription = webhook_services.webhook_subscription_update(
                subscription=subscription, **serializer.validated_data
            )
        shown = s.WebhookSerializer(subscription).data
        return Response(shown, headers={"ETag": etag_for(shown)})

    @extend_schema(summary="Unsubscribe", responses={204: OpenApiResponse(description="Deleted.")})
    def delete(self, request: Request, pk: int) -> Response:
        webhook_services.webhook_subscription_delete(subscription=webhook_selectors.webhook_subscription_get(pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[WEBHOOK_ID])
class WebhookDeliveriesView(ServiceDeskAPIView):
    """The deliveries of one webhook subscription."""

    permission_classes = [ManagesWebhooks]
    queryset = WebhookDelivery.objects.none()
    orderings = {"created_at": ("created_at",)}
    default_ordering = "-created_at"

    @extend_schema(
        summary="A subscription's deliveries",
        description="Newest first, with the last status code each got; the admin shows every attempt.",
        responses=s.WebhookDeliverySerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        subscription = webhook_selectors.webhook_subscription_get(pk=pk)
        return self.paginated(
            webhook_selectors.webhook_delivery_list(subscription=subscription), s.WebhookDeliverySerializer
        )
