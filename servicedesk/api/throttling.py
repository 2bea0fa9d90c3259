"""Per-token rate limits, counted in the default cache.

A fixed window per token (per user for a browser session, per address for the anonymous):
one atomic `incr` per request, so several web processes sharing a Redis cache (CACHE_URL)
count together. REST framework's own throttles keep a list of timestamps per client and
rewrite it on every request, which races between processes and grows with the rate.

Rates come from API_THROTTLE_RATES ({"user": "600/minute", "anon": "60/minute"}), read
on every request so they can be changed in settings (and in tests) without a restart of
the class machinery. Over the limit, the answer is 429 with Retry-After.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'600/minute' → (600, 60)."""
    count, _, period = rate.partition("/")
    if period not in PERIODS or not count.isdigit():
        raise ValueError(f"A rate looks like 600/minute (second, minute, hour or day), not {rate!r}.")
    return int(count), PERIODS[period]


class TokenRateThrottle(BaseThrottle):
    def allow_request(self, request: Request, view) -> bool:
        scope, ident = self.identify(request)
        rate = settings.API_THROTTLE_RATES.get(scope)
        if not rate:
            return True
        limit, period = parse_rate(rate)
        now = time.time()
        window = int(now // period)
        key = f"api-throttle:{scope}:{ident}:{period}:{window}"
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # the window expired between add and incr
            cache.set(key, 1, timeout=period + 1)
            count = 1
        if count <= limit:
            return True
        self._wait = (window + 1) * period - now
        return False

    def wait(self) -> float:
        return self._wait

    def identify(self, request: Request) -> tuple[str, str]:
        if isinstance(request.auth, Token):
            # The token itself never goes into the (possibly shared) cache.
            return "user", "token-" + hashlib.sha256(request.auth.key.encode()).hexdigest()[:32]
        if request.user and request.user.is_authenticated:
            return "user", f"user-{request.user.pk}"
        address = self.get_ident(request) or ""
        return "anon", "addr-" + hashlib.sha256(address.encode()).hexdigest()[:32]
