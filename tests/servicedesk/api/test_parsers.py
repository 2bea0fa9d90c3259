"""servicedesk/api/parsers.py: the API's JSON reader answers every bad body with a 4xx,
never a 500."""

import io

import pytest
from django.test import RequestFactory
from rest_framework.exceptions import ParseError

from servicedesk.api.exceptions import RequestTooLarge
from servicedesk.api.parsers import JSONBodyParser


def parse(body: bytes, **meta):
    request = RequestFactory().post("/api/v1/x/", data=body, content_type="application/json", **meta)
    return JSONBodyParser().parse(io.BytesIO(body), parser_context={"request": request, "encoding": "utf-8"})


def test_json_is_read():
    assert parse(b'{"title": "Mail is down", "urgency": 2}') == {"title": "Mail is down", "urgency": 2}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"a": NaN}', "NaN is not a JSON value"),
        (b"\xff\xfe", "not valid utf-8 text"),
        (b'{"title": "\\ud800"}', "invalid unicode escape"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_a_bad_body_is_a_parse_error_saying_why(body, message):
    with pytest.raises(ParseError, match=message):
        parse(body)


def test_a_body_over_the_limit_is_refused_before_it_is_read(settings):
    settings.API_MAX_BODY_BYTES = 10
    with pytest.raises(RequestTooLarge):
        parse(b'{"title": "far more than ten bytes"}')
    with pytest.raises(RequestTooLarge):  # a Content-Length that lies is no way round it
        parse(b'{"title": "far more than ten bytes"}', CONTENT_LENGTH="5")
