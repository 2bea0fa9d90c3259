"""The customers' portal: their incidents, raising one, and replying to or reopening one."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from servicedesk.shortcuts import get_or_404, submit_form

from .. import selectors, services
from ..decorators import customer_required
from ..forms import IncidentRaiseForm, ReopenForm, ReplyForm
from ..models import Channel, Incident, IncidentStatus

PAGE_SIZE = 50


def _portal_page(incident: Incident) -> str:
    return reverse("portal_incident", args=[incident.number])


@customer_required
@require_GET
def portal_home(request: HttpRequest) -> HttpResponse:
    incidents = selectors.incident_list(user=request.user)
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/home.html", {"page": page})


@customer_required
def portal_raise(request: HttpRequest) -> HttpResponse:
    form = IncidentRaiseForm(request.POST or None)
    if request.method == "POST":
        response = submit_form(
            request,
            form,
            lambda data: services.incident_raise(actor=request.user, channel=Channel.WEB, **data),
            success=lambda incident: f"Thank you. Your incident is {incident.number}; we will reply here.",
            redirect_to=_portal_page,
        )
        if response:
            return response
    return render(request, "portal/raise.html", {"form": form}, status=400 if form.errors else 200)


def _render_portal_incident(request: HttpRequest, incident: Incident, *, status: int = 200, **forms) -> HttpResponse:
    forms.setdefault("reply_form", ReplyForm())
    forms.setdefault("reopen_form", ReopenForm())
    reopen_deadline = services.incident_reopen_deadline(incident=incident)
    return render(
        request,
        "portal/incident.html",
        {
            "incident": incident,
            "timeline": selectors.incident_timeline(incident=incident, user=request.user),
            "can_reply": incident.status not in (IncidentStatus.CLOSED, IncidentStatus.CANCELLED),
            "can_reopen": reopen_deadline is not None and timezone.now() <= reopen_deadline,
            "reopen_deadline": reopen_deadline,
            **forms,
        },
        status=status,
    )


@customer_required
@require_GET
def portal_incident(request: HttpRequest, number: str) -> HttpResponse:
    incident = get_or_404(selectors.incident_get, user=request.user, number=number)
    return _render_portal_incident(request, incident)


@customer_required
@require_POST
def portal_reply(request: HttpRequest, number: str) -> HttpResponse:
    incident = get_or_404(selectors.incident_get, user=request.user, number=number)
    form = ReplyForm(request.POST, request.FILES)
    return submit_form(
        request,
        form,
        lambda data: services.incident_reply_with_attachments(
            incident=incident, author=request.user, body=data["body"], files=data["file"]
        ),
        success="Your reply was sent to the service desk.",
        redirect_to=_portal_page(incident),
    ) or _render_portal_incident(request, incident, reply_form=form, status=400)


@customer_required
@require_POST
def portal_reopen(request: HttpRequest, number: str) -> HttpResponse:
    incident = get_or_404(selectors.incident_get, user=request.user, number=number)
    form = ReopenForm(request.POST)
    return submit_form(
        request,
        form,
        lambda data: services.incident_reopen_by_reporter(incident=incident, actor=request.user, note=data["reason"]),
        success=f"{incident.number} is reopened; an agent will pick it up.",
        redirect_to=_portal_page(incident),
    ) or _render_portal_incident(request, incident, reopen_form=form, status=400)
