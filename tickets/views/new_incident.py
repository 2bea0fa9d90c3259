"""The console's new-incident page: an agent raises an incident for somebody who called, came to
the desk or wrote in a chat. Beside the form, as the agent types, the self-service panel's
agents' side (the status app's: the suggested service, similar open incidents, known errors
with their internal workaround); "This is the same" on a similar incident adds the person to it
instead of raising a duplicate. Refused input comes back with everything typed."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from servicedesk.shortcuts import int_or_none, submit_form

from .. import selectors, services
from ..decorators import agent_required
from ..forms import NEW_REPORTER, IncidentNewForm
from ..models import Comment, Contact, Incident
from ..reporter_search import reporter_choices, reporter_get, with_identities


def _reporter(data: dict[str, Any]) -> Contact | services.NewContact:
    if data["reporter"] == NEW_REPORTER:
        return services.NewContact(name=data["reporter_name"], email=data["reporter_email"])
    try:
        return reporter_get(pk=data["reporter"])
    except Contact.DoesNotExist:
        raise ValidationError({"reporter": "That contact is no longer there: find them again."}) from None


def _raise(request: HttpRequest, data: dict[str, Any]) -> Incident | Comment:
    """One service call: raise the incident, or (`same_as`) add the person to that one."""
    fields = {"channel": data["channel"], "title": data["title"], "description": data["description"]}
    if data["same_as"]:
        try:
            incident = selectors.incident_get(user=request.user, number=data["same_as"])
        except Incident.DoesNotExist:
            raise ValidationError({"same_as": f"There is no incident {data['same_as']}."}) from None
        return services.incident_also_reported(
            incident=incident, actor=request.user, reporter=_reporter(data), **fields
        )
    return services.incident_raise_on_behalf(
        actor=request.user,
        reporter=_reporter(data),
        service=data["service"],
        impact=data["impact"],
        urgency=data["urgency"],
        assignment_group=data["assignment_group"],
        assignee=data["assignee"],
        **fields,
    )


def _done(result: Incident | Comment) -> str:
    if isinstance(result, Comment):
        return f"Added to {result.incident.number} as a note: no new incident was raised."
    return f"{result.number} raised for {result.reporter.name}."


def _page(result: Incident | Comment) -> str:
    incident = result.incident if isinstance(result, Comment) else result
    return reverse("incident_detail", args=[incident.number])


@agent_required
def incident_new(request: HttpRequest) -> HttpResponse:
    form = IncidentNewForm(request.POST or None)
    if request.method == "POST":
        response = submit_form(request, form, lambda data: _raise(request, data), success=_done, redirect_to=_page)
        if response:
            return response
    # Shown again, the form lists what the agent had found, and keeps the person chosen.
    choices = (
        reporter_choices(q=form.data.get("reporter_q", ""), chosen_id=form.chosen_contact_id()) if form.is_bound else []
    )
    return render(
        request,
        "tickets/incident_new.html",
        {"form": form, "reporters": with_identities(choices), "chosen": form.chosen_contact_id()},
        status=400 if form.errors else 200,
    )


@agent_required
@require_GET
def incident_new_reporters(request: HttpRequest) -> HttpResponse:
    """The contacts the reporter search names (an htmx fragment), the one chosen kept first."""
    q = request.GET.get("reporter_q", "")
    chosen = int_or_none(request.GET.get("reporter"))
    return render(
        request,
        "tickets/_reporter_choices.html",
        {"reporters": with_identities(reporter_choices(q=q, chosen_id=chosen)), "chosen": chosen, "q": q.strip()},
    )
