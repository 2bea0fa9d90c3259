"""Polling the mentions timeline, with X's recorded pages at the HTTP boundary and the real
intake (InboundEvent rows in PostgreSQL)."""

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import responses
from django.utils import timezone

from social.errors import TemporaryFailure
from social.models import InboundEvent
from social.twitter import poll as poll_module
from social.twitter.poll import poll
from social.twitter.signature import sign

from ..factories import SocialAccountFactory
from .conftest import API

MENTIONS = f"{API}/users/783214/mentions"
FIRST_PAGE_NEWEST = "1578516295611748353"  # meta.newest_id of the recorded page


def query(call) -> dict[str, list[str]]:
    return parse_qs(urlparse(call.request.url).query)


def page_after(token: str):
    return [responses.matchers.query_param_matcher({"pagination_token": token}, strict_match=False)]


@pytest.fixture
def pages(recorded):
    """Three pages: the recorded mentions (10, with a next_token), the other recorded mentions
    (2, next_token again), and X's empty page."""
    _, first = recorded("test_client_get_users_mentions")
    _, second = recorded("test_asyncclient_get_users_mentions")
    return first, second, {"meta": {"result_count": 0}}


def serve(x_api, first, second=None, third=None):
    # The specific matchers go first: responses serves the first registration that matches.
    if third is not None:
        x_api.get(MENTIONS, json=third, match=page_after(second["meta"]["next_token"]))
    if second is not None:
        x_api.get(MENTIONS, json=second, match=page_after(first["meta"]["next_token"]))
    x_api.get(MENTIONS, json=first)


def test_a_first_poll_reads_the_latest_page_only(x_account, x_api, pages):
    first, *_ = pages
    serve(x_api, first)
    assert poll(account=x_account) == 10
    assert len(x_api.calls) == 1  # not the 800 mentions behind it
    params = query(x_api.calls[0])
    assert "since_id" not in params
    assert params["expansions"] == ["author_id,referenced_tweets.id,attachments.media_keys"]
    assert params["user.fields"] == ["username,name"]
    assert params["media.fields"] == ["type,url,preview_image_url,variants"]  # photos and videos
    assert params["max_results"] == ["100"]
    assert "conversation_id" in params["tweet.fields"][0]
    assert x_api.calls[0].request.headers["Authorization"] == "Bearer test-bearer-token"

    events = InboundEvent.objects.order_by("dedup_key")
    assert [e.dedup_key for e in events] == sorted(tweet["id"] for tweet in first["data"])
    assert {(e.source, e.channel, e.payload["kind"], e.payload["account_id"]) for e in events} == {
        ("poll", "twitter", "mention", "783214")
    }
    x_account.refresh_from_db()
    assert x_account.poll_cursor == FIRST_PAGE_NEWEST
    assert x_account.polled_at is not None


def test_it_reads_every_page_since_the_cursor(x_account, x_api, pages):
    first, second, empty = pages
    x_account.poll_cursor = "1578516000000000000"
    x_account.save()
    serve(x_api, first, second, empty)
    assert poll(account=x_account) == 12
    assert [query(call).get("pagination_token") for call in x_api.calls] == [
        None,
        [first["meta"]["next_token"]],
        [second["meta"]["next_token"]],
    ]
    assert {query(call)["since_id"][0] for call in x_api.calls} == {"1578516000000000000"}
    x_account.refresh_from_db()
    # The first page's newest_id: pages run newest first.
    assert x_account.poll_cursor == FIRST_PAGE_NEWEST


def test_no_new_mentions(x_account, x_api):
    x_account.poll_cursor = FIRST_PAGE_NEWEST
    x_account.save()
    x_api.get(MENTIONS, json={"meta": {"result_count": 0}})
    assert poll(account=x_account) == 0
    x_account.refresh_from_db()
    assert x_account.poll_cursor == FIRST_PAGE_NEWEST
    assert InboundEvent.objects.count() == 0


def test_the_cursor_moves_only_once_every_page_is_stored(x_account, x_api, pages):
    first, second, empty = pages
    x_account.poll_cursor = "1578516000000000000"
    x_account.save()
    x_api.get(
        MENTIONS, json={"title": "Service Unavailable"}, status=503, match=page_after(first["meta"]["next_token"])
    )
    x_api.get(MENTIONS, json=first)
    with pytest.raises(TemporaryFailure):
        poll(account=x_account)
    assert InboundEvent.objects.count() == 10  # the first page is kept...
    x_account.refresh_from_db()
    assert x_account.poll_cursor == "1578516000000000000"  # ...and will be read again

    x_api.reset()
    serve(x_api, first, second, empty)
    assert poll(account=x_account) == 2  # the first page again adds nothing
    assert InboundEvent.objects.count() == 12
    x_account.refresh_from_db()
    assert x_account.poll_cursor == FIRST_PAGE_NEWEST


