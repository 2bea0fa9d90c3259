"""The API reads JSON only, up to API_MAX_BODY_BYTES.

REST framework's own JSON parser reads the request stream without Django's upload limit
and lets a few inputs through to a 500 (a body nested thousands deep, lone UTF-16
surrogates that PostgreSQL cannot store). This one answers each with a 4xx.
"""

import json
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from .exceptions import RequestTooLarge


class JSONBodyParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        parser_context = parser_context or {}
        limit = settings.API_MAX_BODY_BYTES
        request = parser_context.get("request")
        meta = request.META if request is not None else {}
        try:
            declared = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            raise RequestTooLarge(f"The request body is limited to {limit} bytes.")
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge(f"The request body is limited to {limit} bytes.")
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise ParseError(f"The request body is not valid {encoding} text.") from None
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except ValueError as error:
            raise ParseError(f"The request body is not valid JSON: {error}.") from None
        except RecursionError:
            raise ParseError("The request body is nested too deeply.") from None
        _refuse_lone_surrogates(data)
        return data


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


def _refuse_lone_surrogates(data: Any) -> None:
    """JSON may escape half of a UTF-16 pair ("\\ud800"); such text has no UTF-8 form.

    Iterative: a body nested hundreds deep must not exhaust the stack here either."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ParseError("The request body contains an invalid unicode escape.") from None
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
