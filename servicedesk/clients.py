"""Who is asking: the client's address, as the proxies in front of the app saw it."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address of the client, for rate limits, lockouts and their audit.

    Without a proxy (TRUSTED_PROXY_COUNT = 0) it is the connection's. Behind N proxies that
    each append the address they were called from to X-Forwarded-For (nginx's
    `$proxy_add_x_forwarded_for`), it is the N-th entry from the right: the one the outermost
    of our proxies saw. Entries further left were written by the client and prove nothing,
    so a client cannot pick the address it is counted under.
    """
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]
