"""What the API shows (output serializers) and what it accepts (input serializers).

Output and input differ: related objects are shown as small objects ({"id", "name"}) and
given as ids (a problem by its number). Input serializers only parse and check types; the
services decide what a change means.

Incidents, comments, events and problems are shown by `tickets.representations`, the plain
functions webhook payloads use too: their serializers here declare the fields (for the
schema, which the schemathesis tests hold the answers to) and hand the work to those.
"""

from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework import serializers

from servicedesk.api.serializers import StrictInputSerializer

from .. import representations
from ..access import is_agent, sees_internal_notes
from ..models import (
    Attachment,
    Category,
    Comment,
    Contact,
    Event,
    Impact,
    Incident,
    IncidentStatus,
    NotIncidentKind,
    Problem,
    ProblemStatus,
    Service,
    SupportGroup,
    Urgency,
    Visibility,
)

# --- small representations of related objects --------------------------------------------


class UserRefSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name"]

    def get_name(self, user: User) -> str:
        return user.get_full_name() or user.get_username()


class ContactRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name"]


class ServiceRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["id", "name"]


class CategoryRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name"]


class SupportGroupRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupportGroup
        fields = ["id", "name"]


class ProblemRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Problem
        fields = ["number", "title"]


class PersonSerializer(serializers.Serializer):
    """Who wrote or did something: a user (agent or portal customer), a contact met on a
    social channel, or neither (the desk itself)."""

    name = serializers.CharField()
    user = serializers.IntegerField(allow_null=True)
    contact = serializers.IntegerField(allow_null=True)


# --- incidents ------------------------------------------------------------------------------


class IncidentSerializer(serializers.ModelSerializer):
    """Customers (a `request` in the context says who asks) do not see the problem link."""

    service = ServiceRefSerializer(read_only=True, allow_null=True)
    category = CategoryRefSerializer(read_only=True, allow_null=True)
    reporter = ContactRefSerializer(read_only=True)
    assignee = UserRefSerializer(read_only=True, allow_null=True)
    assignment_group = SupportGroupRefSerializer(read_only=True, allow_null=True)
    problem = ProblemRefSerializer(
        read_only=True, allow_null=True, help_text="The problem it is linked to; null for customers."
    )
    not_incident = serializers.ChoiceField(
        choices=NotIncidentKind.choices,
        allow_blank=True,
        read_only=True,
        help_text='Why it was closed as not an incident; "" for an incident that is one.',
    )

    class Meta:
        model = Incident
        fields = list(representations.INCIDENT_FIELDS)
        read_only_fields = fields

    def to_representation(self, instance: Incident) -> dict:
        request = self.context.get("request")
        internal = request is None or sees_internal_notes(request.user)
        return representations.incident_representation(instance, internal=internal)


def _text(model, field: str, **kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=model._meta.get_field(field).max_length, **kwargs)


class NotIncidentSerializer(StrictInputSerializer):
    """Why an open incident is not one: a thanks, spam, chatter, or something else, in words."""

    kind = serializers.ChoiceField(choices=NotIncidentKind.choices)
    reason = _text(Incident, "not_incident_reason")


class IncidentCreateSerializer(StrictInputSerializer):
    """A new incident. Customers may give title, description, service and urgency only;
    they are its reporter. Agents may set the rest and name the reporter (a contact id);
    without one, the agent's own contact reports it."""

    title = _text(Incident, "title")
    description = _text(Incident, "description", required=False, allow_blank=True)
    impact = serializers.ChoiceField(choices=Impact.choices, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    service = serializers.PrimaryKeyRelatedField(queryset=Service.objects.filter(active=True), required=False)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(active=True), required=False)
    assignment_group = serializers.PrimaryKeyRelatedField(queryset=SupportGroup.objects.all(), required=False)
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False)
    reporter = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.filter(merged_into__isnull=True), required=False
    )
    major = serializers.BooleanField(required=False)


CUSTOMER_CREATE_FIELDS = frozenset({"title", "description", "service", "urgency"})


class IncidentUpdateSerializer(StrictInputSerializer):
    """Changes to an incident, all optional. `status` moves it along its lifecycle (with
    `hold_reason` for on_hold, `resolution` for resolved, `note` for anything else); `problem`
    links it (a problem number) or unlinks it (null). Customers may only reopen their
    resolved incident: `status: in_progress` with a `note` saying what is still wrong."""

    title = _text(Incident, "title", required=False)
    description = _text(Incident, "description", required=False, allow_blank=True)
    impact = serializers.ChoiceField(choices=Impact.choices, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.filter(active=True), required=False, allow_null=True
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(active=True), required=False, allow_null=True
    )
    major = serializers.BooleanField(required=False)
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    assignment_group = serializers.PrimaryKeyRelatedField(
        queryset=SupportGroup.objects.all(), required=False, allow_null=True
    )
    problem = serializers.SlugRelatedField(
        slug_field="number", queryset=Problem.objects.all(), required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=IncidentStatus.choices, required=False)
    hold_reason = _text(Incident, "hold_reason", required=False, allow_blank=True)
    resolution = _text(Incident, "resolution", required=False, allow_blank=True)
    note = serializers.CharField(max_length=10000, required=False, allow_blank=True)


CUSTOMER_UPDATE_FIELDS = frozenset({"status", "note"})


# --- comments and the audit trail ----------------------------------------------------------------


class CommentSerializer(serializers.ModelSerializer):
    author = PersonSerializer(read_only=True)

    class Meta:
        model = Comment
        fields = list(representations.COMMENT_FIELDS)
        read_only_fields = fields

    def to_representation(self, instance: Comment) -> dict:
        return representations.comment_representation(instance)


