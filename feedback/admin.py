"""Sentiment scores are computed, never edited: the admin shows them."""

from django.contrib import admin

from .models import SentimentScore
from .surveys.models import Survey, SurveyAnswer, SurveySettings


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


@admin.register(SurveySettings)
class SurveySettingsAdmin(admin.ModelAdmin):
    list_display = ("medium", "enabled", "delay_minutes", "sample_percent", "answer_window_hours", "updated_at")


class SurveyAnswerInline(admin.TabularInline):
    model = SurveyAnswer
    extra = 0
    can_delete = False
    readonly_fields = ("text", "rating", "replaced_rating", "reopened", "message", "by_user", "received_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    """Surveys are asked and answered by the services: the admin shows them."""

    list_display = ("incident", "medium", "state", "rating", "comment_label", "sent_at", "answered_at")
    list_filter = ("medium", "state", "rating")
    list_select_related = ("incident",)
    raw_id_fields = ("incident", "message")
    inlines = [SurveyAnswerInline]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
