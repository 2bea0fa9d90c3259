"""One JSON error format, and bad input of every kind is a 4xx, never a 500."""

import json

import pytest

from tickets.models import Incident

pytestmark = pytest.mark.django_db

INCIDENTS = "/api/v1/incidents/"


def post_raw(client, body: bytes | str, content_type: str = "application/json", path: str = INCIDENTS):
    return client.generic("POST", path, body, content_type=content_type)


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert body["code"] == code
    assert body["message"]
    return body


@pytest.mark.parametrize(
    "body",
    [
        b'{"title": "unterminated',
        b"{'title': 'single quotes'}",
        b'{"title": NaN}',
        b"\xff\xfe not utf-8",
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["truncated", "single-quotes", "nan", "not-utf8", "nested-deep"],
)
def test_malformed_json_is_a_400(as_agent, body):
    assert_error(post_raw(as_agent, body), 400, "parse_error")
    assert not Incident.objects.exists()


def test_a_lone_surrogate_is_a_400_not_a_database_error(as_agent):
    body = assert_error(post_raw(as_agent, '{"title": "broken \\ud800 text"}'), 400, "parse_error")
    assert "unicode" in body["message"]


def test_a_nul_character_in_a_field_is_refused(as_agent):
    body = assert_error(post_raw(as_agent, json.dumps({"title": "a\x00b"})), 400, "invalid")
    assert body["errors"] == {"title": ["Null characters are not allowed."]}


def test_a_nul_character_in_the_query_string_is_refused(as_agent):
    body = assert_error(as_agent.get(INCIDENTS + "?search=a%00b"), 400, "invalid")
    assert body["errors"] == {"search": ["Null characters are not allowed."]}


def test_a_nul_character_in_the_path_is_just_not_found(as_agent):
    assert_error(as_agent.get("/api/v1/incidents/INC%00/"), 404, "not_found")


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"title": "x", "impact": "high"}, {"impact": ['"high" is not a valid choice.']}),
        ({"title": "x", "major": "perhaps"}, {"major": ["Must be a valid boolean."]}),
        ({"title": "x", "service": "VPN"}, {"service": ["Incorrect type. Expected pk value, received str."]}),
        ({"title": ["a", "list"]}, {"title": ["Not a valid string."]}),
        ({"title": "x" * 201}, {"title": ["Ensure this field has no more than 200 characters."]}),
        ({}, {"title": ["This field is required."]}),
        (["not", "an", "object"], {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}),
    ],
)
def test_wrong_types_are_a_400_per_field(as_agent, body, errors):
    response = assert_error(post_raw(as_agent, json.dumps(body)), 400, "invalid")
    assert response["errors"] == errors


def test_unknown_fields_are_a_400_not_silently_dropped(as_agent, contact):
    from ...factories import IncidentFactory

    incident = IncidentFactory(reporter=contact)
    response = as_agent.patch(f"{INCIDENTS}{incident.number}/", {"stauts": "in_progress"}, format="json")
    body = assert_error(response, 400, "invalid")
    assert body == {"message": "Unknown field.", "code": "invalid", "errors": {"stauts": ["Unknown field."]}}


def test_several_errors_are_all_reported(as_agent):
    body = assert_error(post_raw(as_agent, json.dumps({"impact": 7, "urgency": 0})), 400, "invalid")
    assert set(body["errors"]) == {"title", "impact", "urgency"}
    assert body["message"] == "The request is invalid: see title, impact, urgency."


def test_an_oversized_body_is_a_413(as_agent, settings):
    settings.API_MAX_BODY_BYTES = 1000
    body = assert_error(
        post_raw(as_agent, json.dumps({"title": "x", "description": "y" * 2000})), 413, "request_too_large"
    )
    assert body["message"] == "The request body is limited to 1000 bytes."
    assert not Incident.objects.exists()


def test_the_default_limit_takes_a_full_description_but_not_megabytes(as_agent):
    fits = json.dumps({"title": "Long one", "description": "é" * 20000})
    assert post_raw(as_agent, fits).status_code == 201
    assert_error(post_raw(as_agent, json.dumps({"title": "x" * (2 * 1024 * 1024)})), 413, "request_too_large")


def test_a_body_that_is_not_json_is_a_415(as_agent):
    assert_error(post_raw(as_agent, "title=x", "application/x-www-form-urlencoded"), 415, "unsupported_media_type")


def test_only_json_is_answered(as_agent):
    assert_error(as_agent.get(INCIDENTS, HTTP_ACCEPT="text/html"), 406, "not_acceptable")


def test_an_unknown_api_path_is_a_json_404(as_agent):
    for method in ("get", "post", "patch", "delete"):
        assert_error(getattr(as_agent, method)("/api/v1/tickets/"), 404, "not_found")


def test_a_method_an_endpoint_does_not_have_is_a_405(as_agent):
    assert_error(as_agent.delete(INCIDENTS), 405, "method_not_allowed")


def test_options_says_what_an_endpoint_reads_and_writes(as_agent):
    response = as_agent.options(INCIDENTS)
    assert response.status_code == 200
    assert response.json()["parses"] == ["application/json"]
    assert set(response["Allow"].split(", ")) == {"GET", "POST", "HEAD", "OPTIONS"}
