"""X's webhook (/social/webhooks/twitter/): GET answers the CRC challenge, POST takes deliveries
(`social.inbox.receive.receive`)."""

import re

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..accounts import webhook_secrets
from ..inbox.receive import receive
from . import CHANNEL
from .inbound import parse_body
from .signature import SIGNATURE_HEADER, crc_response, signature_valid

# X's challenges are short base64 strings. Refusing anything else matters: the CRC answer is
# the HMAC of the token, so answering a token that is a JSON body would sign that body for
# whoever asked.
_CRC_TOKEN = re.compile(r"[A-Za-z0-9+/=_\-.~:]{1,256}")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest) -> JsonResponse:
    if request.method == "GET":
        return _crc(request, _consumer_secrets())
    header = request.headers.get(SIGNATURE_HEADER)
    return receive(
        request,
        channel=CHANNEL,
        # One URL serves every X account; each app signs with its own consumer secret (read
        # once the body is: what is refused before costs no query).
        authentic=lambda body: any(
            signature_valid(body=body, header=header, consumer_secret=secret) for secret in _consumer_secrets()
        ),
        parse=parse_body,
    )


def _crc(request: HttpRequest, secrets: list[str]) -> JsonResponse:
    token = request.GET.get("crc_token")
    if not token:
        return JsonResponse({"detail": "crc_token is required."}, status=400)
    if not _CRC_TOKEN.fullmatch(token):
        return JsonResponse({"detail": "crc_token is not a challenge X would send."}, status=400)
    if not secrets:
        return JsonResponse({"detail": "No X account with a consumer secret is configured."}, status=404)
    secret = secrets[0]
    header = request.headers.get(SIGNATURE_HEADER)
    if header:
        # X signs its challenge (over the query string): that also tells which app is asking.
        query = request.META.get("QUERY_STRING", "").encode()
        secret = next((s for s in secrets if signature_valid(body=query, header=header, consumer_secret=s)), None)
        if secret is None:
            return JsonResponse({"detail": "Wrong signature."}, status=403)
    return JsonResponse({"response_token": crc_response(crc_token=token, consumer_secret=secret)})


def _consumer_secrets() -> list[str]:
    return webhook_secrets(CHANNEL, "consumer_secret")
