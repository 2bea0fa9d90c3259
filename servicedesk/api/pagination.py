"""Keyset ("cursor") pagination: stable while rows are inserted, fast at any depth.

A page is `ORDER BY <keys>, id LIMIT n+1`, and the next page starts strictly after the last
row's keys, never at an offset. Rows inserted meanwhile neither repeat nor push others off
a page, and page 10,000 costs what page 1 costs, provided an index leads with the first key.

A view declares what it may be ordered by::

    orderings = {"created_at": ("created_at",), "priority": ("priority", "-created_at")}
    default_ordering = "-created_at"

`?ordering=-priority` reverses every key. The primary key is appended as the last key, so
the order is total. Keys must be non-null columns of the model itself.

The cursor is opaque to clients (base64 of JSON); it carries the ordering it was made for.
"""

import base64
import binascii
import json
import operator
from datetime import UTC, datetime
from functools import reduce
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

Key = tuple[str, bool]  # (field name, descending)


class KeysetPagination(BasePagination):
    page_size = 50
    max_page_size = 200
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    ordering_query_param = "ordering"

    def paginate_queryset(self, queryset: QuerySet, request: Request, view=None) -> list[Model]:
        self.request = request
        self.page_size = self._page_size(request)
        ordering = self._ordering(request, view)
        keys = self._keys(queryset.model, view.orderings, ordering)
        cursor = self._cursor(request, queryset.model, keys, ordering)

        backwards = cursor is not None and cursor["direction"] == "previous"
        walk = [(field, not descending) for field, descending in keys] if backwards else keys
        rows = queryset.order_by(*[f"-{field}" if descending else field for field, descending in walk])
        if cursor is not None:
            rows = rows.filter(_after(walk, cursor["values"]))
        page = list(rows[: self.page_size + 1])
        more = len(page) > self.page_size
        page = page[: self.page_size]
        if backwards:
            page.reverse()

        url = replace_query_param(request.build_absolute_uri(), self.ordering_query_param, ordering)
        url = remove_query_param(url, self.cursor_query_param)
        has_next = (more and not backwards) or backwards
        has_previous = (more and backwards) or (cursor is not None and not backwards)
        self.next_link = self._link(url, "next", ordering, keys, page[-1]) if page and has_next else None
        self.previous_link = self._link(url, "previous", ordering, keys, page[0]) if page and has_previous else None
        return page

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.next_link, "previous": self.previous_link, "results": data})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page, or null on the last one."},
                "previous": {**link, "description": "The previous page, or null on the first one."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        choices = [name for base in view.orderings for name in (base, f"-{base}")]
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: copy it from the `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, {self.page_size} unless given.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
            {
                "name": self.ordering_query_param,
                "required": False,
                "in": "query",
                "description": f"Sort order; a leading `-` means descending. Default `{view.default_ordering}`.",
                "schema": {"type": "string", "enum": choices},
            },
        ]

    # --- parsing the request ---------------------------------------------------------

    def _page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if not raw:  # absent or empty (`?page_size=`): not given, as every empty parameter
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
        return size

    def _ordering(self, request: Request, view) -> str:
        ordering = request.query_params.get(self.ordering_query_param) or view.default_ordering
        if ordering.removeprefix("-") not in view.orderings:
            choices = ", ".join(view.orderings)
            raise ValidationError({self.ordering_query_param: [f"Order by one of {choices}, or its reverse with -."]})
        return ordering

    @staticmethod
    def _keys(model: type[Model], orderings: dict[str, tuple[str, ...]], ordering: str) -> list[Key]:
        reverse = ordering.startswith("-")
        keys = []
        for name in orderings[ordering.removeprefix("-")]:
            descending = name.startswith("-")
            keys.append((name.removeprefix("-"), descending != reverse))
        last_field = model._meta.get_field(keys[-1][0])
        if not (last_field.unique or last_field.primary_key):
            keys.append((model._meta.pk.name, keys[-1][1]))
        return keys

    def _cursor(self, request: Request, model: type[Model], keys: list[Key], ordering: str) -> dict | None:
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:  # absent or empty (`?cursor=`, as a form leaves it): the first page
            return None
        invalid = ValidationError({self.cursor_query_param: ["Invalid cursor: use the next or previous link as is."]})
        try:
            decoded = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"=" * (-len(raw) % 4)))
            direction, made_for, values = decoded["d"], decoded["o"], decoded["v"]
        except (ValueError, TypeError, KeyError, UnicodeEncodeError, binascii.Error):
            raise invalid from None
        if direction not in ("next", "previous") or made_for != ordering or not isinstance(values, list):
            raise invalid
        if len(values) != len(keys):
            raise invalid
        try:
            values = [
                _in_utc(model._meta.get_field(field).to_python(value))
                for (field, _), value in zip(keys, values, strict=True)
            ]
        except (DjangoValidationError, TypeError, ValueError, OverflowError):
            raise invalid from None
        if any(value is None for value in values):
            raise invalid
        return {"direction": direction, "values": values}

    def _link(self, url: str, direction: str, ordering: str, keys: list[Key], row: Model) -> str:
        values = [_jsonable(getattr(row, field)) for field, _ in keys]
        token = json.dumps({"d": direction, "o": ordering, "v": values}, separators=(",", ":"))
        encoded = base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")
        return replace_query_param(url, self.cursor_query_param, encoded)


def _after(keys: list[Key], values: list[Any]) -> Q:
    """Rows strictly after `values` in the order `keys`: (a, b) > (x, y) spelled out as
    a > x OR (a = x AND b > y), plus a >= x on its own so the database seeks the index on a
    instead of filtering every row before the page."""
    alternatives = []
    for index, (field, descending) in enumerate(keys):
        equal = {name: value for (name, _), value in zip(keys[:index], values[:index], strict=True)}
        alternatives.append(Q(**equal, **{f"{field}__{'lt' if descending else 'gt'}": values[index]}))
    first, descending = keys[0]
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": values[0]}) & reduce(operator.or_, alternatives)


def _in_utc(value: Any) -> Any:
    """Times go to the database in UTC: PostgreSQL refuses some offsets ISO 8601 allows, and
    a time without one is not a time this pagination wrote."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a cursor's times carry their offset")
        return value.astimezone(UTC)
    return value


def _jsonable(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
