"""The admin: reference data is edited directly; incidents, problems and contacts change
only through the services, so the audit trail and the SLA clock see every admin edit too."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .models import (
    Category,
    Comment,
    Contact,
    Event,
    Incident,
    PriorityRule,
    Problem,
    Service,
    SlaTarget,
    SupportGroup,
)


class NoDeleteAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ServiceAdminMixin:
    """Turn a service's ValidationError into an admin error message instead of a 500."""

    def _run(self, request: HttpRequest, call) -> bool:
        try:
            call()
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, level=messages.ERROR)
            return False
        return True


@admin.register(PriorityRule)
class PriorityRuleAdmin(admin.ModelAdmin):
    list_display = ("impact", "urgency", "priority")
    list_editable = ("priority",)
    list_filter = ("priority",)


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    list_display = ("priority", "response_minutes", "resolution_minutes")
    list_editable = ("response_minutes", "resolution_minutes")


@admin.register(SupportGroup)
class SupportGroupAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)
    filter_horizontal = ("members",)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "owner_group", "active")
    list_filter = ("active", "owner_group")
    search_fields = ("name", "description")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "active")
    list_filter = ("active",)
    search_fields = ("name",)


@admin.register(Contact)
class ContactAdmin(ServiceAdminMixin, NoDeleteAdmin):
    list_display = ("name", "email", "user", "merged_into", "created_at")
    list_filter = (("merged_into", admin.EmptyFieldListFilter), ("user", admin.EmptyFieldListFilter))
    search_fields = ("name", "email", "user__username")
    raw_id_fields = ("user", "merged_into")
    readonly_fields = ("merged_into", "created_at")
    actions = ["merge_contacts"]

    @admin.action(description="Merge the selected contacts into the oldest one")
    def merge_contacts(self, request: HttpRequest, queryset: QuerySet[Contact]):
        contacts = list(queryset.order_by("created_at", "id"))
        if len(contacts) < 2:
            self.message_user(request, "Select at least two contacts to merge.", level=messages.WARNING)
            return
        target, *sources = contacts
        for source in sources:
            if not self._run(
                request,
                lambda source=source: services.contact_merge(source=source, target=target, actor=request.user),
            ):
                return
        self.message_user(request, f"Merged {len(sources)} contact(s) into {target}.")


class CommentInline(admin.TabularInline):
    model = Comment
    fields = ("created_at", "visibility", "author_user", "author_contact", "body")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = Event
    fields = ("created_at", "kind", "field", "old_value", "new_value", "actor_user", "actor_contact", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(ServiceAdminMixin, NoDeleteAdmin):
    list_display = ("number", "title", "status", "priority", "channel", "reporter", "assignee", "created_at")
    list_filter = (
        "status",
        "priority",
        "channel",
        "major",
        "service",
        "assignment_group",
        "response_breached",
        "resolution_breached",
    )
    search_fields = ("number", "title", "description", "reporter__name")
    list_select_related = ("reporter", "assignee")
    date_hierarchy = "created_at"
    raw_id_fields = ("reporter", "problem", "assignee")
    # Status, assignment and problem links have their own services and pages; the admin
    # edits the descriptive fields and shows the rest.
    fields = (
        "number", "title", "description", "reporter", "channel", "status",
        "impact", "urgency", "priority", "service", "category", "major",
        "assignment_group", "assignee", "problem", "hold_reason", "resolution",
        "created_at", "updated_at", "first_response_at", "resolved_at", "closed_at",
        "response_due_at", "resolution_due_at", "response_breached", "resolution_breached",
    )  # fmt: skip
    inlines = [CommentInline, EventInline]

    def get_readonly_fields(self, request, obj=None):
        editable = set(services.INCIDENT_EDITABLE_FIELDS)
        if obj is None:
            editable |= {"reporter", "channel", "assignment_group", "assignee"}
        return [f for f in self.fields if f not in editable]

    def save_model(self, request, obj, form, change):
        if not change:
            created = services.incident_create(
                reporter=obj.reporter,
                title=obj.title,
                description=obj.description,
                channel=obj.channel,
                impact=obj.impact,
                urgency=obj.urgency,
                service=obj.service,
                category=obj.category,
                assignment_group=obj.assignment_group,
                assignee=obj.assignee,
                major=obj.major,
                actor=request.user,
            )
            obj.pk, obj.number = created.pk, created.number
            return
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name in services.INCIDENT_EDITABLE_FIELDS
        }
        if changes:
            self._run(request, lambda: services.incident_update(incident=obj, actor=request.user, **changes))


@admin.register(Problem)
class ProblemAdmin(ServiceAdminMixin, NoDeleteAdmin):
    list_display = ("number", "title", "status", "service", "assignee", "created_at")
    list_filter = ("status", "service")
    search_fields = ("number", "title", "description", "root_cause", "workaround")
    raw_id_fields = ("assignee",)
    fields = (
        "number", "title", "description", "status", "service", "assignee",
        "root_cause", "workaround", "created_at", "updated_at", "resolved_at", "closed_at",
    )  # fmt: skip
    inlines = [CommentInline, EventInline]

    def get_readonly_fields(self, request, obj=None):
        editable = set(services.PROBLEM_EDITABLE_FIELDS)
        return [f for f in self.fields if f not in editable]

    def save_model(self, request, obj, form, change):
        if not change:
            created = services.problem_create(
                title=obj.title,
                description=obj.description,
                service=obj.service,
                assignee=obj.assignee,
                actor=request.user,
            )
            services.problem_update(
                problem=created, actor=request.user, root_cause=obj.root_cause, workaround=obj.workaround
            )
            obj.pk, obj.number = created.pk, created.number
            return
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name in services.PROBLEM_EDITABLE_FIELDS
        }
        if changes:
            self._run(request, lambda: services.problem_update(problem=obj, actor=request.user, **changes))


@admin.register(Comment)
class CommentAdmin(NoDeleteAdmin):
    list_display = ("created_at", "incident", "problem", "visibility", "author_user", "author_contact")
    list_filter = ("visibility",)
    search_fields = ("body", "incident__number", "problem__number")
    list_select_related = ("incident", "problem", "author_user", "author_contact")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(NoDeleteAdmin):
    list_display = (
        "created_at",
        "incident",
        "problem",
        "kind",
        "field",
        "old_value",
        "new_value",
        "actor_user",
        "actor_contact",
    )
    list_filter = ("kind",)
    search_fields = ("incident__number", "problem__number", "field", "old_value", "new_value")
    list_select_related = ("incident", "problem", "actor_user", "actor_contact")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
