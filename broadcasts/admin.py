"""Broadcasts in the admin: the policy is edited here (and on the managers' page); broadcasts
and their records are read-only, since every write goes through `broadcasts.services`."""

from django.contrib import admin

from .models import Broadcast, BroadcastPolicy, BroadcastPost, BroadcastRecord


@admin.register(BroadcastPolicy)
class BroadcastPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "approval_mode", "approvals_needed", "max_length", "updated_at"]
    filter_horizontal = ["drafters", "approvers"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PostInline(admin.TabularInline):
    model = BroadcastPost
    fields = ["channel", "state", "platform_id", "url", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class RecordInline(PostInline):
    model = BroadcastRecord
    fields = ["created_at", "kind", "channel", "actor", "text", "platform_id", "note"]
    readonly_fields = fields


@admin.register(Broadcast)
class BroadcastAdmin(ReadOnly):
    list_display = ["title", "kind", "state", "created_by", "created_at", "published_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["created_by"]
    inlines = [PostInline, RecordInline]
