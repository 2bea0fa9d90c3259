"""Token authentication that refuses guessing: an address whose tokens keep failing is
answered 429 for every token until its window ends, before any token is looked up."""

import logging

from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.request import Request

from servicedesk import ratelimit
from servicedesk.clients import client_address

logger = logging.getLogger(__name__)

SCOPE = "api-token-failures"


class TokenGuessingRefused(exceptions.Throttled):
    default_detail = "Too many wrong tokens from your address: wait before you try again."
    default_code = "throttled"


class GuardedTokenAuthentication(TokenAuthentication):
    """REST framework's `Authorization: Token <key>`, counting failures per client address
    in the shared rate-limit cache (API_AUTH_FAILURE_RATE).

    Past the rate, every token from that address is refused, the right one too: otherwise
    the answers would still tell a right guess from a wrong one. The wait is the rest of the
    window (Retry-After); a logged warning records the address once per window."""

    def authenticate(self, request: Request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword.lower().encode():
            return None
        rate = settings.API_AUTH_FAILURE_RATE
        if not rate:
            return super().authenticate(request)
        address = client_address(request)
        wait = ratelimit.exceeded(SCOPE, address, rate)
        if wait is not None:
            raise TokenGuessingRefused(wait=wait)
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            wait = ratelimit.hit(SCOPE, address, rate)
            if wait is not None:
                logger.warning("API: refusing tokens from %s after repeated wrong tokens", address)
                raise TokenGuessingRefused(wait=wait) from None
            raise
