"""The self-service panel of the forms that raise an incident: suggestions as somebody types
(an HTML fragment the panel fetches, debounced), and "This solved it". Customers get what
the public may see; agents (the console's new-incident form) also get the triage's service,
similar open incidents and internal known errors."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from tickets.access import is_agent, is_customer
from tickets.decorators import customer_required

from .self_service import self_service_deflect, self_service_suggestions

TEXT_CHARS = 5000


class TypedTextForm(forms.Form):
    """What the raise form holds so far: its title and description."""

    title = forms.CharField(required=False, max_length=TEXT_CHARS)
    description = forms.CharField(required=False, max_length=TEXT_CHARS)

    def text(self) -> str:
        if not self.is_valid():
            return ""
        return f"{self.cleaned_data['title'].strip()}\n{self.cleaned_data['description'].strip()}".strip()


class DeflectForm(TypedTextForm):
    key = forms.UUIDField()
    known_error = forms.IntegerField(required=False, min_value=1)
    outage_service = forms.IntegerField(required=False, min_value=1)


@login_required
@require_GET
def self_service_suggest(request: HttpRequest) -> HttpResponse:
    agent = is_agent(request.user)
    if not agent and not is_customer(request.user):
        raise PermissionDenied("Suggestions are for the people raising an incident.")
    suggestions = self_service_suggestions(text=TypedTextForm(request.GET).text())
    template = "status/_self_service_console.html" if agent else "status/_self_service_results.html"
    return render(request, template, {"suggestions": suggestions})


@customer_required
@require_POST
def self_service_solved(request: HttpRequest) -> HttpResponse:
    """Record the deflection; answer the panel's thanks (or, without scripts, go home)."""
    form = DeflectForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            self_service_deflect(
                key=form.cleaned_data["key"],
                text=form.text(),
                user=request.user,
                known_error_id=form.cleaned_data["known_error"],
                outage_service_id=form.cleaned_data["outage_service"],
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
    else:
        error = "That suggestion could not be recorded; please try again."
    if error:
        return render(request, "status/_self_service_error.html", {"error": error}, status=400)
    if not request.htmx:
        return redirect(reverse("portal_home"))
    return render(request, "status/_self_service_solved.html")
