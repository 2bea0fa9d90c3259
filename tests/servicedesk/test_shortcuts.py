"""servicedesk/shortcuts.py: the shapes every page repeats."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import RequestFactory

from servicedesk.shortcuts import act_and_redirect, get_or_404, int_or_none, submit_form
from tickets.models import Incident


class TitleForm(forms.Form):
    title = forms.CharField(max_length=10)


def post(data: dict | None = None):
    request = RequestFactory().post("/somewhere/", data or {})
    request._messages = CookieStorage(request)
    return request


def flashed(request) -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in get_messages(request)]


def test_what_a_selector_did_not_find_is_a_404_with_its_words():
    def incident_get(*, number):
        raise Incident.DoesNotExist("No such incident.")

    with pytest.raises(Http404, match="No such incident"):
        get_or_404(incident_get, number="INC0000404")
    assert get_or_404(lambda *, number: number, number="INC1") == "INC1"


def test_an_invalid_form_is_shown_again_and_the_service_is_not_called():
    calls = []
    request = post({"title": "far too long a title"})
    form = TitleForm(request.POST)
    assert submit_form(request, form, calls.append, success="Saved.", redirect_to="/done/") is None
    assert calls == [] and "title" in form.errors and flashed(request) == []


def test_a_services_refusal_goes_on_the_form_beside_its_field():
    def refuse(data):
        raise ValidationError({"title": "Taken.", "status": "Not now."})

    request = post({"title": "Mine"})
    form = TitleForm(request.POST)
    assert submit_form(request, form, refuse, success="Saved.", redirect_to="/done/") is None
    # A field the form does not have: the message is shown above the form, not lost.
    assert form.errors == {"title": ["Taken."], "__all__": ["Not now."]}


def test_success_is_flashed_and_redirected_from_what_the_service_returned():
    request = post({"title": "Mine"})
    response = submit_form(
        request,
        TitleForm(request.POST),
        lambda data: data["title"].upper(),
        success=lambda result: f"{result} saved.",
        redirect_to=lambda result: f"/things/{result}/",
    )
    assert (response.status_code, response["Location"]) == (302, "/things/MINE/")
    assert flashed(request) == [("success", "MINE saved.")]


def test_a_button_flashes_the_refusal_and_goes_back():
    def refuse():
        raise ValidationError(["INC1 cannot move.", "INC2 cannot move."])

    request = post()
    response = act_and_redirect(request, refuse, success="Done.", back="/queue/", refused="Nothing was changed.")
    assert response["Location"] == "/queue/"
    assert flashed(request) == [
        ("error", "INC1 cannot move."),
        ("error", "INC2 cannot move."),
        ("error", "Nothing was changed."),
    ]
    request = post()
    act_and_redirect(request, lambda: 3, success=lambda n: f"{n} moved.", back="/queue/")
    assert flashed(request) == [("success", "3 moved.")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (None, None), ("", None), ("x", None), ("0", None), ("-3", None), (str(2**63), None)],
)
def test_an_id_from_the_query_string_is_a_positive_bigint_or_nothing(value, expected):
    assert int_or_none(value) == expected
