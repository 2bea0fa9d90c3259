"""The admin of listening: queries are saved through the services (the same rules as the
managers' page); heard posts and account states are read-only records."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError

from . import services
from .models import HeardMessage, ListeningAccountState, ListeningQuery


@admin.register(ListeningQuery)
class ListeningQueryAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "active", "updated_at"]
    list_filter = ["active", "service"]
    fields = ["name", "service", "terms", "excluded_terms", "active"]

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in self.fields}
        try:
            if change:
                services.query_update(query=obj, actor=request.user, **data)
            else:
                saved = services.query_create(actor=request.user, **data)
                obj.pk = saved.pk
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, "; ".join(getattr(error, "messages", [str(error)])), level="error")

    def delete_model(self, request, obj):
        services.query_delete(query=obj, actor=request.user)


@admin.register(HeardMessage)
class HeardMessageAdmin(admin.ModelAdmin):
    list_display = ["posted_at", "channel", "author_handle", "service", "sentiment_label", "incident"]
    list_filter = ["channel", "sentiment_label", "service"]
    search_fields = ["text", "author_handle", "author_name", "external_id"]
    list_select_related = ["service", "incident"]
    raw_id_fields = ["incident", "account", "query", "service", "converted_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ListeningAccountState)
class ListeningAccountStateAdmin(admin.ModelAdmin):
    list_display = ["account", "listened_at", "last_heard", "window_requests", "rate_limited_until", "last_error"]
    list_select_related = ["account"]

    def has_add_permission(self, request):
        return False
