"""The Facebook webhook URL: the subscription check (GET) and signed deliveries (POST)."""

import hmac

import pytest
from django.test import Client
from django.urls import reverse

from social.models import InboundEvent
from tickets.models import Channel

from ..factories import SocialAccountFactory
from .conftest import APP_SECRET, VERIFY_TOKEN, comment_delivery, signed

pytestmark = pytest.mark.django_db

URL = "/social/webhooks/facebook/"


def post(client, body: bytes, **headers):
    return client.post(URL, data=body, content_type="application/json", **headers)


def test_it_is_mounted_where_facebook_is_told():
    assert reverse("social:webhook", args=["facebook"]) == URL


# Subscription check ------------------------------------------------------------------------


def verify(client, **params):
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    return client.get(URL, {**query, **params})


def test_the_right_verify_token_gets_the_challenge_back(client, page):
    response = verify(client)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"1158201444"


def test_any_active_pages_verify_token_will_do(client, page):
    SocialAccountFactory(channel=Channel.FACEBOOK, verify_token="second-page-token")
    assert verify(client, **{"hub.verify_token": "second-page-token"}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"hub.verify_token": "wrong"},
        {"hub.verify_token": VERIFY_TOKEN[:-1]},
        {"hub.verify_token": ""},
        {"hub.mode": "unsubscribe"},
        {"hub.mode": ""},
    ],
    ids=["wrong-token", "prefix-of-token", "empty-token", "wrong-mode", "no-mode"],
)
def test_a_wrong_token_or_mode_is_forbidden(client, page, params):
    response = verify(client, **params)
    assert response.status_code == 403
    assert b"1158201444" not in response.content


def test_tokens_of_inactive_pages_and_of_other_platforms_do_not_count(client):
    SocialAccountFactory(channel=Channel.FACEBOOK, verify_token="old-token", active=False)
    SocialAccountFactory(channel=Channel.TWITTER, verify_token="x-token")
    assert verify(client, **{"hub.verify_token": "old-token"}).status_code == 403
    assert verify(client, **{"hub.verify_token": "x-token"}).status_code == 403


def test_without_any_page_nothing_verifies(client, db):
    assert verify(client, **{"hub.verify_token": ""}).status_code == 403


def test_a_missing_challenge_is_a_bad_request(client, page):
    assert verify(client, **{"hub.challenge": ""}).status_code == 400


# Deliveries --------------------------------------------------------------------------------


def test_a_signed_delivery_is_stored_and_acknowledged(page):
    client = Client(enforce_csrf_checks=True)  # Facebook sends no CSRF token
    body = comment_delivery()
    response = post(client, body, **signed(body))
    assert response.status_code == 200
    assert response.json() == {"received": 1, "stored": 1}
    event = InboundEvent.objects.get()
    assert (event.channel, event.dedup_key, event.source, event.state) == ("facebook", "555_777", "webhook", "pending")
    assert event.payload["kind"] == "comment"
    assert event.payload["text"] == "The VPN drops every 5 minutes"


def test_the_same_delivery_twice_is_stored_once(client, page):
    body = comment_delivery()
    assert post(client, body, **signed(body)).json() == {"received": 1, "stored": 1}
    assert post(client, body, **signed(body)).json() == {"received": 1, "stored": 0}
    assert InboundEvent.objects.count() == 1


def test_a_delivery_signed_for_another_of_our_pages_is_accepted(client, page):
    SocialAccountFactory(channel=Channel.FACEBOOK, app_secret="second-app-secret")
    body = comment_delivery()
    assert post(client, body, **signed(body, "second-app-secret")).status_code == 200
    assert InboundEvent.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_X_HUB_SIGNATURE_256": ""},
        {"HTTP_X_HUB_SIGNATURE_256": "sha256=" + "0" * 64},
        signed(comment_delivery(), "another secret"),
        signed(comment_delivery("555_999")),  # a signature of another body
        {"HTTP_X_HUB_SIGNATURE": "sha1=" + hmac.new(APP_SECRET.encode(), comment_delivery(), "sha1").hexdigest()},
    ],
    ids=["missing", "empty", "zeros", "other-secret", "other-body", "sha1-only"],
)
def test_a_bad_or_missing_signature_is_forbidden_and_nothing_is_stored(client, page, headers):
    response = post(client, comment_delivery(), **headers)
    assert response.status_code == 403
    assert InboundEvent.objects.count() == 0


def test_an_inactive_pages_secret_is_not_trusted(client, page):
    page.active = False
    page.save()
    body = comment_delivery()
    assert post(client, body, **signed(body)).status_code == 403
    assert InboundEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b'{"object": "page", "entry": [', "Malformed JSON"),
        (b"\xff\xfe not utf-8", "Malformed JSON"),
        (b'["page"]', "must be a JSON object"),
        (b'{"object": "page"}', "no 'entry' list"),
        (b'{"object": "page", "entry": [{"changes": []}]}', "entry[0] has no 'id'"),
    ],
)
def test_a_malformed_delivery_is_a_bad_request_and_nothing_is_stored(client, page, body, detail):
    response = post(client, body, **signed(body))
    assert response.status_code == 400
    assert detail in response.json()["detail"]
    assert InboundEvent.objects.count() == 0


def test_an_oversized_delivery_is_refused(client, page, settings):
    settings.SOCIAL_WEBHOOK_MAX_BYTES = 200
    body = comment_delivery()
    assert len(body) > 200
    response = post(client, body, **signed(body))
    assert response.status_code == 413
    assert InboundEvent.objects.count() == 0


def test_other_methods_are_not_allowed(client, page):
    assert client.put(URL, data=b"{}", content_type="application/json").status_code == 405


def test_every_recorded_delivery_is_accepted(client, page, facebook_webhooks):
    received = stored = 0
    for path in sorted(facebook_webhooks.glob("*.json")):
        body = path.read_bytes()
        response = post(client, body, **signed(body))
        assert response.status_code == 200, (path.name, response.content)
        received += response.json()["received"]
        stored += response.json()["stored"]
    # 140 deliveries, one with two entries. Many recorded ones reuse one another's ids (the
    # same comment with a photo, then with a video; one Messenger mid in ten NLP samples):
    # those are stored once.
    assert received == 141
    assert InboundEvent.objects.count() == stored == 114
