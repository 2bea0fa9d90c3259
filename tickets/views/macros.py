"""Saved replies: the agents' own and the shared ones (kept by managers), and the picker the
reply box opens (type / at the start of a line) with each filled in for the incident."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicedesk.shortcuts import act_and_redirect, get_or_404, submit_form

from .. import selectors, services
from ..decorators import agent_required
from ..forms import MacroForm
from ..models import Macro


def _macro_for_change(request: HttpRequest, pk: int) -> Macro:
    """A saved reply the agent may use (the services say whether they may change it)."""
    return get_or_404(lambda *, user, pk: selectors.macros_for(user=user).get(pk=pk), user=request.user, pk=pk)


@agent_required
@require_GET
def macro_list(request: HttpRequest) -> HttpResponse:
    macros = list(selectors.macros_for(user=request.user))
    return render(
        request,
        "tickets/macro_list.html",
        {
            "personal": [m for m in macros if not m.shared],
            "shared": [m for m in macros if m.shared],
            "manages_shared": services.can_manage_shared_macros(request.user),
            "placeholders": services.PLACEHOLDERS,
        },
    )


def _render_form(request: HttpRequest, form: MacroForm, *, macro: Macro | None = None, status: int = 200):
    return render(
        request,
        "tickets/macro_form.html",
        {"form": form, "macro": macro, "placeholders": services.PLACEHOLDERS},
        status=status,
    )


@agent_required
@require_http_methods(["GET", "POST"])
def macro_create(request: HttpRequest) -> HttpResponse:
    manages_shared = services.can_manage_shared_macros(request.user)
    if request.method == "GET":
        return _render_form(request, MacroForm(manages_shared=manages_shared))
    form = MacroForm(request.POST, manages_shared=manages_shared)
    return submit_form(
        request,
        form,
        lambda data: services.macro_create(actor=request.user, **data),
        success=lambda macro: f"Saved reply “{macro.name}” added.",
        redirect_to=reverse("macro_list"),
    ) or _render_form(request, form, status=400)


@agent_required
@require_http_methods(["GET", "POST"])
def macro_update(request: HttpRequest, pk: int) -> HttpResponse:
    macro = _macro_for_change(request, pk)
    if request.method == "GET":
        return _render_form(request, MacroForm(instance=macro), macro=macro)
    form = MacroForm(request.POST, instance=macro)
    return submit_form(
        request,
        form,
        lambda data: services.macro_update(macro=macro, actor=request.user, **data),
        success=lambda saved: f"Saved reply “{saved.name}” changed.",
        redirect_to=reverse("macro_list"),
    ) or _render_form(request, form, macro=macro, status=400)


@agent_required
@require_POST
def macro_delete(request: HttpRequest, pk: int) -> HttpResponse:
    macro = _macro_for_change(request, pk)
    name = macro.name
    return act_and_redirect(
        request,
        lambda: services.macro_delete(macro=macro, actor=request.user),
        success=f"Saved reply “{name}” deleted.",
        back=reverse("macro_list"),
    )


@agent_required
@require_GET
def incident_macros(request: HttpRequest, number: str) -> HttpResponse:
    """The picker's options for this incident: saved replies filled in, then known errors'
    workarounds (the incident's own problem first). Two queries beside the incident's."""
    incident = get_or_404(selectors.incident_get, user=request.user, number=number)
    options = [
        {
            "macro": macro,
            "text": services.macro_render(text=macro.body, incident=incident, agent=request.user),
        }
        for macro in selectors.macros_for(user=request.user)
    ]
    known_errors = [
        {
            "problem": problem,
            "text": services.known_error_reply(problem=problem),
            "own": problem.pk == incident.problem_id,
        }
        for problem in selectors.known_errors_for_reply(incident=incident)
    ]
    return render(request, "tickets/_macro_options.html", {"options": options, "known_errors": known_errors})
