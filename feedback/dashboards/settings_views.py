"""The managers' Settings page: SLA targets, acknowledgement texts and surveys per medium,
edited from the app (the role rule is the services')."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from social import platforms
from social.acknowledgements import DEFAULT_ACKNOWLEDGEMENT
from social.models import AcknowledgementTemplate
from tickets.models import SlaTarget

from .. import desk_settings
from ..surveys.models import DEFAULT_QUESTION, SurveySettings
from .access import is_manager


def _manager(request: HttpRequest) -> None:
    if not is_manager(request.user):
        raise PermissionDenied("The settings are for managers.")


def _minutes(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def _or_invalid(value: str | None) -> int:
    number = _minutes(value)
    return -1 if number is None else number


@login_required
@require_GET
def settings_page(request: HttpRequest) -> HttpResponse:
    _manager(request)
    texts = dict(AcknowledgementTemplate.objects.values_list("channel", "text"))
    stored = {row.medium: row for row in SurveySettings.objects.all()}
    return render(
        request,
        "dashboards/settings.html",
        {
            "dashboard": "settings",
            "is_manager": True,
            "targets": SlaTarget.objects.order_by("priority"),
            "acknowledgements": [
                (channel, label, texts.get(channel, DEFAULT_ACKNOWLEDGEMENT))
                for channel, label in platforms.channel_choices()
            ],
            "surveys": [
                (medium, label, stored.get(medium) or SurveySettings(medium=medium))
                for medium, label in desk_settings.survey_media()
            ],
            "default_question": DEFAULT_QUESTION,
        },
    )


@login_required
@require_POST
def sla_targets_save(request: HttpRequest) -> HttpResponse:
    _manager(request)
    changed = 0
    for target in SlaTarget.objects.order_by("priority"):
        response = _minutes(request.POST.get(f"response_{target.priority}"))
        resolution = _minutes(request.POST.get(f"resolution_{target.priority}"))
        if (response, resolution) == (target.response_minutes, target.resolution_minutes):
            continue
        try:
            desk_settings.sla_target_update(
                target=target,
                response_minutes=response if response is not None else 0,
                resolution_minutes=resolution if resolution is not None else 0,
                by=request.user,
            )
            changed += 1
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                messages.error(request, f"P{target.priority}, {field.replace('_', ' ')}: {' '.join(problems)}")
    if changed:
        messages.success(request, f"SLA targets saved for {changed} priorit{'y' if changed == 1 else 'ies'}.")
    return redirect("dashboards:settings")


@login_required
@require_POST
def acknowledgement_save(request: HttpRequest, channel: str) -> HttpResponse:
    _manager(request)
    if channel not in dict(platforms.channel_choices()):
        raise PermissionDenied("No such channel.")
    try:
        desk_settings.acknowledgement_text_save(channel=channel, text=request.POST.get("text", ""), by=request.user)
        messages.success(request, "Acknowledgement text saved.")
    except ValidationError as error:
        for problems in error.message_dict.values():
            messages.error(request, " ".join(problems))
    return redirect("dashboards:settings")


@login_required
@require_POST
def survey_settings_save(request: HttpRequest, medium: str) -> HttpResponse:
    label = dict(desk_settings.survey_media()).get(medium, medium)
    try:
        desk_settings.survey_settings_save(
            medium=medium,
            enabled=request.POST.get("enabled") == "on",
            # Not a whole number: -1, which the service refuses with the field's range.
            delay_minutes=_or_invalid(request.POST.get("delay_minutes")),
            sample_percent=_or_invalid(request.POST.get("sample_percent")),
            answer_window_hours=_or_invalid(request.POST.get("answer_window_hours")),
            question=request.POST.get("question", ""),
            by=request.user,
        )
        messages.success(request, f"Survey settings saved for {label}.")
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            messages.error(request, f"{label}, {field.replace('_', ' ')}: {' '.join(problems)}")
    return redirect(f"{reverse('dashboards:settings')}#surveys")
