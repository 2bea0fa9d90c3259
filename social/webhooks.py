"""The part of every platform's webhook that is the same: refuse what is too big, unsigned
or malformed (nothing is stored), store the rest, answer at once.

A platform's view (`social.<platform>.views`) supplies how to check the signature and how to
parse the body; `receive` does the rest.
"""

import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, JsonResponse

from .events import InvalidPayload, ParsedEvent
from .services import inbound_store

logger = logging.getLogger(__name__)


def receive(
    request: HttpRequest,
    *,
    channel: str,
    signature_valid: Callable[[bytes], bool],
    parse: Callable[[dict], list[ParsedEvent]],
) -> JsonResponse:
    limit = settings.SOCIAL_WEBHOOK_MAX_BYTES
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        logger.warning("%s webhook refused: body of %s bytes is over %s", channel, declared, limit)
        return _refuse(413, f"Body over {limit} bytes.")
    body = request.read(limit + 1)
    if len(body) > limit:
        logger.warning("%s webhook refused: body over %s bytes", channel, limit)
        return _refuse(413, f"Body over {limit} bytes.")
    if not signature_valid(body):
        logger.warning("%s webhook refused: missing or wrong signature", channel)
        return _refuse(403, "Missing or wrong signature.")
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        logger.warning("%s webhook refused: malformed JSON (%s)", channel, error)
        return _refuse(400, f"Malformed JSON: {error}.")
    if not isinstance(payload, dict):
        logger.warning("%s webhook refused: body is not a JSON object", channel)
        return _refuse(400, "The body must be a JSON object.")
    try:
        events = parse(payload)
    except InvalidPayload as error:
        logger.warning("%s webhook refused: %s", channel, error)
        return _refuse(400, str(error))
    stored = inbound_store(events=events)
    return JsonResponse({"received": len(events), "stored": len(stored)})


def _refuse(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)
