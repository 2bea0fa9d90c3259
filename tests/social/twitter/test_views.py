"""X's webhook: the CRC challenge (GET) and deliveries (POST), through the real URL."""

import json

import pytest
from django.urls import reverse

from social.events import Action
from social.models import InboundEvent
from social.twitter.signature import crc_response, sign

from ..factories import SocialAccountFactory

URL = "/social/webhooks/twitter/"


@pytest.fixture
def vectors(shared_fixtures):
    return json.loads((shared_fixtures / "x_webhooks" / "twitter_crc_signature_test_vectors.json").read_text())


def post(client, body: bytes, *, secret: str | None = "__APP_SECRET__", signature: str | None = None):
    headers = {}
    if signature is not None:
        headers["x-twitter-webhooks-signature"] = signature
    elif secret is not None:
        headers["x-twitter-webhooks-signature"] = sign(body=body, consumer_secret=secret)
    return client.post(URL, data=body, content_type="application/json", headers=headers)


def mention(tweet_id="2001", account_id="783214") -> bytes:
    return json.dumps(
        {
            "for_user_id": account_id,
            "tweet_create_events": [
                {
                    "id_str": tweet_id,
                    "text": "@Twitter my laptop will not boot",
                    "created_at": "Wed Oct 10 20:19:24 +0000 2018",
                    "user": {"id_str": "3001", "screen_name": "jess", "name": "Jess Doe"},
                    "entities": {"user_mentions": [{"id_str": account_id, "screen_name": "Twitter"}]},
                }
            ],
        }
    ).encode()


def test_it_is_mounted_where_x_is_told_to_call():
    assert reverse("social:webhook", args=["twitter"]) == URL


# --- CRC ---


def test_it_answers_the_crc_challenge(client, x_account, vectors):
    response = client.get(URL, {"crc_token": vectors["crc"]["crc_token"]})
    assert response.status_code == 200
    assert response.json() == vectors["crc"]["expected_response"]


def test_it_answers_a_signed_crc_challenge(client, x_account, vectors):
    signed = vectors["crc_get_request_signature"]
    response = client.get(
        f"{URL}?{signed['signed_message']}",
        headers={"x-twitter-webhooks-signature": signed["x-twitter-webhooks-signature"]},
    )
    assert response.status_code == 200
    assert response.json() == vectors["crc"]["expected_response"]


def test_it_refuses_a_crc_challenge_signed_with_another_secret(client, x_account, vectors):
    query = vectors["crc_get_request_signature"]["signed_message"]
    wrong = sign(body=query.encode(), consumer_secret="not-ours")
    response = client.get(f"{URL}?{query}", headers={"x-twitter-webhooks-signature": wrong})
    assert response.status_code == 403


def test_a_signed_challenge_is_answered_with_the_secret_of_the_app_that_signed_it(client, x_account):
    SocialAccountFactory(external_id="555", consumer_secret="second-app-secret")
    query = "crc_token=abc123&nonce=n1"
    response = client.get(
        f"{URL}?{query}",
        headers={"x-twitter-webhooks-signature": sign(body=query.encode(), consumer_secret="second-app-secret")},
    )
    assert response.status_code == 200
    assert response.json() == {"response_token": crc_response(crc_token="abc123", consumer_secret="second-app-secret")}


def test_a_crc_challenge_needs_a_token(client, x_account):
    response = client.get(URL)
    assert response.status_code == 400
    assert response.json() == {"detail": "crc_token is required."}


def test_it_refuses_to_sign_a_json_body_passed_off_as_a_challenge(client, x_account):
    # The CRC answer is the signature of the token: answering this would sign a forged delivery.
    forged = mention().decode()
    response = client.get(URL, {"crc_token": forged})
    assert response.status_code == 400
    assert "response_token" not in response.json()


@pytest.mark.parametrize(
    "account",
    [None, {"consumer_secret": ""}, {"consumer_secret": "s", "active": False}],
    ids=["no account", "no consumer secret", "inactive account"],
)
def test_a_crc_challenge_without_a_consumer_secret_is_not_found(client, db, account):
    if account is not None:
        SocialAccountFactory(**account)
    response = client.get(URL, {"crc_token": "abc"})
    assert response.status_code == 404
    assert response.json() == {"detail": "No X account with a consumer secret is configured."}


