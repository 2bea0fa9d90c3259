"""Sentiment scores are computed, never edited: the admin shows them."""

from django.contrib import admin

from .models import SentimentScore


@admin.register(SentimentScore)
class SentimentScoreAdmin(admin.ModelAdmin):
    list_display = ("message", "compound", "channel", "incident", "created_at", "scored_at")
    list_filter = ("channel",)
    list_select_related = ("message", "incident")
    date_hierarchy = "created_at"
    raw_id_fields = ("message", "incident")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("message__raw", "message__text")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
