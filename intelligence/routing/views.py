"""The managers' Triage page: each service's keywords, the learned model's versions, how often
agents keep the suggested service, and a button to train a new version now."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from feedback.dashboards.access import is_manager
from servicedesk.shortcuts import get_or_404
from tickets.models import Service

from . import selectors
from .services import service_keywords_set, service_model_train

OUTCOME_DAYS = 30


def _manager(request: HttpRequest) -> None:
    if not is_manager(request.user):
        raise PermissionDenied("Triage settings are for managers.")


def _service(*, pk: int) -> Service:
    return Service.objects.get(pk=pk, active=True)


@login_required
@require_GET
def triage_page(request: HttpRequest) -> HttpResponse:
    _manager(request)
    since = timezone.now() - timedelta(days=OUTCOME_DAYS)
    return render(
        request,
        "triage/settings.html",
        {
            "dashboard": "triage",
            "is_manager": True,
            "services": selectors.services_with_keywords(),
            "versions": selectors.model_versions(),
            "outcomes": selectors.suggestion_outcomes(since=since),
            "outcome_days": OUTCOME_DAYS,
        },
    )


@login_required
@require_POST
def keywords_save(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    service = get_or_404(_service, pk=pk)
    try:
        service_keywords_set(service=service, keywords=request.POST.get("keywords", ""), actor=request.user)
    except ValidationError as failure:
        messages.error(request, f"{service.name}: {' '.join(failure.messages)}")
    else:
        messages.success(request, f"Keywords of {service.name} saved.")
    return redirect("triage:settings")


@login_required
@require_POST
def model_train(request: HttpRequest) -> HttpResponse:
    _manager(request)
    model = service_model_train(force=True)
    if model is None:
        messages.warning(request, "Not enough resolved incidents with a service to learn from yet: keywords only.")
    else:
        messages.success(request, f"Version {model.version} learned from {model.samples} resolved incidents.")
    return redirect("triage:settings")
