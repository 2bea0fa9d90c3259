"""Middleware of the whole site: the health probe, and what no answer may be cached as."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    """Answers GET /healthz before anything else looks at the request.

    First in MIDDLEWARE on purpose: the probe of docker compose (or a load balancer) comes
    from inside, by address (`127.0.0.1:8000`) and over plain HTTP, so host validation
    (ALLOWED_HOSTS names the public host) would answer 400 and the HTTPS redirect 301. The
    answer says only whether the database answers, so skipping both costs nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info != HEALTH_PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse({"status": "method not allowed"}, status=405)
            response["Allow"] = "GET, HEAD"
        else:
            response = self._check()
        response["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def _check() -> JsonResponse:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            logger.exception("Health check: the database does not answer")
            return JsonResponse({"status": "database unavailable"}, status=503)
        return JsonResponse({"status": "ok"})


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every answer whose view did not say otherwise.

    Pages carry people's incidents and the API their data: no browser history, back button
    cache or shared proxy may keep a copy once the person has logged out. Static files are
    served above this middleware (WhiteNoise), with their own long-lived caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
