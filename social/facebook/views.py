"""The Facebook webhook: one URL for Facebook's subscription check (GET) and for deliveries
(POST). Deliveries go through `social.inbox.receive.receive`: signed by the app secret of one of
our active pages, parsed, stored, answered at once."""

import hmac

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..accounts import webhook_secrets
from ..inbox.receive import receive
from . import CHANNEL
from .inbound import parse_body
from .signature import signature_valid


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _verify_subscription(request)
    header = request.headers.get("X-Hub-Signature-256")

    def signed_by_one_of_ours(body: bytes) -> bool:
        secrets = webhook_secrets(CHANNEL, "app_secret")
        return any(signature_valid(body=body, header=header, app_secret=secret) for secret in secrets)

    return receive(request, channel=CHANNEL, authentic=signed_by_one_of_ours, parse=parse_body)


def _verify_subscription(request: HttpRequest) -> HttpResponse:
    """Facebook's check when the webhook is subscribed: echo `hub.challenge` if the verify
    token is one of our pages'."""
    mode = request.GET.get("hub.mode", "")
    token = request.GET.get("hub.verify_token", "").encode()
    challenge = request.GET.get("hub.challenge", "")
    tokens = [token.encode() for token in webhook_secrets(CHANNEL, "verify_token")]
    # Every token is compared, in constant time, whichever matches.
    matches = [hmac.compare_digest(token, expected) for expected in tokens]
    if mode != "subscribe" or not token or not any(matches):
        return JsonResponse({"detail": "Wrong hub.mode or hub.verify_token."}, status=403)
    if not challenge:
        return JsonResponse({"detail": "hub.challenge is missing."}, status=400)
    return HttpResponse(challenge, content_type="text/plain; charset=utf-8")
