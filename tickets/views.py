"""Pages for agents (the console) and customers (the portal).

Each view parses the request, calls one selector or service, and renders; a service's
ValidationError goes back to the form it came from, with nothing saved.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .access import is_agent, is_customer
from .decorators import agent_required, customer_required
from .forms import (
    AssignForm,
    CommentForm,
    IncidentRaiseForm,
    ReopenForm,
    ReplyForm,
    TransitionForm,
    add_service_errors,
)
from .models import Channel, Impact, Incident, IncidentStatus

PAGE_SIZE = 50


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if is_agent(request.user):
        return redirect("incident_list")
    if is_customer(request.user):
        return redirect("portal_home")
    if request.user.is_authenticated:
        return render(request, "no_role.html", status=403)
    return redirect("login")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and docker-compose."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# --- agent console ---------------------------------------------------------------------

INCIDENT_STATUS_FILTERS = [("open", "Open"), *IncidentStatus.choices, ("", "All")]


@agent_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in dict(INCIDENT_STATUS_FILTERS):
        status = "open"
    scope = request.GET.get("assignee", "")
    incidents = selectors.incident_list(
        user=request.user,
        status=status or None,
        assignee=request.user if scope == "me" else None,
        unassigned=scope == "none",
    )
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tickets/incident_list.html",
        {
            "page": page,
            "status": status,
            "scope": scope,
            "status_filters": INCIDENT_STATUS_FILTERS,
            "now": timezone.now(),
        },
    )


def _render_incident(request: HttpRequest, incident: Incident, *, status: int = 200, **forms) -> HttpResponse:
    forms.setdefault("transition_form", TransitionForm(incident=incident))
    forms.setdefault(
        "assign_form",
        AssignForm(initial={"assignee": incident.assignee_id, "assignment_group": incident.assignment_group_id}),
    )
    forms.setdefault("comment_form", CommentForm())
    return render(
        request,
        "tickets/incident_detail.html",
        {
            "incident": incident,
            "timeline": selectors.incident_timeline(incident=incident, user=request.user),
            "other_incidents": selectors.reporter_other_incidents(incident=incident),
            "now": timezone.now(),
            **forms,
        },
        status=status,
    )


@agent_required
@require_GET
def incident_detail(request: HttpRequest, number: str) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, number=number)
    return _render_incident(request, incident)


@agent_required
@require_POST
def incident_transition(request: HttpRequest, number: str) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, number=number)
    form = TransitionForm(request.POST, incident=incident)
    if form.is_valid():
        try:
            services.incident_transition(
                incident=incident,
                to_status=form.cleaned_data["status"],
                hold_reason=form.cleaned_data["hold_reason"],
                resolution=form.cleaned_data["resolution"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{incident.number} is now {IncidentStatus(form.cleaned_data['status']).label.lower()}."
            )
            return redirect("incident_detail", number=incident.number)
    return _render_incident(request, incident, transition_form=form, status=400)


@agent_required
@require_POST
def incident_assign(request: HttpRequest, number: str) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, number=number)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            services.incident_assign(
                incident=incident,
                assignee=form.cleaned_data["assignee"],
                assignment_group=form.cleaned_data["assignment_group"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{incident.number} assignment saved.")
            return redirect("incident_detail", number=incident.number)
    return _render_incident(request, incident, assign_form=form, status=400)


@agent_required
@require_POST
def incident_comment(request: HttpRequest, number: str) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, number=number)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_create(
                incident=incident,
                body=form.cleaned_data["body"],
                visibility=form.cleaned_data["visibility"],
                author=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Reply added." if form.cleaned_data["visibility"] == "public" else "Internal note added."
            )
            return redirect("incident_detail", number=incident.number)
    return _render_incident(request, incident, comment_form=form, status=400)


# --- customer portal -------------------------------------------------------------------


@customer_required
@require_GET
def portal_home(request: HttpRequest) -> HttpResponse:
    incidents = selectors.incident_list(user=request.user)
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/home.html", {"page": page})


@customer_required
def portal_raise(request: HttpRequest) -> HttpResponse:
    form = IncidentRaiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_create(
                reporter=services.contact_for_user(user=request.user),
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                service=form.cleaned_data["service"],
                urgency=form.cleaned_data["urgency"],
                impact=Impact.LOW,
                channel=Channel.WEB,
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Thank you. Your incident is {incident.number}; we will reply here.")
            return redirect("portal_incident", number=incident.number)
    return render(request, "portal/raise.html", {"form": form}, status=400 if form.errors else 200)


def _render_portal_incident(request: HttpRequest, incident: Incident, *, status: int = 200, **forms) -> HttpResponse:
    forms.setdefault("reply_form", ReplyForm())
    forms.setdefault("reopen_form", ReopenForm())
    reopen_deadline = (
        incident.resolved_at + timezone.timedelta(days=settings.INCIDENT_REOPEN_DAYS)
        if incident.status == IncidentStatus.RESOLVED and incident.resolved_at
        else None
    )
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
    incident = selectors.incident_get(user=request.user, number=number)
    return _render_portal_incident(request, incident)


@customer_required
@require_POST
def portal_reply(request: HttpRequest, number: str) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, number=number)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.incident_reply_from_reporter(
                incident=incident, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your reply was sent to the service desk.")
            return redirect("portal_incident", number=incident.number)
    return _render_portal_incident(request, incident, reply_form=form, status=400)


@customer_required
@require_POST
def portal_reopen(request: HttpRequest, number: str) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, number=number)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.incident_reopen_by_reporter(
                incident=incident, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{incident.number} is reopened; an agent will pick it up.")
            return redirect("portal_incident", number=incident.number)
    return _render_portal_incident(request, incident, reopen_form=form, status=400)
