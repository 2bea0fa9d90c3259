"""Rate limits, counted in a cache every web process shares.

A fixed window per key: one atomic `add` and `incr` per request, so web processes sharing
a Redis cache count together (each process counting alone let four workers through at four
times the rate). The cache is the `ratelimit` alias of CACHES, which the settings point at
Redis whenever the desk has one (see RATELIMIT_CACHE_URL).

Used by the API's throttle (`servicedesk.api.throttling`), the refusal of token guessing
(`servicedesk.api.authentication`) and the limit on page writes (`WriteRateLimitMiddleware`
below). Rates read like "600/minute" (second, minute, hour or day).
"""

import hashlib
import logging
import math
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from .clients import client_address

logger = logging.getLogger(__name__)

CACHE_ALIAS = "ratelimit"
PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def parse_rate(rate: str) -> tuple[int, int]:
    """'600/minute' → (600, 60)."""
    count, _, period = rate.partition("/")
    if period not in PERIODS or not count.isdigit():
        raise ValueError(f"A rate looks like 600/minute (second, minute, hour or day), not {rate!r}.")
    return int(count), PERIODS[period]


def _key(scope: str, ident: str, period: int, window: int) -> str:
    # Hashed: no token or address is kept in clear in a shared cache, and keys stay short.
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    return f"{scope}:{digest}:{period}:{window}"


def hit(scope: str, ident: str, rate: str) -> float | None:
    """Count one request of `ident` in `scope` against `rate`.

    None while it is within the rate, else the seconds until its window ends. A cache that
    does not answer lets the request through (logged): a Redis outage must not take every
    page and endpoint down with it.
    """
    limit, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    key = _key(scope, ident, period, window)
    cache = caches[CACHE_ALIAS]
    try:
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # the window expired between add and incr
            cache.set(key, 1, timeout=period + 1)
            count = 1
    except Exception:  # any backend's connection error; the cache is not our data
        logger.warning("Rate limit %s not counted: the rate-limit cache does not answer", scope, exc_info=True)
        return None
    if count <= limit:
        return None
    return (window + 1) * period - now


def exceeded(scope: str, ident: str, rate: str) -> float | None:
    """Like `hit` without counting: the seconds to wait if `ident` is already past `rate`."""
    limit, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    try:
        count = caches[CACHE_ALIAS].get(_key(scope, ident, period, window), 0)
    except Exception:
        logger.warning("Rate limit %s not read: the rate-limit cache does not answer", scope, exc_info=True)
        return None
    if count < limit:
        return None
    return (window + 1) * period - now


# --- writes from pages --------------------------------------------------------------


def write_rate(setting: str) -> Callable:
    """Give one view a limit on writes of its own, named by a setting that is read on each
    request; applied where its URL is declared. E.g. the password reset form, which mails
    whoever it names: `write_rate("PASSWORD_RESET_RATE")(view)`."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, **kwargs)

        wrapper.write_rate_setting = setting
        return wrapper

    return decorate


class WriteRateLimitMiddleware:
    """Limits the writes people make through pages: per user, or per address for the
    anonymous (the login and password reset forms), at PAGE_WRITE_RATE unless the view says
    otherwise (`write_rate`); an empty rate turns the limit off.

    A page write is a POST, PUT, PATCH or DELETE to a view protected against CSRF, which is
    what a browser form or htmx sends. Views exempt from CSRF are not pages: the API has its
    own throttle per token, and the platforms' webhooks must never be refused for volume.
    Past the rate the answer is a 429 page that says how long to wait.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args, view_kwargs) -> HttpResponse | None:
        if request.method not in UNSAFE_METHODS or getattr(view_func, "csrf_exempt", False):
            return None
        own_setting = getattr(view_func, "write_rate_setting", None)
        rate = getattr(settings, own_setting or "PAGE_WRITE_RATE")
        if not rate:
            return None
        user = request.user
        ident = f"user-{user.pk}" if user.is_authenticated else f"address-{client_address(request)}"
        # A view with a rate of its own counts apart from the others.
        scope = f"page-writes:{own_setting}" if own_setting else "page-writes"
        wait = hit(scope, ident, rate)
        if wait is None:
            return None
        return too_many_requests(request, wait)


def too_many_requests(request: HttpRequest, wait: float) -> HttpResponse:
    seconds = max(1, math.ceil(wait))
    body = render_to_string("429.html", {"retry_after": seconds}, request=request)
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(seconds)
    return response
