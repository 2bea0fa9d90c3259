"""Receiving a webhook delivery: the part of every platform's webhook that is the same: refuse what is too big,
incomplete, not authentic or malformed (nothing is stored), store the rest, answer at once.

A platform's view (`social.<platform>.views`) supplies how to authenticate a delivery (a
signature of the body, a bearer token...) and how to parse its raw bytes (JSON, a raw e-mail
message...); `receive` does the rest.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, JsonResponse

from servicedesk.request_body import BodyRefused, read_body

from ..events import InvalidPayload, ParsedEvent
from .store import inbound_store

logger = logging.getLogger(__name__)


def receive(
    request: HttpRequest,
    *,
    channel: str,
    authentic: Callable[[bytes], bool],
    parse: Callable[[bytes], list[ParsedEvent]],
    refusal: str = "Missing or wrong signature.",
    limit: int | None = None,
) -> JsonResponse:
    """`authentic(body)`: whether the delivery comes from the platform; `parse(body)`: its
    events, or `InvalidPayload` with the reason it is not what the platform sends. `limit`:
    the largest body taken, where the platform's deliveries are larger than the usual
    SOCIAL_WEBHOOK_MAX_BYTES (a raw message with its attachments)."""
    limit = limit or settings.SOCIAL_WEBHOOK_MAX_BYTES
    try:
        body = read_body(request, limit=limit, timeout=settings.SOCIAL_WEBHOOK_READ_TIMEOUT)
    except BodyRefused as refused:
        logger.warning("%s webhook refused: %s", channel, refused.detail)
        return _refuse(refused.status, refused.detail)
    if not authentic(body):
        logger.warning("%s webhook refused: %s", channel, refusal)
        return _refuse(403, refusal)
    try:
        events = parse(body)
    except InvalidPayload as error:
        logger.warning("%s webhook refused: %s", channel, error)
        return _refuse(400, str(error))
    stored = inbound_store(events=events)
    return JsonResponse({"received": len(events), "stored": len(stored)})


def _refuse(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)
