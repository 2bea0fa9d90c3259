"""Pages for agents (the console) and customers (the portal).

Each view parses the request, calls one selector or service, and renders; a service's
ValidationError goes back to the form it came from, with nothing saved.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from servicedesk.redirects import back_to

from . import selectors, services
from .access import is_agent, is_customer
from .decorators import agent_required, customer_required
from .forms import (
    AssignForm,
    BulkActionForm,
    CommentForm,
    IncidentRaiseForm,
    NoteForm,
    PriorityForm,
    ProblemCreateForm,
    ProblemEditForm,
    ProblemIncidentsForm,
    ProblemLinkForm,
    ProblemTransitionForm,
    QueueFilterForm,
    ReopenForm,
    ReplyForm,
    TransitionForm,
    add_service_errors,
)
from .models import Channel, Impact, Incident, IncidentStatus, Problem, ProblemStatus, Visibility

PAGE_SIZE = 50


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    # Managers land on their dashboards (the feedback app's permission, named, not imported).
    if request.user.is_active and request.user.has_perm("feedback.view_dashboards"):
        return redirect("/dashboards/")
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

QUEUE_PAGE_SIZE = 50


def _poll_seconds() -> int:
    return settings.CONSOLE_LIVE_POLL_SECONDS


def _queue_context(request: HttpRequest, *, now) -> dict:
    """The queue's filters and one page of it: shared by the page and its live refresh."""
    filter_form = QueueFilterForm(request.GET)
    filters = filter_form.filters()
    after, before = _int_or_none(request.GET.get("after")), _int_or_none(request.GET.get("before"))
    page = selectors.incident_queue(
        user=request.user, filters=filters, now=now, after=after, before=before, size=QUEUE_PAGE_SIZE
    )
    cursor = urlencode({"after": after} if after else {"before": before} if before else {})
    return {
        "filter_form": filter_form,
        "filters": filters,
        "query": filter_form.query_string(),
        "cursor": cursor,
        "page": page,
    }


