"""The base view of every endpoint: ETags, conditional requests, and input hygiene.

- A 200 answer to GET carries an `ETag`, the hash of its representation; `If-None-Match`
  with that tag gets 304 and no body.
- A PATCH may send `If-Match`: the object is locked, its current ETag compared, and a 412
  answered without changing anything when it moved on. Incidents compare in their services
  (`if_match_versions` gives the `expected_version` the pages give too); problems here
  (`require_if_match`).
- A NUL character in the path or the query string is refused before it reaches the
  database (PostgreSQL cannot store one and psycopg would raise).
"""

from django.http import HttpResponseNotModified, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request
from rest_framework.response import Response

from .etags import etag_for
from .exceptions import PreconditionFailed


def if_match_versions(request: Request) -> list[str] | None:
    """The versions an `If-Match` header accepts, for a service's `expected_version`; None
    when any will do (no header, or `*`). Weak tags never match a strong one, as before."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    tags = parse_etags(header)
    return None if "*" in tags else tags


def require_if_match(request: Request, current_etag: str) -> None:
    """Refuse (412) a write whose If-Match names another version than the current one.

    Call it with the object locked, in the transaction that then writes it."""
    header = request.headers.get("If-Match")
    if header is None:
        return
    tags = parse_etags(header)
    if "*" in tags or current_etag in tags:
        return
    raise PreconditionFailed()


class Metadata(SimpleMetadata):
    """OPTIONS says what an endpoint is and what it reads and writes (media types); the
    OpenAPI schema describes its fields. REST framework's default would build a form
    description from `serializer_class`, which these views, with separate input and output
    serializers, do not have."""

    def determine_actions(self, request, view) -> dict:
        return {}


class ServiceDeskAPIView(GenericAPIView):
    """Subclass this for every API endpoint (the settings give it auth, throttling,
    pagination and the error format). List views set `orderings` and `default_ordering`
    for the pagination; a PATCH that honours If-Match sets `etag_precondition = True` so
    the schema documents it."""

    orderings: dict[str, tuple[str, ...]] = {}
    default_ordering = ""
    etag_precondition = False
    metadata_class = Metadata

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if any("\x00" in str(value) for value in kwargs.values()):
            raise NotFound()
        bad = sorted({name for name, values in request.query_params.lists() if any("\x00" in v for v in values)})
        if bad:
            raise ValidationError({name: ["Null characters are not allowed."] for name in bad})

    def finalize_response(self, request: Request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Authorization"])
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and isinstance(response, Response)
            and response.data is not None
            and not response.has_header("ETag")
        ):
            etag = etag_for(response.data)
            response["ETag"] = etag
            wanted = parse_etags(request.headers.get("If-None-Match", ""))
            if etag in wanted or "*" in wanted:
                not_modified = HttpResponseNotModified()
                not_modified["ETag"] = etag
                patch_vary_headers(not_modified, ["Authorization", "Cookie"])
                return not_modified
        return response

    def paginated(self, queryset, serializer_class, **context) -> Response:
        """Filter, paginate and serialize a list selector's queryset."""
        page = self.paginate_queryset(self.filter_queryset(queryset))
        serializer = serializer_class(page, many=True, context={**self.get_serializer_context(), **context})
        return self.get_paginated_response(serializer.data)


@csrf_exempt  # any method, a cookie or not: the answer is the same 404, in JSON
def api_not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other path under /api/: a 404 in the API's error format, not an HTML page."""
    return JsonResponse({"message": "No such endpoint.", "code": "not_found", "errors": {}}, status=404)
