"""The REST API's endpoints. Each parses the request, calls one selector or service, and
serializes; the rules live in the services, who-sees-what in `tickets.access`."""

from django.db import transaction
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.exceptions import PreconditionFailed
from servicedesk.api.filtering import FilterBackend
from servicedesk.api.views import ServiceDeskAPIView, etag_for, if_match_versions, require_if_match
from servicedesk.shortcuts import get_or_404

from .. import selectors, services
from ..access import is_agent
from ..models import Attachment, Channel, Comment, Contact, Event, Incident, Problem, Service
from ..views.attachments import attachment_file_response
from . import serializers as s
from .filters import CommentFilter, ContactFilter, IncidentFilter, ProblemFilter
from .permissions import HasRole, IsAgent, refuse_fields

INCIDENT_NUMBER = OpenApiParameter(
    "number",
    str,
    OpenApiParameter.PATH,
    description="Incident number.",
    examples=[OpenApiExample("An incident", value="INC0000001")],
)
PROBLEM_NUMBER = OpenApiParameter(
    "number",
    str,
    OpenApiParameter.PATH,
    description="Problem number.",
    examples=[OpenApiExample("A problem", value="PRB0000001")],
)


def _with_etag(data, *, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(data, status=status_code, headers={"ETag": etag_for(data)})


# --- incidents ------------------------------------------------------------------------------


class ShowsIncidents:
    def shown(self, incident: Incident) -> dict:
        """The incident as the requesting user may see it."""
        return s.IncidentSerializer(incident, context=self.get_serializer_context()).data


INCIDENT_ORDERINGS = {
    "created_at": ("created_at",),
    "updated_at": ("updated_at",),
    "priority": ("priority", "-created_at"),
    "number": ("number",),
}


class IncidentListView(ShowsIncidents, ServiceDeskAPIView):
    """Incidents: the list a role may see, and raising new ones."""

    permission_classes = [HasRole]
    queryset = Incident.objects.none()  # for the schema; requests read through selectors
    filterset_class = IncidentFilter
    filter_backends = [FilterBackend]  # `search` is one of IncidentFilter's filters
    orderings = INCIDENT_ORDERINGS
    default_ordering = "-created_at"

    @extend_schema(
        summary="List incidents",
        description="Agents and managers see every incident, customers those they reported. "
        "`search` finds an incident by its number, or by words of its title, description and comments "
        "(the console's search).",
        responses=s.IncidentSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return self.paginated(selectors.incident_list_full(user=request.user), s.IncidentSerializer)

    @extend_schema(
        summary="Raise an incident",
        request=s.IncidentCreateSerializer,
        responses={201: s.IncidentSerializer},
    )
    def post(self, request: Request) -> Response:
        user = request.user
        if not is_agent(user):
            refuse_fields(
                request.data,
                known=s.IncidentCreateSerializer().fields,
                allowed=s.CUSTOMER_CREATE_FIELDS,
                who="Customers",
            )
        serializer = s.IncidentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incident = services.incident_raise(actor=user, channel=Channel.API, **serializer.validated_data)
        incident = get_or_404(selectors.incident_get_full, user=user, number=incident.number)
        return _with_etag(self.shown(incident), status_code=status.HTTP_201_CREATED)


@extend_schema(parameters=[INCIDENT_NUMBER])
class IncidentDetailView(ShowsIncidents, ServiceDeskAPIView):
    """One incident, by its number."""

    permission_classes = [HasRole]
    queryset = Incident.objects.none()
    lookup_field = "number"
    etag_precondition = True

    @extend_schema(summary="Get an incident", responses=s.IncidentSerializer)
    def get(self, request: Request, number: str) -> Response:
        return Response(self.shown(get_or_404(selectors.incident_get_full, user=request.user, number=number)))

    @extend_schema(
        summary="Change an incident",
        description="Fields, assignment, problem link and status in one request, all or nothing. A status "
        "change follows the lifecycle (an illegal one is a 400 saying why), with its SLA and audit effects.",
        request=s.IncidentUpdateSerializer,
        responses=s.IncidentSerializer,
    )
    def patch(self, request: Request, number: str) -> Response:
        user = request.user
        incident = get_or_404(selectors.incident_get_own_row, user=user, number=number)  # 404 before anything else
        if not is_agent(user):
            refuse_fields(
                request.data,
                known=s.IncidentUpdateSerializer().fields,
                allowed=s.CUSTOMER_UPDATE_FIELDS,
                who="Customers",
            )
        serializer = s.IncidentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        services.check_incident_change(actor=user, changes=changes)  # refused before the lock is taken
        try:
            services.incident_change(
                incident=incident, actor=user, expected_version=if_match_versions(request), **changes
            )
        except services.IncidentChanged:
            raise PreconditionFailed() from None
        return _with_etag(self.shown(get_or_404(selectors.incident_get_full, user=user, number=number)))


@extend_schema(parameters=[INCIDENT_NUMBER])
class IncidentNotIncidentView(ShowsIncidents, ServiceDeskAPIView):
    """Close an incident as not an incident."""

    permission_classes = [IsAgent]
    queryset = Incident.objects.none()
    lookup_field = "number"

    @extend_schema(
        summary="Close an incident as not an incident",
        description="A thanks, spam or chatter that became an incident: it is cancelled with the kind and the "
        "reason, its SLA clocks stop, its messages stay, and reports count it apart from resolved work. "
        "Only an open incident; agents only.",
        request=s.NotIncidentSerializer,
        responses=s.IncidentSerializer,
    )
    def post(self, request: Request, number: str) -> Response:
        incident = get_or_404(selectors.incident_get_own_row, user=request.user, number=number)
        serializer = s.NotIncidentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.incident_close_not_incident(incident=incident, actor=request.user, **serializer.validated_data)
        return _with_etag(self.shown(get_or_404(selectors.incident_get_full, user=request.user, number=number)))


@extend_schema(parameters=[INCIDENT_NUMBER])
class IncidentCommentsView(ServiceDeskAPIView):
    """An incident's public replies and internal notes."""

    permission_classes = [HasRole]
    queryset = Comment.objects.none()
    filterset_class = CommentFilter
    orderings = {"created_at": ("created_at",)}
    default_ordering = "created_at"

    @extend_schema(
        summary="List an incident's comments",
        description="Customers see public replies only.",
        responses=s.CommentSerializer(many=True),
    )
    def get(self, request: Request, number: str) -> Response:
        incident = get_or_404(selectors.incident_get_own_row, user=request.user, number=number)
        return self.paginated(selectors.incident_comments(incident=incident, user=request.user), s.CommentSerializer)

    @extend_schema(
        summary="Comment on an incident",
        description="Agents write public replies or internal notes; customers write public replies to their "
        "own incidents while they are open.",
        request=s.CommentCreateSerializer,
        responses={201: s.CommentSerializer},
    )
    def post(self, request: Request, number: str) -> Response:
        user = request.user
        incident = get_or_404(selectors.incident_get_own_row, user=user, number=number)
        serializer = s.CommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.incident_reply(incident=incident, author=user, **serializer.validated_data)
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[INCIDENT_NUMBER])
class IncidentAttachmentsView(ServiceDeskAPIView):
    """An incident's files and platforms' media."""

    permission_classes = [HasRole]
    queryset = Attachment.objects.none()
    parser_classes = [MultiPartParser]
    orderings = {"created_at": ("created_at",)}
    default_ordering = "created_at"

    @extend_schema(
        summary="List an incident's attachments",
        description="Customers see the public ones only. `url` is the file's content (or the platform's copy).",
        responses=s.AttachmentSerializer(many=True),
    )
    def get(self, request: Request, number: str) -> Response:
        incident = get_or_404(selectors.incident_get_own_row, user=request.user, number=number)
        return self.paginated(
            selectors.incident_attachments(incident=incident, user=request.user), s.AttachmentSerializer
        )

    @extend_schema(
        summary="Attach a file to an incident",
        description="multipart/form-data with `file` (and `visibility`, agents only for internal). The file's "
        "kind is read from its content and must be one the desk takes, under a name that agrees with it, "
        "no larger than the desk's limit (400 otherwise, saying why). Customers attach to their own "
        "incidents while they are open.",
        request={"multipart/form-data": s.AttachmentCreateSerializer},
        responses={201: s.AttachmentSerializer},
    )
    def post(self, request: Request, number: str) -> Response:
        incident = get_or_404(selectors.incident_get_own_row, user=request.user, number=number)
        serializer = s.AttachmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.attachment_create(incident=incident, actor=request.user, **serializer.validated_data)
        data = s.AttachmentSerializer(attachment, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


class AttachmentContentView(ServiceDeskAPIView):
    """An attachment's content, to those who may see it (as the pages serve it)."""

    permission_classes = [HasRole]
    queryset = Attachment.objects.none()

    def perform_content_negotiation(self, request: Request, force: bool = False):
        # A client asking for the file's own type (Accept: image/png) gets it; the API's JSON
        # renderer is only for the errors.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="Download an attachment",
        description="The file, with the content type found in it; anything but an image as a download. A "
        "platform's copy answers 302 to the platform.",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The file."),
            (302, "application/json"): OpenApiResponse(description="A platform's copy: its address in Location."),
        },
    )
    def get(self, request: Request, pk: int):
        return attachment_file_response(get_or_404(selectors.attachment_get, user=request.user, pk=pk))