def _int_or_none(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


def _datetime_or_none(value: str | None):
    parsed = parse_datetime(value or "")
    return parsed if parsed and timezone.is_aware(parsed) else None


@agent_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    """The triage queue: the agent's home."""
    now = timezone.now()
    context = _queue_context(request, now=now)
    context.update(
        {
            "now": now,
            "since": now,
            "last_id": selectors.incident_latest_id(),
            "bulk_form": BulkActionForm(),
            "poll_seconds": _poll_seconds(),
            "here": request.get_full_path(),
        }
    )
    return render(request, "tickets/incident_list.html", context)


@agent_required
@require_GET
def incident_queue_live(request: HttpRequest) -> HttpResponse:
    """Polled by the queue: how many incidents matching its filters arrived or changed since
    it was loaded and, when something changed since the last poll, its rows redrawn (the
    page keeps the agent's selection, focus and scroll; see static/js/console.js)."""
    now = timezone.now()
    since = _datetime_or_none(request.GET.get("since"))
    last_id = _int_or_none(request.GET.get("last_id")) or 0
    seen = _datetime_or_none(request.GET.get("seen")) or since
    if since is None:
        return HttpResponse("The live queue needs “since”.", status=400, content_type="text/plain")
    filters = QueueFilterForm(request.GET).filters()
    changes = selectors.incident_queue_changes(
        user=request.user, filters=filters, now=now, last_id=last_id, since=since, seen=seen
    )
    # A change saved just before this poll may commit just after it: look a little back.
    next_seen = now - timedelta(seconds=5)
    context = {
        "changes": changes,
        "since": since,
        "last_id": last_id,
        "seen": next_seen,
        "poll_seconds": _poll_seconds(),
    }
    if changes.since_seen:
        context.update(_queue_context(request, now=now))
        context.update({"now": now, "redraw": True})
    else:
        context["query"] = QueueFilterForm(request.GET).query_string()
        after, before = _int_or_none(request.GET.get("after")), _int_or_none(request.GET.get("before"))
        context["cursor"] = urlencode({"after": after} if after else {"before": before} if before else {})
    return render(request, "tickets/_queue_live.html", context)


@agent_required
@require_POST
def incident_bulk(request: HttpRequest) -> HttpResponse:
    """Assign or move every selected incident of the queue, all or none."""
    back = back_to(request, reverse("incident_list"))
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    incidents = selectors.incidents_by_ids(user=request.user, ids=form.cleaned_data["incidents"])
    action = form.cleaned_data["action"]
    try:
        if action == "status":
            status = form.cleaned_data["status"]
            if not status:
                raise ValidationError({"status": "Choose the status to move them to."})
            note = form.cleaned_data["note"]
            services.incidents_bulk_transition(
                incidents=incidents,
                to_status=status,
                actor=request.user,
                hold_reason=note if status == IncidentStatus.ON_HOLD else "",
                resolution=note if status == IncidentStatus.RESOLVED else "",
            )
            done = f"now {IncidentStatus(status).label.lower()}"
        else:
            assignee = request.user if action == "assign_me" else form.cleaned_data["assignee"]
            services.incidents_bulk_assign(incidents=incidents, assignee=assignee, actor=request.user)
            done = f"assigned to {assignee.get_full_name() or assignee.get_username()}" if assignee else "unassigned"
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        messages.error(request, "Nothing was changed.")
    else:
        messages.success(request, f"{len(incidents)} incident{'s' if len(incidents) != 1 else ''} {done}.")
    return redirect(back)


@agent_required
@require_POST
def incident_assign_me(request: HttpRequest, number: str) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, number=number)
    try:
        services.incident_assign(incident=incident, assignee=request.user, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{incident.number} is assigned to you.")
    return redirect(back_to(request, reverse("incident_detail", args=[incident.number])))


def _render_incident(request: HttpRequest, incident: Incident, *, status: int = 200, **forms) -> HttpResponse:
    forms.setdefault("transition_form", TransitionForm(incident=incident))
    forms.setdefault(
        "assign_form",
        AssignForm(initial={"assignee": incident.assignee_id, "assignment_group": incident.assignment_group_id}),
    )
    forms.setdefault("comment_form", CommentForm())
    forms.setdefault(
        "priority_form",
        PriorityForm(initial={"impact": incident.impact, "urgency": incident.urgency, "major": incident.major}),
    )
    forms.setdefault("problem_form", ProblemLinkForm())
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
def incident_priority(request: HttpRequest, number: str) -> HttpResponse:
    """Impact, urgency (so the priority, and the SLA targets) and the major-incident flag."""
    incident = selectors.incident_get(user=request.user, number=number)
    form = PriorityForm(request.POST)
    if form.is_valid():
        try:
            updated = services.incident_update(incident=incident, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{incident.number} is now {updated.get_priority_display().lower()}.")
            return redirect("incident_detail", number=incident.number)
    return _render_incident(request, incident, priority_form=form, status=400)


@agent_required
@require_POST
def incident_problem_link(request: HttpRequest, number: str) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, number=number)
    form = ProblemLinkForm(request.POST)
    if form.is_valid():
        problem = form.cleaned_data["problem"]
        try:
            services.problem_link_incidents(problem=problem, incidents=[incident], actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{incident.number} is linked to {problem.number}.")
            return redirect("incident_detail", number=incident.number)
    return _render_incident(request, incident, problem_form=form, status=400)


@agent_required
@require_POST
def incident_problem_unlink(request: HttpRequest, number: str) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, number=number)
    problem_number = incident.problem.number if incident.problem_id else None
    services.problem_unlink_incident(incident=incident, actor=request.user)
    if problem_number:
        messages.success(request, f"{incident.number} is no longer linked to {problem_number}.")
    return redirect(back_to(request, reverse("incident_detail", args=[incident.number])))


@agent_required
@require_GET
def problem_search(request: HttpRequest) -> HttpResponse:
    """Search-as-you-type for the problem to link an incident to (an htmx fragment)."""
    q = request.GET.get("q", "")[:200]
    return render(
        request,
        "tickets/_problem_search.html",
        {"problems": selectors.problem_search(user=request.user, q=q), "q": q},
    )


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


# --- problems --------------------------------------------------------------------------

PROBLEM_PAGE_SIZE = 50
PROBLEM_STATUS_FILTERS = [("open", "Open"), *ProblemStatus.choices, ("", "All")]


@agent_required
@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in dict(PROBLEM_STATUS_FILTERS):
        status = "open"
    q = request.GET.get("q", "")[:200]
    problems = selectors.problem_list_page(user=request.user, status=status, q=q)
    page = Paginator(problems, PROBLEM_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tickets/problem_list.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "status_filters": PROBLEM_STATUS_FILTERS,
            "query": urlencode({"status": status, "q": q}),
        },
    )


