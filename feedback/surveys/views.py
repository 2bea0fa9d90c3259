"""The survey's answer pages: the portal's 1–5 choice on an incident, and the page an e-mail's
rating link opens (it confirms the rating and takes a comment).

The link's page records nothing on GET: mail scanners open every link of a message, and would
otherwise rate each survey 1, 2, 3, 4 and 5 in turn. One button confirms."""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from servicedesk.shortcuts import get_or_404
from tickets import selectors as tickets
from tickets.decorators import customer_required
from tickets.forms import BootstrapForm

from . import services
from .links import rating_from_token

RATINGS = [(n, label) for n, label in ((1, "1 · bad"), (2, "2"), (3, "3"), (4, "4"), (5, "5 · great"))]


class AnswerForm(BootstrapForm):
    rating = forms.TypedChoiceField(
        choices=RATINGS, coerce=int, widget=forms.RadioSelect(attrs={"class": "btn-check"}), label="Your rating"
    )
    comment = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="Anything to add? (optional)"
    )


@customer_required
@require_POST
def portal_answer(request: HttpRequest, number: str) -> HttpResponse:
    incident = get_or_404(tickets.incident_get, user=request.user, number=number)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a number from 1 (bad) to 5 (great).")
    else:
        try:
            outcome = services.survey_answer_on_portal(
                incident=incident,
                user=request.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            thanks = f"Thank you: you rated {incident.number} {outcome.survey.rating} out of 5."
            if outcome.reopened:
                thanks += " You said the problem is back, so we reopened it."
            messages.success(request, thanks)
    return redirect(reverse("portal_incident", args=[incident.number]))


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    try:
        survey, linked = rating_from_token(token)
    except signing.SignatureExpired:
        return _closed(request, "This link has expired: answers to the survey are closed. Thank you all the same.")
    except signing.BadSignature:
        return _closed(
            request, "This link is not valid: it may have been cut or changed. Try the link in the e-mail again."
        )
    form = AnswerForm(request.POST or None, initial={"rating": linked})
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.survey_answer_by_link(
                token=token, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            return _closed(request, " ".join(error.messages))
        return render(request, "feedback/survey_thanks.html", {"survey": outcome.survey, "outcome": outcome})
    return render(
        request,
        "feedback/survey_rate.html",
        {"survey": survey, "incident": survey.incident, "form": form, "linked": linked},
        status=400 if form.errors else 200,
    )


def _closed(request: HttpRequest, text: str) -> HttpResponse:
    return render(request, "feedback/survey_closed.html", {"text": text}, status=400)