def test_a_crash_while_storing_leaves_the_cursor_where_it_was(x_account, x_api, pages, monkeypatch):
    first, second, _ = pages
    x_account.poll_cursor = "1578516000000000000"
    x_account.save()
    serve(x_api, first, second)
    real_store, calls = poll_module.inbound_store, []

    def store_then_crash(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real_store(**kwargs)

    monkeypatch.setattr(poll_module, "inbound_store", store_then_crash)
    with pytest.raises(RuntimeError):
        poll(account=x_account)
    assert InboundEvent.objects.count() == 10
    x_account.refresh_from_db()
    assert x_account.poll_cursor == "1578516000000000000"


def test_a_rate_limit_stops_the_poll_until_it_ends(x_account, x_api):
    reset = int((timezone.now() + timedelta(minutes=12)).timestamp())
    x_api.get(
        MENTIONS,
        json={"title": "Too Many Requests", "status": 429},
        status=429,
        headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
    )
    assert poll(account=x_account) == 0  # said, not raised
    x_account.refresh_from_db()
    assert x_account.rate_limited_until == datetime.fromtimestamp(reset, tz=UTC)
    assert x_account.poll_cursor == ""

    x_api.reset()  # any call now would fail: nothing is registered
    assert poll(account=x_account) == 0
    assert len(x_api.calls) == 0


def test_a_rate_limit_halfway_keeps_what_was_stored(x_account, x_api, pages):
    first, *_ = pages
    x_account.poll_cursor = "1578516000000000000"
    x_account.save()
    x_api.get(
        MENTIONS,
        json={"title": "Too Many Requests", "status": 429},
        status=429,
        headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": "4102444800"},
        match=page_after(first["meta"]["next_token"]),
    )
    x_api.get(MENTIONS, json=first)
    assert poll(account=x_account) == 10
    x_account.refresh_from_db()
    assert x_account.poll_cursor == "1578516000000000000"
    assert x_account.rate_limited_until.year == 2100


def test_it_polls_again_once_the_rate_limit_is_over(x_account, x_api):
    x_account.rate_limited_until = timezone.now() - timedelta(seconds=1)
    x_account.save()
    x_api.get(MENTIONS, json={"meta": {"result_count": 0}})
    poll(account=x_account)
    assert len(x_api.calls) == 1


def test_a_refused_token_is_recorded_for_the_admins(x_account, x_api):
    x_api.get(MENTIONS, json={"title": "Unauthorized", "status": 401, "detail": "Unauthorized"}, status=401)
    assert poll(account=x_account) == 0
    x_account.refresh_from_db()
    assert x_account.token_error.startswith("X refused the account's credentials (401)")
    assert x_account.token_error_at is not None


def test_without_a_bearer_token_it_reads_as_the_account(db, x_api):
    account = SocialAccountFactory(external_id="783214", credentials=True, bearer_token="")
    x_api.get(MENTIONS, json={"meta": {"result_count": 0}})
    poll(account=account)
    assert x_api.calls[0].request.headers["Authorization"].startswith("OAuth ")


def test_without_credentials_it_does_not_poll(db, x_api):
    assert poll(account=SocialAccountFactory(external_id="783214")) == 0
    assert len(x_api.calls) == 0


def test_it_stores_replies_with_their_authors_and_threads(x_account, x_api, example):
    # A search page has the shape of a mentions page, with includes.
    x_api.get(MENTIONS, json=example("searches_search_tweets_query"))
    assert poll(account=x_account) == 4
    payload = InboundEvent.objects.get(dedup_key="1276035977375477760").payload
    assert (payload["kind"], payload["in_reply_to"], payload["author_handle"], payload["mentions_account"]) == (
        "reply",
        "1275653067283759104",
        "@happycamper",
        True,
    )


# --- A poll and a webhook bringing the same mention ---


def delivered(client, tweet: dict):
    body = json.dumps({"for_user_id": "783214", "tweet_create_events": [tweet]}).encode()
    signature = sign(body=body, consumer_secret="__APP_SECRET__")
    return client.post(
        "/social/webhooks/twitter/",
        data=body,
        content_type="application/json",
        headers={"x-twitter-webhooks-signature": signature},
    )


def as_delivered(tweet: dict) -> dict:
    """The same tweet as the Account Activity API delivers it (v1.1)."""
    return {
        "id_str": tweet["id"],
        "text": tweet["text"],
        "created_at": "Thu Oct 06 22:33:32 +0000 2022",
        "user": {"id_str": "55555", "screen_name": "someone", "name": "Some One"},
        "entities": {"user_mentions": [{"id_str": "783214", "screen_name": "Twitter"}]},
    }


def test_a_mention_polled_after_its_webhook_is_stored_once(client, x_account, x_api, pages):
    first, *_ = pages
    assert delivered(client, as_delivered(first["data"][0])).json()["stored"] == 1
    serve(x_api, first)
    assert poll(account=x_account) == 9
    assert InboundEvent.objects.filter(dedup_key=first["data"][0]["id"]).get().source == "webhook"
    assert InboundEvent.objects.count() == 10


def test_a_webhook_after_the_poll_that_read_it_stores_nothing(client, x_account, x_api, pages):
    first, *_ = pages
    serve(x_api, first)
    poll(account=x_account)
    response = delivered(client, as_delivered(first["data"][3]))
    assert response.status_code == 200
    assert response.json() == {"received": 1, "stored": 0}
    assert InboundEvent.objects.count() == 10
