"""The incident page's "Similar incidents" panel (loaded by htmx beside the incident), and merging."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from servicedesk.shortcuts import get_or_404
from tickets.decorators import agent_required
from tickets.merging import incident_merge as incident_merge_service
from tickets.models import Incident
from tickets.selectors import incident_get, problem_get

from ..known_errors.selectors import incident_known_errors
from ..known_errors.services import problem_tell_affected, workaround_send
from .selectors import incident_similar

PANEL_SIZE = 8


@agent_required
@require_GET
def similar_panel(request: HttpRequest, number: str) -> HttpResponse:
    incident = get_or_404(incident_get, user=request.user, number=number)
    return render(
        request,
        "similarity/_similar.html",
        {
            "incident": incident,
            "similar": incident_similar(incident=incident, limit=PANEL_SIZE),
            "known_errors": incident_known_errors(incident=incident),
        },
    )


@agent_required
@require_POST
def incident_merge(request: HttpRequest, number: str) -> HttpResponse:
    """Merge this incident into another (by number): it closes as that one's duplicate."""
    duplicate = get_or_404(incident_get, user=request.user, number=number)
    into = request.POST.get("into", "").strip().upper()[:16]
    survivor = Incident.objects.filter(number=into).first()
    if survivor is None:
        messages.error(request, f"There is no incident {into or '(none given)'} to merge into.")
        return redirect("incident_detail", number=duplicate.number)
    try:
        incident_merge_service(duplicate=duplicate, survivor=survivor, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("incident_detail", number=duplicate.number)
    messages.success(request, f"{duplicate.number} is merged into {survivor.number} and closed as its duplicate.")
    return redirect("incident_detail", number=survivor.number)


@agent_required
@require_POST
def incident_send_workaround(request: HttpRequest, number: str, problem_number: str) -> HttpResponse:
    """One click: the known error's workaround goes to the reporter, on the incident's channel."""
    incident = get_or_404(incident_get, user=request.user, number=number)
    problem = get_or_404(problem_get, user=request.user, number=problem_number)
    try:
        workaround_send(incident=incident, problem=problem, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The workaround of {problem.number} was sent to {incident.reporter.name}.")
    return redirect("incident_detail", number=incident.number)


@agent_required
@require_POST
def problem_tell_everyone(request: HttpRequest, number: str) -> HttpResponse:
    """Send the workaround (or the fix) to every open incident of the problem, once each."""
    problem = get_or_404(problem_get, user=request.user, number=number)
    try:
        told = problem_tell_affected(problem=problem, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if told:
            messages.success(request, f"Sent to {len(told)} incidents: {', '.join(i.number for i in told)}.")
        else:
            messages.info(request, "Every open incident of this problem has been told already.")
    return redirect("problem_detail", number=problem.number)