@agent_required
@require_POST
def problem_create(request: HttpRequest) -> HttpResponse:
    """Create a problem, from the queue's selection or from an incident. The selection
    arrives without a title: that first post only shows the form."""
    incident_ids = [i for i in (_int_or_none(v) for v in request.POST.getlist("incidents")) if i]
    incidents = selectors.incidents_by_ids(user=request.user, ids=incident_ids)
    if "title" not in request.POST:
        first = incidents[0] if incidents else None
        form = ProblemCreateForm(
            initial={
                "incidents": [i.pk for i in incidents],
                "title": first.title if first else "",
                "service": first.service_id if first else None,
            }
        )
        return render(request, "tickets/problem_create.html", {"form": form, "incidents": incidents})
    form = ProblemCreateForm(request.POST)
    if form.is_valid():
        try:
            problem = services.problem_create(
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                service=form.cleaned_data["service"],
                assignee=form.cleaned_data["assignee"],
                incidents=incidents,
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{problem.number} created with {len(incidents)} linked incident(s).")
            return redirect("problem_detail", number=problem.number)
    return render(request, "tickets/problem_create.html", {"form": form, "incidents": incidents}, status=400)


@agent_required
@require_GET
def problem_new(request: HttpRequest) -> HttpResponse:
    return render(request, "tickets/problem_create.html", {"form": ProblemCreateForm(), "incidents": []})


def _render_problem(request: HttpRequest, problem: Problem, *, status: int = 200, **forms) -> HttpResponse:
    problem = selectors.problem_with_incidents(problem=problem)
    forms.setdefault(
        "edit_form",
        ProblemEditForm(
            initial={
                "title": problem.title,
                "description": problem.description,
                "service": problem.service_id,
                "assignee": problem.assignee_id,
                "root_cause": problem.root_cause,
                "workaround": problem.workaround,
            }
        ),
    )
    forms.setdefault("transition_form", ProblemTransitionForm(problem=problem))
    forms.setdefault("link_form", ProblemIncidentsForm())
    forms.setdefault("note_form", NoteForm())
    return render(
        request,
        "tickets/problem_detail.html",
        {"problem": problem, "timeline": selectors.problem_timeline(problem=problem), "now": timezone.now(), **forms},
        status=status,
    )


@agent_required
@require_GET
def problem_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _render_problem(request, selectors.problem_get(user=request.user, number=number))


@agent_required
@require_POST
def problem_update(request: HttpRequest, number: str) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, number=number)
    form = ProblemEditForm(request.POST)
    if form.is_valid():
        try:
            services.problem_update(problem=problem, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{problem.number} saved.")
            return redirect("problem_detail", number=problem.number)
    return _render_problem(request, problem, edit_form=form, status=400)


@agent_required
@require_POST
def problem_transition(request: HttpRequest, number: str) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, number=number)
    form = ProblemTransitionForm(request.POST, problem=problem)
    if form.is_valid():
        try:
            services.problem_transition(
                problem=problem,
                to_status=form.cleaned_data["status"],
                resolve_incidents_note=form.cleaned_data["resolve_incidents_note"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            label = ProblemStatus(form.cleaned_data["status"]).label.lower()
            messages.success(request, f"{problem.number} is now {label}.")
            return redirect("problem_detail", number=problem.number)
    return _render_problem(request, problem, transition_form=form, status=400)


@agent_required
@require_POST
def problem_link(request: HttpRequest, number: str) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, number=number)
    form = ProblemIncidentsForm(request.POST)
    if form.is_valid():
        numbers = form.cleaned_data["numbers"]
        incidents = list(selectors.incident_list(user=request.user, status=None).filter(number__in=numbers))
        missing = sorted(set(numbers) - {i.number for i in incidents})
        try:
            if missing:
                raise ValidationError({"numbers": f"No such incident: {', '.join(missing)}."})
            services.problem_link_incidents(problem=problem, incidents=incidents, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Linked {', '.join(sorted(numbers))} to {problem.number}.")
            return redirect("problem_detail", number=problem.number)
    return _render_problem(request, problem, link_form=form, status=400)


@agent_required
@require_POST
def problem_note(request: HttpRequest, number: str) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, number=number)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.comment_create(
                problem=problem, body=form.cleaned_data["body"], visibility=Visibility.INTERNAL, author=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Note added.")
            return redirect("problem_detail", number=problem.number)
    return _render_problem(request, problem, note_form=form, status=400)


# --- contacts ------------------------------------------------------------------------

CONTACT_PAGE_SIZE = 50


@agent_required
@require_GET
def contact_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    page = Paginator(selectors.contact_list(q=q), CONTACT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tickets/contact_list.html", {"page": page, "q": q, "query": urlencode({"q": q})})


@agent_required
@require_POST
def contact_merge(request: HttpRequest) -> HttpResponse:
    """Two steps: the list posts the two selected contacts and this page asks which one to
    keep; posting that choice (`keep`) merges the other into it."""
    ids = [i for i in (_int_or_none(v) for v in request.POST.getlist("contacts")) if i]
    contacts = list(selectors.contact_list().filter(pk__in=ids))
    if len(set(ids)) != 2 or len(contacts) != 2:
        messages.error(request, "Select exactly two contacts to merge (contacts already merged cannot be chosen).")
        return redirect(back_to(request, reverse("contact_list")))
    keep = _int_or_none(request.POST.get("keep"))
    if "keep" not in request.POST or keep not in ids:
        error = "Choose the contact to keep." if "keep" in request.POST else None
        return render(
            request, "tickets/contact_merge.html", {"contacts": contacts, "error": error}, status=400 if error else 200
        )
    target = next(c for c in contacts if c.pk == keep)
    source = next(c for c in contacts if c.pk != keep)
    try:
        services.contact_merge(source=source, target=target, actor=request.user)
    except ValidationError as error:
        return render(
            request,
            "tickets/contact_merge.html",
            {"contacts": contacts, "error": " ".join(error.messages)},
            status=400,
        )
    messages.success(request, f"{source.name} was merged into {target.name}.")
    return redirect(f"{reverse('contact_list')}?{urlencode({'q': target.name})}")


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
        incident.resolved_at + timedelta(days=settings.INCIDENT_REOPEN_DAYS)
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
