"""E-mail's webhook (/social/webhooks/email/): a raw RFC 5322 message POSTed by a mail
server's pipe (Postfix `pipe`, an Exim transport, a procmail/sieve rule running curl) or a
provider's raw-MIME forwarding, authenticated by the bearer token of the desk's address it was
delivered for (EMAIL_INBOUND_TOKEN, or the account's inbound token in the admin)."""

import hmac

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..accounts import accounts_of
from ..inbox.receive import receive
from . import CHANNEL
from .inbound import events_from_message

BEARER = "bearer "


def account_for_token(presented: str) -> str | None:
    """The address of the account whose inbound token is `presented` (compared in constant
    time with every account's), None when none is."""
    if not presented:
        return None
    found = None
    for account in accounts_of(CHANNEL):
        token = account.bearer_token
        # Every token is compared, found or not: the time taken tells nothing.
        if token and hmac.compare_digest(token.encode(), presented.encode()) and found is None:
            found = account.external_id
    return found


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> JsonResponse:
    authorization = request.headers.get("Authorization", "")
    presented = authorization[len(BEARER) :].strip() if authorization.lower().startswith(BEARER) else ""
    account_id = account_for_token(presented)
    return receive(
        request,
        channel=CHANNEL,
        authentic=lambda body: account_id is not None,
        parse=lambda body: events_from_message(body, account_id=account_id or ""),
        refusal="Missing or wrong bearer token.",
        limit=settings.EMAIL_MAX_BYTES,
    )
