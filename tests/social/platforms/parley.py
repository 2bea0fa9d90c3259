"""Parley: a made-up chat platform, written only here, to prove the platform contract.

Everything it takes to bring a platform to the desk is in this module: its declaration
(`PLATFORM`, registered by the tests that use it) and its side of `PlatformProtocol`. No shared
module of the desk names it, and yet a delivery travels the whole way (stored, processed into
an incident, acknowledged, answered).

Parley delivers JSON (`{"account": ..., "messages": [{"id", "from": {"id", "name"}, "text",
"sent_at", "reply_to", "thread"}]}`) signed with `X-Parley-Signature: <hex HMAC-SHA256 of the
body>`, and takes answers at `POST https://api.parley.test/v1/messages` with a bearer token.

Every call records whether a database transaction was open at the time, so the tests can
check that the desk calls the platform outside any transaction and row lock.
"""

import hashlib
import hmac
import json
from datetime import timedelta

import requests
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from social import platforms
from social.accounts import webhook_secrets
from social.errors import OutcomeUnknown, Rejected, TemporaryFailure
from social.events import Action, Kind, ParsedEvent
from social.inbox.receive import receive
from social.payloads import id_at, json_object, list_at, object_at, optional_id_at, text_at, time_at

CHANNEL = "parley"
API = "https://api.parley.test/v1"
SIGNATURE_HEADER = "X-Parley-Signature"
LIMIT = 500

PLATFORM = platforms.Platform(
    channel=CHANNEL,
    label="Parley",
    name="Parley",
    badge_class="text-bg-warning",
    implementation=__name__,
    credentials=(
        platforms.Credential("app_secret", "Parley signing secret", "PARLEY_SIGNING_SECRET"),
        platforms.Credential("access_token", "Parley bot token", "PARLEY_BOT_TOKEN", sends=True),
    ),
    default_account=platforms.DefaultAccount(external_id="PARLEY_ACCOUNT_ID", handle="PARLEY_NAME", poll="PARLEY_POLL"),
    length=platforms.MessageLength(limit=LIMIT),
    capabilities=platforms.Capabilities(webhook=True),
    posting_token="bot token",
    handle_hint="the bot's name on Parley",
    send_lease=timedelta(minutes=1),
)
# The settings its default account is read from (the tests set them).
SETTINGS = {
    "PARLEY_ACCOUNT_ID": "",
    "PARLEY_NAME": "",
    "PARLEY_POLL": False,
    "PARLEY_SIGNING_SECRET": "",
    "PARLEY_BOT_TOKEN": "",
}

# (function, whether a transaction was open) of every call the desk made.
calls: list[tuple[str, bool]] = []


def _called(name: str) -> None:
    calls.append((name, connection.in_atomic_block))


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def parse(body: bytes) -> list[ParsedEvent]:
    payload = json_object(body)
    account_id = id_at(payload.get("account"), "account")
    events = []
    for index, item in enumerate(list_at(payload.get("messages"), "messages")):
        where = f"messages[{index}]"
        item = object_at(item, where)
        author = object_at(item.get("from"), f"{where}.from")
        reply_to = optional_id_at(item.get("reply_to"), f"{where}.reply_to")
        message_id = id_at(item.get("id"), f"{where}.id")
        events.append(
            ParsedEvent(
                channel=CHANNEL,
                account_id=account_id,
                external_id=message_id,
                action=Action.CREATE,
                kind=Kind.REPLY if reply_to else Kind.MENTION,
                author_id=id_at(author.get("id"), f"{where}.from.id"),
                author_name=text_at(author.get("name", ""), f"{where}.from.name"),
                text=text_at(item.get("text"), f"{where}.text"),
                created_at=time_at(item.get("sent_at"), f"{where}.sent_at"),
                in_reply_to=reply_to,
                thread_key=optional_id_at(item.get("thread"), f"{where}.thread") or reply_to or message_id,
                mentions_account=True,
                raw=item,
            )
        )
    return events


# --- PlatformProtocol ----------------------------------------------------------------------------


@require_POST
def webhook(request: HttpRequest) -> JsonResponse:
    _called("webhook")
    header = request.headers.get(SIGNATURE_HEADER, "")
    secrets = webhook_secrets(CHANNEL, "app_secret")
    return receive(
        request,
        channel=CHANNEL,
        authentic=lambda body: any(hmac.compare_digest(header, sign(body, secret)) for secret in secrets),
        parse=parse,
    )


def poll(*, account) -> int:
    """Parley pushes everything; there is nothing to read (no `polling` capability)."""
    _called("poll")
    return 0


def rule_violation(*, account, message, replying_to, last_inbound_at) -> str:
    _called("rule_violation")
    text = message.text.strip()
    if not text:
        return "There is nothing to send."
    if len(text) > LIMIT:
        return f"A Parley message holds {LIMIT} characters; this one has {len(text)}."
    if message.kind != Kind.REPLY:
        return "Parley answers are replies."
    return ""


def send(*, account, message) -> list[str]:
    _called("send")
    try:
        response = requests.post(
            f"{API}/messages",
            json={"account": account.external_id, "reply_to": message.in_reply_to, "text": message.text},
            headers={"Authorization": f"Bearer {account.access_token}"},
            timeout=5,
        )
    except requests.ConnectTimeout as error:
        raise TemporaryFailure("Parley could not be reached.") from error
    except requests.RequestException as error:
        raise OutcomeUnknown(f"Parley did not answer: {error}") from error
    if response.status_code >= 500:
        raise OutcomeUnknown(f"Parley failed ({response.status_code}).")
    if response.status_code >= 400:
        raise Rejected(f"Parley refused: {response.text}")
    return [str(response.json()["id"])]


def find_sent(*, account, message) -> list[str] | None:
    """Parley cannot be asked what was sent (no `find_sent` capability)."""
    _called("find_sent")
    return None


def delivery(*, account: str, secret: str, messages: list[dict]) -> tuple[bytes, dict[str, str]]:
    """A signed delivery, as Parley sends it: (body, headers for the test client)."""
    body = json.dumps({"account": account, "messages": messages}).encode()
    return body, {f"HTTP_{SIGNATURE_HEADER.upper().replace('-', '_')}": sign(body, secret)}
