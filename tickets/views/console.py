"""The agents' console: the triage queue (live, with bulk actions) and an incident's page,
whose forms each post to one view here and come back to it with their errors, or, posted
from a page older than the incident, with what changed since (its live poll and presence
are in `collaboration.py`)."""

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from servicedesk.redirects import back_to
from servicedesk.shortcuts import act_and_redirect, flash_form_errors, get_or_404, int_or_none, submit_form

from .. import collaboration, selectors, services
from ..decorators import agent_required
from ..forms import (
    AssignForm,
    BulkActionForm,
    CommentForm,
    NotIncidentForm,
    PriorityForm,
    ProblemLinkForm,
    QueueFilterForm,
    SavedViewForm,
    TransitionForm,
)
from ..models import Incident, IncidentStatus

QUEUE_PAGE_SIZE = 50


def _poll_seconds() -> int:
    return settings.CONSOLE_LIVE_POLL_SECONDS


def _cursor(request: HttpRequest) -> tuple[int | None, int | None, str]:
    after, before = int_or_none(request.GET.get("after")), int_or_none(request.GET.get("before"))
    return after, before, urlencode({"after": after} if after else {"before": before} if before else {})


def _queue_context(request: HttpRequest, *, now) -> dict:
    """The queue's filters and one page of it: shared by the page and its live refresh."""
    filter_form = QueueFilterForm(request.GET)
    filters = filter_form.filters()
    after, before, cursor = _cursor(request)
    page = selectors.incident_queue(
        user=request.user, filters=filters, now=now, after=after, before=before, size=QUEUE_PAGE_SIZE
    )
    return {
        "filter_form": filter_form,
        "filters": filters,
        "query": filter_form.query_string(),
        "cursor": cursor,
        "page": page,
    }


def _datetime_or_none(value: str | None):
    parsed = parse_datetime(value or "")
    return parsed if parsed and timezone.is_aware(parsed) else None


