"""The incident page's "Similar incidents" panel (loaded by htmx beside the incident), and merging."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from tickets.decorators import agent_required
from tickets.merging import incident_merge as incident_merge_service
from tickets.models import Incident
from tickets.selectors import incident_get

from .selectors import incident_similar

PANEL_SIZE = 8


@agent_required
@require_GET
def similar_panel(request: HttpRequest, number: str) -> HttpResponse:
    incident = incident_get(user=request.user, number=number)
    return render(
        request,
        "similarity/_similar.html",
        {"incident": incident, "similar": incident_similar(incident=incident, limit=PANEL_SIZE)},
    )


@agent_required
@require_POST
def incident_merge(request: HttpRequest, number: str) -> HttpResponse:
    """Merge this incident into another (by number): it closes as that one's duplicate."""
    duplicate = incident_get(user=request.user, number=number)
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
