"""The broadcast endpoints: drafts created, moved through the policy, listed with their
approvals and posts. The policy is the services' (`broadcasts.policy`): a person it does
not allow gets 403 naming the rule; words that break it get 400 naming each rule broken."""

from functools import wraps

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.errors import ErrorSerializer
from servicedesk.api.views import ServiceDeskAPIView
from tickets.access import is_agent

from .. import policy, selectors, services
from ..models import Broadcast
from . import serializers as s

BROADCAST_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Broadcast id.")
# The policy's refusals are the API's usual errors: a 403 (who) or a 400 (the words), whose
# `code` names the rule: policy_drafter, policy_approver, policy_four_eyes, policy_banned_phrase,
# policy_required_hashtag, policy_max_length.
REFUSALS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


def policy_errors(view_method):
    """The policy's refusals in the API's error format."""

    @wraps(view_method)
    def wrapped(self, request, *args, **kwargs):
        try:
            return view_method(self, request, *args, **kwargs)
        except policy.NotAllowed as refusal:
            return Response(
                {"message": refusal.message, "code": f"policy_{refusal.rule}", "errors": {}},
                status=status.HTTP_403_FORBIDDEN,
            )
        except policy.TextBreaksPolicy as refusal:
            return Response(
                {"message": refusal.message, "code": f"policy_{refusal.rule}", "errors": {"text": [refusal.message]}},
                status=status.HTTP_400_BAD_REQUEST,
            )

    return wrapped


class ReadsAsAgentWritesByPolicy(BasePermission):
    """Reading is for agents and managers; writing is the policy's to allow (a customer
    gets the policy's reason)."""

    message = "Only service desk agents and managers may read broadcasts."

    def has_permission(self, request, view) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return is_agent(request.user)
        return request.user.is_authenticated


def _shown(broadcast_id: int, serializer=s.BroadcastDetailSerializer) -> dict:
    broadcast = selectors.broadcast_detail(pk=broadcast_id)
    return serializer(broadcast).data


def _get(pk: int) -> Broadcast:
    broadcast = Broadcast.objects.filter(pk=pk).first()
    if broadcast is None:
        raise Http404("No such broadcast.")
    return broadcast


class BroadcastListView(ServiceDeskAPIView):
    """Broadcasts: outages, maintenance, resolutions and news the desk publishes."""

    permission_classes = [ReadsAsAgentWritesByPolicy]
    queryset = Broadcast.objects.none()
    orderings = {"created_at": ("created_at",)}
    default_ordering = "-created_at"

    @extend_schema(
        summary="List broadcasts",
        description="Newest first, with their state, approvals and posts (platform ids and links).",
        responses=s.BroadcastSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return self.paginated(selectors.broadcast_list(), s.BroadcastSerializer)

    @extend_schema(
        summary="Draft a broadcast",
        description="Creates a draft; the policy decides who may draft for each channel (403 with the rule).",
        request=s.BroadcastCreateSerializer,
        responses={201: s.BroadcastDetailSerializer, **REFUSALS},
    )
    @policy_errors
    def post(self, request: Request) -> Response:
        serializer = s.BroadcastCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        broadcast = services.broadcast_create(by=request.user, **serializer.validated_data)
        return Response(_shown(broadcast.pk), status=status.HTTP_201_CREATED)


@extend_schema(parameters=[BROADCAST_ID])
class BroadcastDetailView(ServiceDeskAPIView):
    """One broadcast with its whole record."""

    permission_classes = [ReadsAsAgentWritesByPolicy]
    queryset = Broadcast.objects.none()

    @extend_schema(summary="Get a broadcast", responses={200: s.BroadcastDetailSerializer, 404: ErrorSerializer})
    def get(self, request: Request, pk: int) -> Response:
        broadcast = selectors.broadcast_detail(pk=pk)
        if broadcast is None:
            raise Http404("No such broadcast.")
        return Response(s.BroadcastDetailSerializer(broadcast).data)


class _Move(ServiceDeskAPIView):
    permission_classes = [ReadsAsAgentWritesByPolicy]
    queryset = Broadcast.objects.none()
    input_serializer = s.DecisionSerializer

    def move(self, broadcast: Broadcast, user, data: dict) -> None:
        raise NotImplementedError

    @policy_errors
    def post(self, request: Request, pk: int) -> Response:
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.move(_get(pk), request.user, serializer.validated_data)
        return Response(_shown(pk))


@extend_schema(parameters=[BROADCAST_ID])
class BroadcastSubmitView(_Move):
    @extend_schema(
        summary="Submit a broadcast for approval",
        description="Refused (400, naming each rule) when the words break the policy.",
        request=None,
        responses={200: s.BroadcastDetailSerializer, **REFUSALS},
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def move(self, broadcast, user, data) -> None:
        services.broadcast_submit(broadcast=broadcast, by=user)


@extend_schema(parameters=[BROADCAST_ID])
class BroadcastApproveView(_Move):
    @extend_schema(
        summary="Approve a broadcast",
        description="One approval; once the policy's approvals are in, it is published now or at its time.",
        request=s.DecisionSerializer,
        responses={200: s.BroadcastDetailSerializer, **REFUSALS},
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def move(self, broadcast, user, data) -> None:
        services.broadcast_approve(broadcast=broadcast, by=user, note=data.get("note", ""))


@extend_schema(parameters=[BROADCAST_ID])
class BroadcastRejectView(_Move):
    input_serializer = s.RejectSerializer

    @extend_schema(
        summary="Reject a broadcast",
        description="Back to its author with the reason.",
        request=s.RejectSerializer,
        responses={200: s.BroadcastDetailSerializer, **REFUSALS},
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def move(self, broadcast, user, data) -> None:
        services.broadcast_reject(broadcast=broadcast, by=user, reason=data["reason"])
