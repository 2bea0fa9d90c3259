"""Receiving webhook deliveries (social.inbox.receive) through the platforms' real URLs, on
PostgreSQL: what a stranger can put in a correctly signed delivery never costs the good events
beside it, and is never a 500."""

import hashlib
import hmac
import io
import json
import time

import pytest
from django.db import connection

from social.events import Kind
from social.models import InboundEvent, InboundState, SocialAccount, SocialMessage
from social.twitter.signature import sign

from ...conftest import service_missing
from .conftest import DESK, PAGE, drain

pytestmark = pytest.mark.django_db

X_SECRET = "x-consumer-secret"
FB_SECRET = "fb-app-secret"
REPLACEMENT = "\ufffd"
# What PostgreSQL's jsonb refuses in a string (and its text columns refuse NUL).
UNSTORABLE = {"nul": "\x00", "lone-surrogate": "\ud800"}


@pytest.fixture(autouse=True)
def _postgresql(db):
    if connection.vendor != "postgresql":
        service_missing("PostgreSQL", "these tests are about what PostgreSQL refuses; DATABASE_URL is not PostgreSQL")


@pytest.fixture(autouse=True)
def _secrets(accounts):
    x = SocialAccount.objects.get(channel="twitter", external_id=DESK)
    x.consumer_secret = X_SECRET
    x.save()
    page = SocialAccount.objects.get(channel="facebook", external_id=PAGE)
    page.app_secret = FB_SECRET
    page.save()


@pytest.fixture(autouse=True)
def _processing_not_enqueued(monkeypatch):
    # The tests drain the inbox themselves (conftest.drain), as the workers would.
    monkeypatch.setattr("social.inbox.store._enqueue_processing", lambda shards: None)


def post_x(client, payload: dict):
    body = json.dumps(payload).encode()  # "\x00" and "\ud800" travel as \u0000 and \ud800 escapes
    signature = sign(body=body, consumer_secret=X_SECRET)
    return client.post(
        "/social/webhooks/twitter/",
        data=body,
        content_type="application/json",
        headers={"x-twitter-webhooks-signature": signature},
    )


def post_facebook(client, payload: dict):
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(FB_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        "/social/webhooks/facebook/",
        data=body,
        content_type="application/json",
        headers={"x-hub-signature-256": signature},
    )


def tweets(bad: str = "", where: str = "text") -> dict:
    """Ten mentions from ten people; the fifth carries `bad` in its `where`."""
    events = []
    for n in range(10):
        odd = bad if n == 4 else ""
        events.append(
            {
                "id_str": str(3000 + n),
                "text": f"@desk my laptop{odd if where == 'text' else ''} will not boot",
                "created_at": "Wed Oct 10 20:19:24 +0000 2018",
                "user": {
                    "id_str": str(4000 + n),
                    "screen_name": f"jess{n}{odd if where == 'screen name' else ''}",
                    "name": f"Jess {n}{odd if where == 'author name' else ''}",
                },
                "entities": {"user_mentions": [{"id_str": DESK, "screen_name": "desk"}]},
            }
        )
    return {"for_user_id": DESK, "tweet_create_events": events}


def comments(bad: str = "", where: str = "text") -> dict:
    """Ten visitors' posts on the page; the fifth carries `bad` in its `where`."""
    changes = []
    for n in range(10):
        odd = bad if n == 4 else ""
        value = {
            "item": "status",
            "verb": "add",
            "post_id": f"{PAGE}_{500 + n}",
            "from": {"id": str(7000 + n), "name": f"Pat {n}{odd if where == 'author name' else ''}"},
            "created_time": 1700000000,
            "message": f"The wifi{odd if where == 'text' else ''} in building B is down",
        }
        changes.append({"field": "feed", "value": value})
    return {"object": "page", "entry": [{"id": PAGE, "time": 1700000000, "changes": changes}]}


def messenger(bad: str = "", where: str = "text") -> dict:
    items = []
    for n in range(10):
        odd = bad if n == 4 else ""
        items.append(
            {
                "sender": {"id": str(8000 + n)},
                "recipient": {"id": PAGE},
                "timestamp": 1700000000000,
                "message": {
                    "mid": f"m_{n}{odd if where == 'id' else ''}",
                    "text": f"Hello{odd if where == 'text' else ''}, my printer is on fire",
                },
            }
        )
    return {"object": "page", "entry": [{"id": PAGE, "time": 1700000000000, "messaging": items}]}


