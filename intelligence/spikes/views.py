"""The alerts page, an alert's page with the messages behind it, and the actions on an alert
(agents and managers). Each view parses the request, calls one selector or service, renders."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from servicedesk.redirects import back_to
from tickets.decorators import agent_required

from . import selectors, services
from .models import AlertState

ALERTS_PAGE_SIZE = 50
MESSAGES_SHOWN = 200
STATE_FILTERS = [("open", "Open"), *AlertState.choices, ("", "All")]


def _int_or_none(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


@agent_required
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    if state not in dict(STATE_FILTERS):
        state = "open"
    page = selectors.alert_list(state=state, before=_int_or_none(request.GET.get("before")), size=ALERTS_PAGE_SIZE)
    return render(
        request,
        "spikes/alert_list.html",
        {"page": page, "state": state, "state_filters": STATE_FILTERS, "here": request.get_full_path()},
    )


@agent_required
@require_GET
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_get(pk=pk)
    rows = list(selectors.alert_messages(alert=alert, limit=MESSAGES_SHOWN + 1))
    return render(
        request,
        "spikes/alert_detail.html",
        {
            "alert": alert,
            "spike_messages": rows[:MESSAGES_SHOWN],
            "more_messages": len(rows) > MESSAGES_SHOWN,
            "messages_shown": MESSAGES_SHOWN,
            "here": request.get_full_path(),
        },
    )


def _act(request: HttpRequest, pk: int, action: Callable, done: Callable[[object], str]) -> HttpResponse:
    alert = selectors.alert_get(pk=pk)
    back = back_to(request, reverse("spikes:alert_detail", args=[pk]))
    try:
        result = action(alert=alert, actor=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(back)
    messages.success(request, done(result))
    return redirect(back)


@agent_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.alert_acknowledge, lambda alert: "Alert acknowledged.")


@agent_required
@require_POST
def alert_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.alert_resolve, lambda alert: "Alert resolved.")


@agent_required
@require_POST
def alert_major_incident(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, services.alert_open_major_incident, lambda incident: f"Major incident {incident.number} opened."
    )


@agent_required
@require_POST
def alert_problem(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.alert_open_problem, lambda problem: f"Problem {problem.number} opened.")