# --- Deliveries ---


def test_it_stores_a_signed_delivery(client, x_account, vectors):
    body = vectors["post_signature"]["raw_body"].encode()
    response = post(client, body, signature=vectors["post_signature"]["x-twitter-webhooks-signature"])
    assert response.status_code == 200
    assert response.json() == {"received": 1, "stored": 1}
    event = InboundEvent.objects.get()
    assert (event.channel, event.dedup_key, event.source, event.state) == (
        "twitter",
        "delete:1045405559317569537",
        "webhook",
        "pending",
    )
    assert event.payload["action"] == Action.DELETE


def test_the_same_delivery_twice_is_stored_once(client, x_account):
    assert post(client, mention()).json() == {"received": 1, "stored": 1}
    assert post(client, mention()).json() == {"received": 1, "stored": 0}
    assert InboundEvent.objects.count() == 1


def test_it_stores_what_the_parser_read(client, x_account):
    post(client, mention("2002"))
    payload = InboundEvent.objects.get().payload
    assert (payload["external_id"], payload["kind"], payload["author_handle"], payload["mentions_account"]) == (
        "2002",
        "mention",
        "@jess",
        True,
    )
    assert payload["created_at"] == "2018-10-10T20:19:24+00:00"


@pytest.mark.parametrize(
    ("secret", "signature"),
    [(None, None), ("not-ours", None), (None, "sha256=AAAA"), (None, "")],
    ids=["missing", "another secret", "garbage", "empty"],
)
def test_an_unsigned_or_wrongly_signed_delivery_is_refused_and_not_stored(client, x_account, secret, signature):
    response = post(client, mention(), secret=secret, signature=signature)
    assert response.status_code == 403
    assert InboundEvent.objects.count() == 0


def test_a_delivery_signed_by_any_of_our_apps_is_taken(client, x_account):
    SocialAccountFactory(external_id="555", consumer_secret="second-app-secret")
    response = post(client, mention(account_id="555"), secret="second-app-secret")
    assert response.status_code == 200
    assert InboundEvent.objects.count() == 1


def test_a_delivery_signed_by_an_inactive_account_is_refused(client, db):
    SocialAccountFactory(external_id="555", consumer_secret="retired-secret", active=False)
    assert post(client, mention(), secret="retired-secret").status_code == 403


def test_nothing_is_accepted_when_no_account_is_configured(client, db):
    assert post(client, mention(), secret="").status_code == 403
    assert InboundEvent.objects.count() == 0


def test_malformed_json_is_refused_and_not_stored(client, x_account):
    response = post(client, b'{"for_user_id": "783214", ')
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Malformed JSON")
    assert InboundEvent.objects.count() == 0


def test_a_malformed_delivery_is_refused_with_the_reason(client, x_account):
    body = json.dumps({"for_user_id": "783214", "tweet_create_events": [{"id_str": "1", "text": "no user"}]}).encode()
    response = post(client, body)
    assert response.status_code == 400
    assert response.json() == {"detail": "tweet_create_events[0].user must be an object, not missing."}
    assert InboundEvent.objects.count() == 0


def test_a_body_over_the_limit_is_refused(client, x_account, settings):
    settings.SOCIAL_WEBHOOK_MAX_BYTES = 200
    body = mention() + b" " * 200
    response = post(client, body)
    assert response.status_code == 413
    assert InboundEvent.objects.count() == 0


def test_a_delivery_for_an_account_we_do_not_answer_for_is_stored(client, x_account):
    # The pipeline ignores it; storing keeps the record of what X sent.
    response = post(client, mention(account_id="424242"))
    assert response.status_code == 200
    assert InboundEvent.objects.get().payload["account_id"] == "424242"


def test_every_recorded_delivery_is_taken(client, x_account, shared_fixtures):
    for path in sorted((shared_fixtures / "x_webhooks").glob("*.json")):
        if path.name == "twitter_crc_signature_test_vectors.json":
            continue
        response = post(client, path.read_bytes())
        assert response.status_code == 200, (path.name, response.json())
    assert InboundEvent.objects.count() == 5


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_not_allowed(client, x_account, method):
    assert getattr(client, method)(URL).status_code == 405