@agent_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    """The triage queue: the agent's home. A search for an incident's number opens it."""
    number = selectors.incident_number_typed(user=request.user, query=request.GET.get("q", ""))
    if number:
        return redirect("incident_detail", number)
    now = timezone.now()
    context = _queue_context(request, now=now)
    saved_views = selectors.saved_views_for(user=request.user)
    # Counts from the shared cache only: those it lacks load after the page (saved_view_counts),
    # so a view that is slow to count never holds the queue up.
    counts = selectors.saved_view_counts_cached(user=request.user, views=saved_views)
    context.update(
        {
            "now": now,
            "since": now,
            "last_id": selectors.incident_latest_id(),
            "saved_views": [(view, counts.get(view.pk)) for view in saved_views],
            "counts_pending": len(counts) < len(saved_views),
            "saved_view_form": SavedViewForm(initial={"query": context["query"]}),
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
    last_id = int_or_none(request.GET.get("last_id")) or 0
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
        context["cursor"] = _cursor(request)[2]
    return render(request, "tickets/_queue_live.html", context)


@agent_required
@require_GET
def saved_view_counts(request: HttpRequest) -> HttpResponse:
    """The queue's saved views with every count, counted now where the shared cache has none:
    loaded by the queue after it is drawn. The queue's own parameters say which view it shows."""
    saved_views = selectors.saved_views_for(user=request.user)
    counts = selectors.saved_view_counts(user=request.user, views=saved_views, now=timezone.now())
    context = {
        "saved_views": [(view, counts[view.pk]) for view in saved_views],
        "counts_pending": False,
        "query": QueueFilterForm(request.GET).query_string(),
    }
    return render(request, "tickets/_saved_views.html", context)


@agent_required
@require_POST
def saved_view_create(request: HttpRequest) -> HttpResponse:
    """Keep the queue's current filters under a name, and open the view."""
    form = SavedViewForm(request.POST)
    response = submit_form(
        request,
        form,
        lambda data: services.saved_view_create(
            owner=request.user, name=data["name"], query=data["query"], shared=data["shared"]
        ),
        success=lambda view: f"View “{view.name}” saved{' and shared' if view.shared else ''}.",
        redirect_to=lambda view: _saved_view_url(view.query),
    )
    if response is None:
        flash_form_errors(request, form)
        response = redirect(_saved_view_url(request.POST.get("query", "")))
    return response


def _saved_view_url(query: str) -> str:
    return reverse("incident_list") + (f"?{query}" if query else "")


@agent_required
@require_POST
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    view = get_or_404(selectors.saved_view_get, user=request.user, pk=pk)
    return act_and_redirect(
        request,
        lambda: services.saved_view_delete(view=view, actor=request.user),
        success=f"View “{view.name}” removed.",
        back=reverse("incident_list"),
    )


@agent_required
@require_POST
def incident_bulk(request: HttpRequest) -> HttpResponse:
    """Assign or move every selected incident of the queue, all or none."""
    back = back_to(request, reverse("incident_list"))
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(back)
    incidents = selectors.incidents_by_ids(user=request.user, ids=form.cleaned_data["incidents"])
    data = form.cleaned_data
    selected = f"{len(incidents)} incident{'s' if len(incidents) != 1 else ''}"

    def move() -> str:
        status = data["status"]
        if not status:
            raise ValidationError({"status": "Choose the status to move them to."})
        services.incidents_bulk_transition(
            incidents=incidents,
            to_status=status,
            actor=request.user,
            hold_reason=data["note"] if status == IncidentStatus.ON_HOLD else "",
            resolution=data["note"] if status == IncidentStatus.RESOLVED else "",
        )
        return f"now {IncidentStatus(status).label.lower()}"

    def assign() -> str:
        assignee = request.user if data["action"] == "assign_me" else data["assignee"]
        services.incidents_bulk_assign(incidents=incidents, assignee=assignee, actor=request.user)
        return f"assigned to {assignee.get_full_name() or assignee.get_username()}" if assignee else "unassigned"

    return act_and_redirect(
        request,
        move if data["action"] == "status" else assign,
        success=lambda done: f"{selected} {done}.",
        back=back,
        refused="Nothing was changed.",
    )


@agent_required
@require_POST
def incident_assign_me(request: HttpRequest, number: str) -> HttpResponse:
    incident = get_or_404(selectors.incident_get, user=request.user, number=number)
    try:
        services.incident_assign(
            incident=incident, assignee=request.user, actor=request.user, expected_version=_expected_version(request)
        )
    except services.IncidentChanged as changed:
        return _render_incident(request, changed.incident, refused_as_stale=_seen(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{incident.number} is assigned to you.")
    return redirect(back_to(request, reverse("incident_detail", args=[incident.number])))


def _render_incident(request: HttpRequest, incident: Incident, **kwargs) -> HttpResponse:
    """The incident page again after a form posted to it, read afresh: `_draw_incident`."""
    return _draw_incident(request, selectors.incident_for_page(user=request.user, number=incident.number), **kwargs)


def _draw_incident(
    request: HttpRequest, incident: Incident, *, status: int = 200, refused_as_stale: int | None = None, **forms
) -> HttpResponse:
    """The incident page, for `incident` as `selectors.incident_for_page` reads it (the page
    draws what it holds). `refused_as_stale`: a change from a page drawn at that audit event
    was refused (the page says what changed since, with status 409); `forms` are those to
    show again with what was typed in them."""
    forms.setdefault("transition_form", TransitionForm(incident=incident))
    forms.setdefault(
        "assign_form",
        AssignForm(
            initial={"assignee": incident.assignee_id, "assignment_group": incident.assignment_group_id},
            choices=selectors.assignment_choices(),
        ),
    )
    forms.setdefault("comment_form", CommentForm())
    forms.setdefault(
        "priority_form",
        PriorityForm(initial={"impact": incident.impact, "urgency": incident.urgency, "major": incident.major}),
    )
    forms.setdefault("problem_form", ProblemLinkForm())
    forms.setdefault("not_incident_form", NotIncidentForm())
    reply = forms["comment_form"]
    # A reply from a saved reply, back with an error or refused as stale: the box says again
    # what sending it does (status, assignment), and offers to keep only the text.
    reply_macro = (
        selectors.macros_for(user=request.user).filter(pk=reply.cleaned_data["macro"]).first()
        if reply.is_bound and reply.is_valid() and reply.cleaned_data["macro"]
        else None
    )
    version = services.incident_version(incident)
    seen = incident.last_event_id
    page_id = secrets.token_urlsafe(8)  # this drawing of the page, for presence
    context = {
        "incident": incident,
        "timeline": selectors.incident_timeline(incident=incident, user=request.user),
        "other_incidents": incident.reporter_others,
        "now": timezone.now(),
        # The page's version, and what its live poll last saw (the same, to begin with).
        "version": version,
        "seen": seen,
        "polled": version,
        "after": seen,
        "page_id": page_id,
        "others": collaboration.presence_refresh(
            incident_id=incident.pk, user=request.user, replying=False, page=page_id
        ),
        "live_poll_seconds": settings.INCIDENT_LIVE_POLL_SECONDS,
        "reply_macro": reply_macro if reply_macro and reply_macro.has_actions else None,
        **forms,
    }
    if refused_as_stale is not None:
        status = 409
        context["refused_as_stale"] = True
        context["changes"] = collaboration.incident_changes_since(incident=incident, after_event_id=refused_as_stale)
    return render(request, "tickets/incident_detail.html", context, status=status)


def _incident_page(incident: Incident) -> str:
    return reverse("incident_detail", args=[incident.number])


def _expected_version(request: HttpRequest) -> str | None:
    """The version the posting page was drawn from; none (not checked) from a page without one."""
    return request.POST.get("version") or None


def _seen(request: HttpRequest) -> int:
    return int_or_none(request.POST.get("seen")) or 0


def _submit_incident_form(
    request: HttpRequest,
    incident: Incident,
    *,
    form_name: str,
    make_form: Callable[[Incident], Form],
    change: Callable[[dict, str | None], object],
    success: str | Callable[[Any], str],
) -> HttpResponse:
    """Post one of the incident page's forms to its service with the version the page was
    drawn from. Invalid or refused: the page again with the form as typed (400). Made from a
    stale page: refused by the service, and the page again with what changed since and the
    form as typed, bound to the latest version so that saving it again applies it (409)."""
    form = make_form(incident)
    expected = _expected_version(request)
    try:
        response = submit_form(
            request, form, lambda data: change(data, expected), success=success, redirect_to=_incident_page(incident)
        )
    except services.IncidentChanged as changed:
        return _render_incident(
            request, changed.incident, refused_as_stale=_seen(request), **{form_name: make_form(changed.incident)}
        )
    return response or _render_incident(request, incident, status=400, **{form_name: form})


@agent_required
@require_GET
def incident_detail(request: HttpRequest, number: str) -> HttpResponse:
    incident = get_or_404(selectors.incident_for_page, user=request.user, number=number)
    return _draw_incident(request, incident)


@agent_required
@require_POST
def incident_priority(request: HttpRequest, number: str) -> HttpResponse:
    """Impact, urgency (so the priority, and the SLA targets) and the major-incident flag."""
    incident = get_or_404(selectors.incident_get, user=request.user, number=number)
    return _submit_incident_form(
        request,
        incident,
        form_name="priority_form",
        make_form=lambda _: PriorityForm(request.POST),
        change=lambda data, expected: services.incident_update(
            incident=incident, actor=request.user, expected_version=expected, **data
        ),
        success=lambda updated: f"{incident.number} is now {updated.get_priority_display().lower()}.",
    )


@agent_required
@require_POST
def incident_problem_link(request: HttpRequest, number: str) -> HttpResponse:
    incident = get_or_404(selectors.incident_get, user=request.user, number=number)
    return _submit_incident_form(
        request,
        incident,
        form_name="problem_form",
        make_form=lambda _: ProblemLinkForm(request.POST),
        change=lambda data, expected: services.problem_link_incidents(
            problem=data["problem"], incidents=[incident], actor=request.user, expected_version=expected
        ),
        success=lambda problem: f"{incident.number} is linked to {problem.number}.",
    )


@agent_required
@require_POST
def incident_problem_unlink(request: HttpRequest, number: str) -> HttpResponse:
    incident = get_or_404(selectors.incident_get, user=request.user, number=number)
    problem_number = incident.problem.number if incident.problem_id else None
    try:
        services.problem_unlink_incident(
            incident=incident, actor=request.user, expected_version=_expected_version(request)
        )
    except services.IncidentChanged as changed:
        return _render_incident(request, changed.incident, refused_as_stale=_seen(request))
    if problem_number:
        messages.success(request, f"{incident.number} is no longer linked to {problem_number}.")
    return redirect(back_to(request, _incident_page(incident)))


@agent_required
@require_POST
def incident_transition(request: HttpRequest, number: str) -> HttpResponse:
    incident = get_or_404(selectors.incident_get, user=request.user, number=number)
    return _submit_incident_form(
        request,
        incident,
        form_name="transition_form",
        make_form=lambda current: TransitionForm(request.POST, incident=current),
        change=lambda data, expected: services.incident_transition(
            incident=incident,
            to_status=data["status"],
            hold_reason=data["hold_reason"],
            resolution=data["resolution"],
            actor=request.user,
            expected_version=expected,
        ),
        success=lambda moved: f"{incident.number} is now {IncidentStatus(moved.status).label.lower()}.",
    )


@agent_required
@require_POST
def incident_not_incident(request: HttpRequest, number: str) -> HttpResponse:
    """Close it as not an incident (a thanks, spam, chatter), with the reason."""
    incident = get_or_404(selectors.incident_get, user=request.user, number=number)
    return _submit_incident_form(
        request,
        incident,
        form_name="not_incident_form",
        make_form=lambda _: NotIncidentForm(request.POST),
        change=lambda data, expected: services.incident_close_not_incident(
            incident=incident, kind=data["kind"], reason=data["reason"], actor=request.user, expected_version=expected
        ),
        success=lambda closed: (
            f"{incident.number} is closed as not an incident ({closed.get_not_incident_display().lower()})."
        ),
    )


@agent_required
@require_POST
def incident_assign(request: HttpRequest, number: str) -> HttpResponse:
    incident = get_or_404(selectors.incident_get, user=request.user, number=number)
    return _submit_incident_form(
        request,
        incident,
        form_name="assign_form",
        make_form=lambda _: AssignForm(request.POST),
        change=lambda data, expected: services.incident_assign(
            incident=incident,
            assignee=data["assignee"],
            assignment_group=data["assignment_group"],
            actor=request.user,
            expected_version=expected,
        ),
        success=f"{incident.number} assignment saved.",
    )


@agent_required
@require_POST
def incident_comment(request: HttpRequest, number: str) -> HttpResponse:
    incident = get_or_404(selectors.incident_get, user=request.user, number=number)
    # A reply never conflicts; a saved reply's status or assignment is checked against the
    # version the page was drawn from, like the page's other changes (services.macro_reply).
    return _submit_incident_form(
        request,
        incident,
        form_name="comment_form",
        make_form=lambda _: CommentForm(request.POST, request.FILES),
        change=lambda data, expected: (
            services.macro_reply(
                incident=incident,
                macro=selectors.macros_for(user=request.user).get(pk=data["macro"]),
                body=data["body"],
                visibility=data["visibility"],
                author=request.user,
                files=data["file"],
                expected_version=expected,
            )
            if data["macro"] and selectors.macros_for(user=request.user).filter(pk=data["macro"]).exists()
            else services.incident_reply_with_attachments(
                incident=incident,
                body=data["body"],
                visibility=data["visibility"],
                author=request.user,
                files=data["file"],
            )
        ),
        success=lambda comment: "Reply added." if comment.visibility == "public" else "Internal note added.",
    )
