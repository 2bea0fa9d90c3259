"""Per-token rate limits, counted in the shared rate-limit cache (`servicedesk.ratelimit`).

A fixed window per token (per user for a browser session, per client address for the
anonymous): one atomic `incr` per request, so several web processes count together.
REST framework's own throttles keep a list of timestamps per client in the default cache
and rewrite it on every request, which races between processes and grows with the rate.

Rates come from API_THROTTLE_RATES ({"user": "600/minute", "anon": "60/minute"}), read
on every request so they can be changed in settings (and in tests) without a restart of
the class machinery. Over the limit, the answer is 429 with Retry-After.
"""

from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from servicedesk import ratelimit
from servicedesk.clients import client_address
from servicedesk.ratelimit import PERIODS, parse_rate

__all__ = ["PERIODS", "TokenRateThrottle", "parse_rate"]


class TokenRateThrottle(BaseThrottle):
    def allow_request(self, request: Request, view) -> bool:
        scope, ident = self.identify(request)
        rate = settings.API_THROTTLE_RATES.get(scope)
        if not rate:
            return True
        self._wait = ratelimit.hit(f"api-throttle:{scope}", ident, rate)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait

    def identify(self, request: Request) -> tuple[str, str]:
        if isinstance(request.auth, Token):
            return "user", f"token-{request.auth.key}"  # hashed before it reaches the cache
        if request.user and request.user.is_authenticated:
            return "user", f"user-{request.user.pk}"
        return "anon", f"address-{client_address(request)}"
