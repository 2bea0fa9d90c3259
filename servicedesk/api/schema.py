"""The OpenAPI generator: drf-spectacular, plus what every operation of this API shares.

Each operation gets its error responses (in the one error format) without each view
repeating them, the ETag and Retry-After response headers, and If-Match / If-None-Match
where they apply. A view only describes its own request and success bodies.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from .errors import ErrorSerializer
from .serializers import StrictInputSerializer

ERRORS = {
    "400": "The request is invalid: see `errors` for each field (or query parameter).",
    "401": "No credentials, or wrong ones: send `Authorization: Token <key>` or log in.",
    "403": "Your role may not do this.",
    "404": "No such object, or not one you may see.",
    "406": "The API answers in JSON only (`Accept: application/json`).",
    "409": "The object's current state refuses this (an incident that is closed cannot be reopened as new): "
    "fetch it again; `errors` says what stood in the way.",
    "412": "`If-Match` names an older version: fetch the object again and retry with its ETag.",
    "413": "The request body is larger than the API accepts.",
    "415": "Send the request body as `application/json`.",
    "429": "Too many requests for this token: wait for `Retry-After` seconds.",
}


# What Python (and so REST framework's `trim_whitespace`) strips as whitespace, spelled out:
# a regex's `\s` is not the same set in every engine.
PYTHON_WHITESPACE = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
# Text that must not be blank: one character at least that is neither whitespace nor NUL.
NOT_BLANK = f"^[^\\x00]*[^{PYTHON_WHITESPACE}\\x00][^\\x00]*$"


class ServiceDeskAutoSchema(AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and type(field) is serializers.CharField
            and not field.allow_blank
            and field.trim_whitespace
            and schema.get("type") == "string"
            and "pattern" not in schema
        ):
            # REST framework refuses text that is only whitespace (it trims, then finds it
            # blank): a schema that only says minLength 1 would promise " " is fine.
            schema["pattern"] = NOT_BLANK
        return schema

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, StrictInputSerializer):
            schema["additionalProperties"] = False  # it answers 400 for a field it does not declare
        return schema

    def _error_codes(self) -> list[str]:
        codes = ["406", "429"]
        if not all(permission is AllowAny for permission in self.view.permission_classes):
            codes += ["401", "403"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["400", "413", "415"]
        elif self._is_list_view() or getattr(self.view, "validates_query", False):
            codes.append("400")  # a filter, ordering, page size or cursor (or query parameter) it cannot use
        if "{" in self.path:
            codes.append("404")
        if self.method in ("POST", "PATCH") and "{" in self.path:
            codes.append("409")  # an action on an object its state refuses (servicedesk.errors)
        if self.method == "PATCH" and getattr(self.view, "etag_precondition", False):
            codes.append("412")
        return sorted(set(codes))

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=ERRORS[code]), code, direction=direction
                )
        if self.method == "GET":
            responses.setdefault("304", {"description": "Not modified: `If-None-Match` names the current ETag."})
        return responses

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        success = ["200", "201"]
        if self.method in ("GET", "PATCH", "POST"):
            parameters.append(
                OpenApiParameter(
                    "ETag",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    response=success,
                    description="The version of this representation, for If-None-Match and If-Match.",
                )
            )
        parameters.append(
            OpenApiParameter(
                "Retry-After",
                OpenApiTypes.INT,
                OpenApiParameter.HEADER,
                response=["429"],
                description="Seconds to wait before the next request.",
            )
        )
        if self.method == "GET":
            parameters.append(
                OpenApiParameter(
                    "If-None-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description="An ETag you hold: the answer is 304 with no body while it is still current.",
                )
            )
        if self.method == "PATCH" and getattr(self.view, "etag_precondition", False):
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description="The ETag you read: the change is made only if the object has not changed since "
                    "(else 412, and nothing changes).",
                )
            )
        return parameters


# Text never holds U+0000: PostgreSQL cannot store it, and Django's and REST framework's text
# fields refuse it with a 400. The schema says so, for every free text a request carries.
NO_NUL = "^[^\\u0000]*$"


def _forbid_nul(schema: dict) -> None:
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not {"enum", "pattern", "format"} & schema.keys():
        schema["pattern"] = NO_NUL
    for value in schema.get("properties", {}).values():
        _forbid_nul(value)
    _forbid_nul(schema.get("items"))


def forbid_nul_in_request_text(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: the request side of the schema only."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _forbid_nul(component)
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") in ("query", "path"):
                    _forbid_nul(parameter.get("schema"))
    return result


def empty_query_parameter_is_not_given(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook. An optional query parameter sent empty (`?cursor=`,
    `?updated_before=`, as a form leaves it) is one not given, everywhere in the API: the
    schema says so (`allowEmptyValue`), whatever its format."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result