def strings(value) -> list[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [*value, *(text for item in value.values() for text in strings(item))]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return []


CASES = [
    ("x", "text"),
    ("x", "author name"),
    ("x", "screen name"),
    ("facebook", "text"),
    ("facebook", "author name"),
    ("messenger", "text"),
    ("messenger", "id"),
]


def deliver(client, platform: str, bad: str, where: str):
    if platform == "x":
        return post_x(client, tweets(bad, where))
    if platform == "facebook":
        return post_facebook(client, comments(bad, where))
    return post_facebook(client, messenger(bad, where))


@pytest.mark.parametrize("bad", UNSTORABLE.values(), ids=UNSTORABLE.keys())
@pytest.mark.parametrize(("platform", "where"), CASES, ids=[f"{p}-{w}" for p, w in CASES])
def test_one_unstorable_character_costs_no_event_of_the_delivery(client, platform, where, bad):
    response = deliver(client, platform, bad, where)
    assert response.status_code == 200, response.content
    assert response.json() == {"received": 10, "stored": 10}
    assert InboundEvent.objects.count() == 10

    drain()
    assert set(InboundEvent.objects.values_list("state", flat=True)) == {InboundState.DONE}
    inbound = SocialMessage.objects.filter(direction="inbound")
    assert inbound.count() == 10
    assert inbound.filter(incident__isnull=False).count() == 10  # ten people, ten incidents
    # The odd one is kept, the character shown as U+FFFD, the delivery as it came beside it.
    [odd] = [event for event in InboundEvent.objects.all() if event.payload.get("replaced")]
    assert odd.payload["raw_as_sent"] and json.loads(odd.payload["raw_as_sent"])  # the platform's own JSON
    assert any(bad in text for text in strings(json.loads(odd.payload["raw_as_sent"])))  # exactly as sent
    assert REPLACEMENT in json.dumps(odd.payload, ensure_ascii=False)


@pytest.mark.parametrize("bad", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_the_message_reads_as_sent_but_for_the_replaced_character(client, bad):
    post_x(client, tweets(bad, "text"))
    drain()
    message = SocialMessage.objects.get(external_id="3004")
    assert message.text == f"@desk my laptop{REPLACEMENT} will not boot"
    assert message.incident.title == f"my laptop{REPLACEMENT} will not boot"


@pytest.mark.parametrize("bad", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_the_same_delivery_again_stores_nothing_new(client, bad):
    assert post_x(client, tweets(bad, "screen name")).json() == {"received": 10, "stored": 10}
    assert post_x(client, tweets(bad, "screen name")).json() == {"received": 10, "stored": 0}


def test_a_clean_delivery_is_stored_as_it_was(client):
    post_x(client, tweets())
    payloads = [event.payload for event in InboundEvent.objects.all()]
    assert all("raw_as_sent" not in p or not p["raw_as_sent"] for p in payloads)
    assert all(not p.get("replaced") for p in payloads)


def test_a_dm_with_a_nul_is_kept_too(client):
    dm = {
        "type": "message_create",
        "id": "9001",
        "created_timestamp": "1700000000000",
        "message_create": {
            "target": {"recipient_id": DESK},
            "sender_id": "4242",
            "message_data": {"text": "my password\x00 expired"},
        },
    }
    users = {"4242": {"id": "4242", "name": "Kim\ud800", "screen_name": "kim"}}
    response = post_x(client, {"for_user_id": DESK, "direct_message_events": [dm], "users": users})
    assert response.status_code == 200 and response.json()["stored"] == 1
    drain()
    message = SocialMessage.objects.get(external_id="9001")
    assert (message.kind, message.text) == (Kind.DM, f"my password{REPLACEMENT} expired")


# --- Bodies that are not what they say (issue 10, item 2) ----------------------------------


def signed_x(body: bytes) -> dict:
    return {"HTTP_X_TWITTER_WEBHOOKS_SIGNATURE": sign(body=body, consumer_secret=X_SECRET)}


@pytest.mark.parametrize("opening", ["[", '{"a":'], ids=["arrays", "objects"])
def test_a_delivery_nested_thousands_deep_is_a_quick_400(client, opening):
    closing = "]" if opening == "[" else "}"
    body = (
        '{"for_user_id": "1000", "tweet_create_events": ' + opening * 50_000 + "1" + closing * 50_000 + "}"
    ).encode()
    post_x(client, {})  # the first request of a process loads the URLs, middleware...: not timed
    started = time.perf_counter()
    response = client.post("/social/webhooks/twitter/", data=body, content_type="application/json", **signed_x(body))
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON nested more than 64 deep."}
    assert time.perf_counter() - started < 0.5
    assert not InboundEvent.objects.exists()


def test_a_delivery_nested_a_little_too_deep_is_refused_before_it_is_stored(client):
    # Shallow enough for the parser, too deep for what walks it next.
    body = json.dumps({"for_user_id": DESK, "tweet_create_events": [], "x": json.loads("[" * 500 + "]" * 500)}).encode()
    response = client.post("/social/webhooks/twitter/", data=body, content_type="application/json", **signed_x(body))
    assert response.status_code == 400 and not InboundEvent.objects.exists()


def chunked(client, body: bytes, **extra):
    """A chunked POST as gunicorn hands it to the app: no Content-Length, the body de-chunked
    and its end marked (wsgi.input_terminated)."""
    environ = {
        "CONTENT_LENGTH": "",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        **extra,
    }
    return client.generic("POST", "/social/webhooks/twitter/", b"", content_type="application/json", **environ)


def test_a_chunked_delivery_is_read_and_stored(client):
    body = json.dumps(tweets()).encode()
    response = chunked(client, body, **signed_x(body))
    assert response.status_code == 200 and response.json() == {"received": 10, "stored": 10}


def test_a_chunked_body_over_the_limit_is_a_413(client, settings):
    body = b'{"for_user_id": "1000", "pad": "' + b"x" * settings.SOCIAL_WEBHOOK_MAX_BYTES + b'"}'
    response = chunked(client, body, **signed_x(body))
    assert response.status_code == 413
    assert response.json() == {"detail": f"Body over {settings.SOCIAL_WEBHOOK_MAX_BYTES} bytes."}
    assert not InboundEvent.objects.exists()


def test_a_chunked_body_a_server_did_not_dechunk_is_411(client):
    body = json.dumps(tweets()).encode()
    response = chunked(client, body, **{"wsgi.input_terminated": False, **signed_x(body)})
    assert response.status_code == 411


def test_a_body_shorter_than_its_content_length_is_a_400(client):
    body = json.dumps(tweets()).encode()
    environ = {"CONTENT_LENGTH": str(len(body) + 100), "wsgi.input": io.BytesIO(body), **signed_x(body)}
    response = client.generic("POST", "/social/webhooks/twitter/", b"", content_type="application/json", **environ)
    assert response.status_code == 400
    assert response.json() == {"detail": f"The body ended after {len(body)} of its {len(body) + 100} bytes."}
    assert not InboundEvent.objects.exists()
