"""Sentiment scores are computed, never edited: the admin shows them."""

from django.contrib import admin

from .models import SentimentScore


@admin.register(SentimentScore)
class SentimentScoreAdmin(admin.ModelAdmin):
    list_display = ("source", "label", "score", "channel", "incident", "created_at", "model_version", "scored_at")
    list_filter = ("label", "source", "channel", "model_version")
    list_select_related = ("incident",)
    date_hierarchy = "created_at"
    raw_id_fields = ("message", "comment", "incident")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