@extend_schema(parameters=[INCIDENT_NUMBER])
class IncidentEventsView(ServiceDeskAPIView):
    """An incident's audit trail."""

    permission_classes = [HasRole]
    queryset = Event.objects.none()
    orderings = {"created_at": ("created_at",)}
    default_ordering = "created_at"

    @extend_schema(
        summary="An incident's audit trail",
        description="Read-only and never rewritten. Customers see the status changes.",
        responses=s.EventSerializer(many=True),
    )
    def get(self, request: Request, number: str) -> Response:
        incident = get_or_404(selectors.incident_get_own_row, user=request.user, number=number)
        return self.paginated(selectors.incident_events(incident=incident, user=request.user), s.EventSerializer)


# --- problems ------------------------------------------------------------------------------


class ProblemListView(ServiceDeskAPIView):
    """Problems: the causes behind recurring incidents (agents and managers)."""

    permission_classes = [IsAgent]
    queryset = Problem.objects.none()
    filterset_class = ProblemFilter
    search_fields = ["=number", "title"]
    orderings = {"created_at": ("created_at",), "updated_at": ("updated_at",), "number": ("number",)}
    default_ordering = "-created_at"

    @extend_schema(summary="List problems", responses=s.ProblemSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(selectors.problem_list_full(user=request.user), s.ProblemSerializer)

    @extend_schema(summary="Open a problem", request=s.ProblemCreateSerializer, responses={201: s.ProblemSerializer})
    def post(self, request: Request) -> Response:
        serializer = s.ProblemCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        numbers = data.pop("incidents", [])
        incidents = selectors.incidents_by_number(user=request.user, numbers=numbers) if numbers else []
        problem = services.problem_create(actor=request.user, incidents=incidents, **data)
        problem = get_or_404(selectors.problem_get_full, user=request.user, number=problem.number)
        return _with_etag(s.ProblemSerializer(problem).data, status_code=status.HTTP_201_CREATED)


@extend_schema(parameters=[PROBLEM_NUMBER])
class ProblemDetailView(ServiceDeskAPIView):
    """One problem, by its number."""

    permission_classes = [IsAgent]
    queryset = Problem.objects.none()
    lookup_field = "number"
    etag_precondition = True

    @extend_schema(summary="Get a problem", responses=s.ProblemSerializer)
    def get(self, request: Request, number: str) -> Response:
        return Response(
            s.ProblemSerializer(get_or_404(selectors.problem_get_full, user=request.user, number=number)).data
        )

    @extend_schema(summary="Change a problem", request=s.ProblemUpdateSerializer, responses=s.ProblemSerializer)
    def patch(self, request: Request, number: str) -> Response:
        user = request.user
        get_or_404(selectors.problem_get_full, user=user, number=number)
        serializer = s.ProblemUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            problem = get_or_404(selectors.problem_get_full, user=user, number=number, for_update=True)
            require_if_match(request, etag_for(s.ProblemSerializer(problem).data))
            services.problem_change(problem=problem, actor=user, **serializer.validated_data)
        return _with_etag(s.ProblemSerializer(get_or_404(selectors.problem_get_full, user=user, number=number)).data)


@extend_schema(parameters=[PROBLEM_NUMBER])
class ProblemLinkView(ServiceDeskAPIView):
    """Link incidents to a problem."""

    permission_classes = [IsAgent]
    queryset = Problem.objects.none()
    lookup_field = "number"

    @extend_schema(
        summary="Link incidents to a problem",
        description="An incident belongs to at most one problem: unlink it from another first.",
        request=s.ProblemIncidentsSerializer,
        responses=s.ProblemSerializer,
    )
    def post(self, request: Request, number: str) -> Response:
        problem = get_or_404(selectors.problem_get_full, user=request.user, number=number)
        serializer = s.ProblemIncidentsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incidents = selectors.incidents_by_number(user=request.user, numbers=serializer.validated_data["incidents"])
        services.problem_link_incidents(problem=problem, incidents=incidents, actor=request.user)
        return _with_etag(
            s.ProblemSerializer(get_or_404(selectors.problem_get_full, user=request.user, number=number)).data
        )


@extend_schema(parameters=[PROBLEM_NUMBER])
class ProblemUnlinkView(ServiceDeskAPIView):
    """Unlink incidents from a problem."""

    permission_classes = [IsAgent]
    queryset = Problem.objects.none()
    lookup_field = "number"

    @extend_schema(
        summary="Unlink incidents from a problem",
        request=s.ProblemIncidentsSerializer,
        responses=s.ProblemSerializer,
    )
    def post(self, request: Request, number: str) -> Response:
        problem = get_or_404(selectors.problem_get_full, user=request.user, number=number)
        serializer = s.ProblemIncidentsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incidents = selectors.incidents_by_number(user=request.user, numbers=serializer.validated_data["incidents"])
        services.problem_unlink_incidents(problem=problem, incidents=incidents, actor=request.user)
        return _with_etag(
            s.ProblemSerializer(get_or_404(selectors.problem_get_full, user=request.user, number=number)).data
        )


# --- services, contacts, me ----------------------------------------------------------------


class ServiceListView(ServiceDeskAPIView):
    """The IT service catalogue."""

    permission_classes = [HasRole]
    queryset = Service.objects.none()
    search_fields = ["name"]
    orderings = {"name": ("name",)}
    default_ordering = "name"

    @extend_schema(
        summary="The service catalogue",
        description="Customers see the services they can choose; agents see retired ones too.",
        responses=s.ServiceSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return self.paginated(selectors.service_list(user=request.user), s.ServiceSerializer)


class ServiceDetailView(ServiceDeskAPIView):
    """One service of the catalogue."""

    permission_classes = [HasRole]
    queryset = Service.objects.none()

    @extend_schema(summary="Get a service", responses=s.ServiceSerializer)
    def get(self, request: Request, pk: int) -> Response:
        service = selectors.service_list(user=request.user).filter(pk=pk).first()
        if service is None:
            raise Http404("No such service.")
        return Response(s.ServiceSerializer(service).data)


class ContactListView(ServiceDeskAPIView):
    """Contacts: people who report incidents (agents and managers)."""

    permission_classes = [IsAgent]
    queryset = Contact.objects.none()
    filterset_class = ContactFilter
    search_fields = ["name", "email"]
    orderings = {"name": ("name",), "created_at": ("created_at",)}
    default_ordering = "name"

    @extend_schema(summary="List contacts", responses=s.ContactSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(selectors.contact_list_for_api(), s.ContactSerializer)

    @extend_schema(summary="Add a contact", request=s.ContactCreateSerializer, responses={201: s.ContactSerializer})
    def post(self, request: Request) -> Response:
        serializer = s.ContactCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact = services.contact_create(**serializer.validated_data)
        return _with_etag(s.ContactSerializer(contact).data, status_code=status.HTTP_201_CREATED)


class ContactDetailView(ServiceDeskAPIView):
    """One contact."""

    permission_classes = [IsAgent]
    queryset = Contact.objects.none()

    @extend_schema(summary="Get a contact", responses=s.ContactSerializer)
    def get(self, request: Request, pk: int) -> Response:
        contact = selectors.contact_list_for_api().filter(pk=pk).first()
        if contact is None:
            raise Http404("No such contact.")
        return Response(s.ContactSerializer(contact).data)


class MeView(ServiceDeskAPIView):
    """Any authenticated account, even one without a role (it learns it has none)."""

    @extend_schema(summary="Who the token belongs to", responses=s.MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(s.MeSerializer(request.user).data)
