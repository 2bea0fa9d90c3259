"""The incident page's "Similar incidents" panel, loaded by htmx beside the incident."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tickets.decorators import agent_required
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