class CommentCreateSerializer(StrictInputSerializer):
    """A public reply (the reporter sees it, on their channel) or an internal note (agents only)."""

    body = _text(Comment, "body")
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PUBLIC)


class AttachmentSerializer(serializers.Serializer):
    """A file on an incident (`url`: its content, through the API) or a platform's copy of a
    medium (`link` true, `url` the platform's address; `size` and `sha256` unknown)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField(help_text="Found by reading the file, not from its name.")
    size = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField(allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    comment = serializers.IntegerField(allow_null=True, help_text="The reply it came with, if any.")
    link = serializers.BooleanField()
    url = serializers.URLField()
    uploaded_by = PersonSerializer()
    created_at = serializers.DateTimeField()

    def to_representation(self, instance: Attachment) -> dict:
        request = self.context.get("request")
        if instance.is_link:
            url = instance.external_url
        else:
            url = reverse("api-attachment-content", args=[instance.pk])
            url = request.build_absolute_uri(url) if request is not None else url
        return {
            "id": instance.pk,
            "name": instance.name,
            "content_type": instance.content_type,
            "size": instance.size,
            "sha256": instance.sha256,
            "visibility": instance.visibility,
            "comment": instance.comment_id,
            "link": instance.is_link,
            "url": url,
            "uploaded_by": {
                "name": instance.uploader_name,
                "user": instance.uploaded_by_user_id,
                "contact": instance.uploaded_by_contact_id,
            },
            "created_at": serializers.DateTimeField().to_representation(instance.created_at),
        }


class AttachmentCreateSerializer(StrictInputSerializer):
    """One file, sent as multipart/form-data; internal files are for agents."""

    file = serializers.FileField(allow_empty_file=True, use_url=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PUBLIC)


class EventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(read_only=True)

    class Meta:
        model = Event
        fields = list(representations.EVENT_FIELDS)
        read_only_fields = fields

    def to_representation(self, instance: Event) -> dict:
        return representations.event_representation(instance)


# --- problems ------------------------------------------------------------------------------


class ProblemSerializer(serializers.ModelSerializer):
    service = ServiceRefSerializer(read_only=True, allow_null=True)
    assignee = UserRefSerializer(read_only=True, allow_null=True)
    known_error = serializers.BooleanField(source="is_known_error", read_only=True)
    incidents = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta:
        model = Problem
        fields = list(representations.PROBLEM_FIELDS)
        read_only_fields = fields

    def to_representation(self, instance: Problem) -> dict:
        return representations.problem_representation(instance)


class ProblemCreateSerializer(StrictInputSerializer):
    title = _text(Problem, "title")
    description = _text(Problem, "description", required=False, allow_blank=True)
    service = serializers.PrimaryKeyRelatedField(queryset=Service.objects.all(), required=False, allow_null=True)
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    incidents = serializers.ListField(
        child=serializers.CharField(max_length=16),
        required=False,
        max_length=500,
        help_text="Numbers of incidents to link at once.",
    )


class ProblemUpdateSerializer(StrictInputSerializer):
    """Changes to a problem. `status` moves it along its lifecycle: known_error needs a
    workaround, resolved a root cause (on the problem or given with it);
    `resolve_incidents_note` with status resolved also resolves its open incidents."""

    title = _text(Problem, "title", required=False)
    description = _text(Problem, "description", required=False, allow_blank=True)
    root_cause = _text(Problem, "root_cause", required=False, allow_blank=True)
    workaround = _text(Problem, "workaround", required=False, allow_blank=True)
    service = serializers.PrimaryKeyRelatedField(queryset=Service.objects.all(), required=False, allow_null=True)
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=ProblemStatus.choices, required=False)
    resolve_incidents_note = serializers.CharField(max_length=10000, required=False, allow_blank=True)


class ProblemIncidentsSerializer(StrictInputSerializer):
    incidents = serializers.ListField(
        child=serializers.CharField(max_length=16), min_length=1, max_length=500, help_text="Incident numbers."
    )


# --- reference data, people ----------------------------------------------------------------


class ServiceSerializer(serializers.ModelSerializer):
    owner_group = SupportGroupRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Service
        fields = ["id", "name", "description", "active", "owner_group"]
        read_only_fields = fields


class ContactSerializer(serializers.ModelSerializer):
    user = UserRefSerializer(read_only=True, allow_null=True)
    email = serializers.CharField(read_only=True, help_text="Empty when unknown.")

    class Meta:
        model = Contact
        fields = ["id", "name", "email", "user", "merged_into", "created_at"]
        read_only_fields = fields


class ContactCreateSerializer(StrictInputSerializer):
    name = _text(Contact, "name")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)


class MeSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    email = serializers.CharField(read_only=True, help_text="Empty when unknown.")
    roles = serializers.SerializerMethodField()
    is_agent = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "roles", "is_agent", "contact"]
        read_only_fields = fields

    def get_name(self, user: User) -> str:
        return user.get_full_name() or user.get_username()

    def get_roles(self, user: User) -> list[str]:
        roles = sorted(set(user.groups.values_list("name", flat=True)) & {"agent", "manager", "customer"})
        return ["admin", *roles] if user.is_superuser else roles

    def get_is_agent(self, user: User) -> bool:
        return is_agent(user)

    def get_contact(self, user: User) -> int | None:
        return Contact.objects.filter(user=user).values_list("pk", flat=True).first()
