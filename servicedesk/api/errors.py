"""One error format for the whole API.

Every 4xx is JSON of the same shape::

    {"message": "An incident cannot go from Closed to In progress.",
     "code": "invalid",
     "errors": {"status": ["An incident cannot go from Closed to In progress."]}}

`message` is for people, `code` for programs, `errors` maps each field (dotted for nested
input, `non_field_errors` otherwise) to its messages. Services raise Django's
`ValidationError` with a field → messages dict; it becomes a 400 here, or a 409 with the code
`conflict` when every message is a refusal by the object's state (`servicedesk.errors`).
"""

import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from ..errors import is_state_conflict
from .exceptions import StateConflict


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (documents the format in the schema)."""

    message = serializers.CharField(help_text="What went wrong, for people.")
    code = serializers.CharField(
        help_text="What went wrong, for programs: invalid, parse_error, not_authenticated, "
        "authentication_failed, permission_denied, not_found, method_not_allowed, not_acceptable, "
        "conflict, precondition_failed, request_too_large, unsupported_media_type, throttled."
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field of the request; empty unless the request was invalid.",
    )


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """REST framework's EXCEPTION_HANDLER: every known error becomes one JSON shape."""
    if isinstance(exc, DjangoValidationError) and is_state_conflict(exc):
        exc = StateConflict(_django_errors(exc))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_errors(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: let Django log it and answer 500

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))
    set_rollback()
    return Response(error_body(exc), status=exc.status_code, headers=headers)


def error_body(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        messages = [message for field_messages in errors.values() for message in field_messages]
        message = messages[0] if len(messages) == 1 else f"The request is invalid: see {', '.join(errors)}."
        return {"message": message, "code": "invalid", "errors": errors}
    detail = exc.detail
    if isinstance(detail, dict | list):
        errors = _flatten(detail)
        message = next(iter(next(iter(errors.values()), [])), exc.default_detail)
    else:
        message, errors = str(detail), {}
    code = getattr(detail, "code", None) or exc.default_code
    return {"message": str(message), "code": str(code), "errors": errors}


def _django_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field): list(messages)
            for field, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: list(error.messages)}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"a": {"0": ["x"]}} → {"a.0": ["x"]}: one level, so clients need no recursion."""
    key = prefix or api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for name, value in detail.items():
            flat.update(_flatten(value, f"{prefix}.{name}" if prefix else str(name)))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {key: [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            if item:
                flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {key: [str(detail)]}
