"""The shapes every page repeats, written once.

- `get_or_404`: a selector answers with data or raises the model's `DoesNotExist`; turning
  that into a 404 is the page's job (and the API's), not the selector's.
- `submit_form`: a valid form → one service call → its `ValidationError` back on the form,
  beside the field it concerns, with nothing saved → or a flash message and a redirect.
- `act_and_redirect`: a button (no form to show again) → one service call → its refusal or
  its success as a flash message → back where the button was.
- `int_or_none`: an id or a cursor from the query string, or None if it is not one.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

T = TypeVar("T")


def int_or_none(value: str | None) -> int | None:
    """A positive id that fits PostgreSQL's bigint, or None: a stale or hand-edited URL is
    ignored, not an error."""
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


def get_or_404(selector: Callable[..., T], /, **kwargs: Any) -> T:
    """`selector(**kwargs)`, or a 404 saying what was not found if it raises `DoesNotExist`.

    A record `user` may not see is "not found" too (the selectors filter by who asks), so a
    guessed number tells an outsider nothing."""
    try:
        return selector(**kwargs)
    except ObjectDoesNotExist as missing:
        raise Http404(*missing.args) from None


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, beside the field it concerns."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def submit_form(
    request: HttpRequest,
    form: forms.Form,
    action: Callable[[dict[str, Any]], T],
    *,
    success: str | Callable[[T], str],
    redirect_to: str | Callable[[T], str],
) -> HttpResponse | None:
    """Validate `form` and call `action(form.cleaned_data)`; on success flash `success` and
    redirect to `redirect_to` (either may be worked out from what the action returned).

    None means "show the form again": it is invalid, or the service refused and its reasons
    are now on the form. The caller renders its page with that form (status 400)."""
    if not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)


def flash_form_errors(request: HttpRequest, form: forms.Form) -> None:
    """A form posted from a page that does not show it again (a button, a bulk bar): its
    errors become flash messages on the page it goes back to."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def act_and_redirect(
    request: HttpRequest,
    action: Callable[[], T],
    *,
    success: str | Callable[[T], str],
    back: str,
    refused: str = "",
) -> HttpResponse:
    """Call `action()`; flash its refusal's reasons (and `refused`, if given) or `success`,
    and go `back`."""
    try:
        result = action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        if refused:
            messages.error(request, refused)
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(back)
