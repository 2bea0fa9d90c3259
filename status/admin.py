from django.contrib import admin

from .models import PublicKnownError, StatusOverride, Subscriber


@admin.register(PublicKnownError)
class PublicKnownErrorAdmin(admin.ModelAdmin):
    list_display = ["title", "problem", "published", "updated_at"]
    raw_id_fields = ["problem"]


@admin.register(StatusOverride)
class StatusOverrideAdmin(admin.ModelAdmin):
    list_display = ["service", "state", "reason", "set_by", "created_at", "cleared_at"]
    readonly_fields = ["set_by", "created_at"]

    def has_add_permission(self, request):
        return False  # through status.services.override_set (the agents' page), which records who


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "service", "created_at", "confirmed_at"]
    search_fields = ["email"]
