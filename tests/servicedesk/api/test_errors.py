"""servicedesk/api/errors.py: every error an endpoint raises becomes the one JSON shape,
whichever layer raised it (a serializer, a service, a selector's 404, a permission check).
The endpoints' own tests (tests/tickets/api/test_errors.py) show it over HTTP."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions

from servicedesk.api.errors import api_exception_handler, error_body
from servicedesk.api.exceptions import PreconditionFailed
from servicedesk.errors import state_conflict


def handled(exc: Exception):
    return api_exception_handler(exc, {})


def test_a_services_validation_error_is_a_400_per_field():
    response = handled(ValidationError({"status": "An incident cannot go from Closed to New.", "__all__": "And more."}))
    assert response.status_code == 400
    assert response.data == {
        "message": "The request is invalid: see status, non_field_errors.",
        "code": "invalid",
        "errors": {"status": ["An incident cannot go from Closed to New."], "non_field_errors": ["And more."]},
    }


def test_a_refusal_by_an_objects_state_is_a_409():
    response = handled(state_conflict({"status": ["INC0000001 cannot go from Closed to New.", "INC0000002 too."]}))
    assert response.status_code == 409
    assert response.data == {
        "message": "INC0000001 cannot go from Closed to New.",
        "code": "conflict",
        "errors": {"status": ["INC0000001 cannot go from Closed to New.", "INC0000002 too."]},
    }


def test_a_state_conflict_beside_a_bad_field_is_still_a_400():
    # The request must be mended first: one message that is not about the state makes it a 400.
    conflict = state_conflict({"status": "A problem cannot go from Closed to New."})
    mixed = ValidationError({**conflict.error_dict, "resolution": ["Resolving needs a resolution note."]})
    response = handled(mixed)
    assert (response.status_code, response.data["code"]) == (400, "invalid")
    assert set(response.data["errors"]) == {"status", "resolution"}


def test_one_message_is_the_message():
    response = handled(ValidationError("Select at least one incident."))
    assert response.data["message"] == "Select at least one incident."
    assert response.data["errors"] == {"non_field_errors": ["Select at least one incident."]}


def test_not_found_and_refused_keep_their_words():
    assert handled(Http404("No such incident.")).data == {
        "message": "No such incident.",
        "code": "not_found",
        "errors": {},
    }
    refused = handled(PermissionDenied("Customers write public replies only."))
    assert (refused.status_code, refused.data["code"], refused.data["message"]) == (
        403,
        "permission_denied",
        "Customers write public replies only.",
    )


def test_nested_input_errors_are_flattened_to_dotted_names():
    body = error_body(exceptions.ValidationError({"incidents": {"0": ["No incident INC1."]}, "title": ["Too long."]}))
    assert body["errors"] == {"incidents.0": ["No incident INC1."], "title": ["Too long."]}


def test_throttling_says_when_to_come_back():
    response = handled(exceptions.Throttled(wait=1.2))
    assert (response.status_code, response["Retry-After"], response.data["code"]) == (429, "2", "throttled")


def test_a_stale_etag_is_a_412():
    response = handled(PreconditionFailed())
    assert (response.status_code, response.data["code"]) == (412, "precondition_failed")


def test_a_bug_is_left_to_django_as_a_500():
    assert handled(KeyError("oops")) is None
