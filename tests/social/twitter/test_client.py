"""The X client: credentials, timeout, and what each failure becomes (`social.errors`).
X is mocked at the HTTP boundary only; tweepy and requests run for real."""

from datetime import UTC, datetime, timedelta

import pytest
import requests
from django.utils import timezone
from urllib3.exceptions import ProtocolError

from social.errors import OutcomeUnknown, RateLimited, Rejected, TemporaryFailure, TokenInvalid
from social.twitter.client import TIMEOUT, client_for, translated_errors

from .conftest import API

# X's own error bodies (application/problem+json).
DUPLICATE = {
    "detail": "You are not allowed to create a Tweet with duplicate content.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}
REPLY_NOT_ALLOWED = {
    "detail": "Reply to this conversation is not allowed because you have not been mentioned or otherwise "
    "engaged by the author of the post you are replying to.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}
UNAUTHORIZED = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
TOO_MANY = {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}
INVALID = {
    "errors": [{"parameters": {"text": [""]}, "message": "The `text` query parameter value [] is not valid"}],
    "title": "Invalid Request",
    "detail": "One or more parameters to your request was invalid.",
    "type": "https://api.twitter.com/2/problems/invalid-request",
}


def create_tweet(account):
    with translated_errors(write=True):
        return client_for(account).create_tweet(text="Thanks, on it.", in_reply_to_tweet_id="2001")


def read_mentions(account):
    with translated_errors():
        return client_for(account).get_users_mentions(account.external_id)


def test_it_posts_as_the_account_and_reads_as_the_app(x_account, x_api, recorded):
    status, body = recorded("test_client_create_and_delete_tweet", 0)
    x_api.post(f"{API}/tweets", json=body, status=status)
    x_api.get(f"{API}/users/783214/mentions", json={"meta": {"result_count": 0}})
    assert create_tweet(x_account) == {"data": {"id": "1456012973835788293", "text": "Test Tweet"}}
    assert read_mentions(x_account) == {"meta": {"result_count": 0}}
    posted, read = (call.request for call in x_api.calls)
    assert posted.headers["Authorization"].startswith("OAuth ")
    assert 'oauth_consumer_key="test-consumer-key"' in posted.headers["Authorization"]
    assert 'oauth_token="test-access-token"' in posted.headers["Authorization"]
    assert read.headers["Authorization"] == "Bearer test-bearer-token"


def test_every_call_has_a_timeout(x_account, x_api):
    x_api.get(f"{API}/users/783214/mentions", json={"meta": {"result_count": 0}})
    read_mentions(x_account)
    assert x_api.calls[0].request.req_kwargs["timeout"] == TIMEOUT


def test_a_rate_limit_says_when_it_ends(x_account, x_api):
    reset = int((timezone.now() + timedelta(minutes=7)).timestamp())
    x_api.post(
        f"{API}/tweets",
        json=TOO_MANY,
        status=429,
        headers={"x-rate-limit-limit": "200", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
    )
    with pytest.raises(RateLimited) as raised:
        create_tweet(x_account)
    assert raised.value.retry_at == datetime.fromtimestamp(reset, tz=UTC)


def test_a_spent_daily_cap_waits_for_the_day_to_end(x_account, x_api):
    window_reset = int((timezone.now() + timedelta(minutes=7)).timestamp())
    day_reset = int((timezone.now() + timedelta(hours=20)).timestamp())
    x_api.post(
        f"{API}/tweets",
        json=TOO_MANY,
        status=429,
        headers={
            "x-rate-limit-remaining": "150",
            "x-rate-limit-reset": str(window_reset),
            "x-user-limit-24hour-limit": "100",
            "x-user-limit-24hour-remaining": "0",
            "x-user-limit-24hour-reset": str(day_reset),
        },
    )
    with pytest.raises(RateLimited) as raised:
        create_tweet(x_account)
    assert raised.value.retry_at == datetime.fromtimestamp(day_reset, tz=UTC)


def test_a_rate_limit_without_a_reset_waits_a_window(x_account, x_api):
    x_api.post(f"{API}/tweets", json=TOO_MANY, status=429)
    with pytest.raises(RateLimited) as raised:
        create_tweet(x_account)
    assert timedelta(minutes=14) < raised.value.retry_at - timezone.now() <= timedelta(minutes=15)


def test_a_refused_token_is_a_token_error(x_account, x_api):
    x_api.post(f"{API}/tweets", json=UNAUTHORIZED, status=401)
    with pytest.raises(TokenInvalid, match="401"):
        create_tweet(x_account)


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (403, DUPLICATE, "X refused: You are not allowed to create a Tweet with duplicate content."),
        (403, REPLY_NOT_ALLOWED, "X refused: Reply to this conversation is not allowed because"),
        (400, INVALID, "X refused: The `text` query parameter value [] is not valid"),
        (
            404,
            {"title": "Not Found Error", "detail": "Could not find tweet.", "status": 404},
            "X refused: Could not find tweet.",
        ),
    ],
    ids=["duplicate", "reply not allowed", "bad request", "not found"],
)
def test_a_refusal_carries_x_s_own_words(x_account, x_api, status, body, message):
    x_api.post(f"{API}/tweets", json=body, status=status)
    with pytest.raises(Rejected) as raised:
        create_tweet(x_account)
    assert str(raised.value).startswith(message)


def test_a_refusal_without_a_body_says_the_status(x_account, x_api):
    x_api.post(f"{API}/tweets", body="<html>Forbidden</html>", status=403)
    with pytest.raises(Rejected, match="403 Forbidden"):
        create_tweet(x_account)


def test_a_server_error_on_a_read_is_temporary(x_account, x_api):
    x_api.get(f"{API}/users/783214/mentions", json={"title": "Service Unavailable"}, status=503)
    with pytest.raises(TemporaryFailure) as raised:
        read_mentions(x_account)
    assert not isinstance(raised.value, OutcomeUnknown)


def test_a_server_error_on_a_post_may_have_posted_it(x_account, x_api):
    x_api.post(f"{API}/tweets", json={"title": "Service Unavailable"}, status=503)
    with pytest.raises(OutcomeUnknown):
        create_tweet(x_account)


def test_no_answer_to_a_post_is_an_unknown_outcome(x_account, x_api):
    x_api.post(f"{API}/tweets", body=requests.ReadTimeout("Read timed out."))
    with pytest.raises(OutcomeUnknown):
        create_tweet(x_account)


def test_no_answer_to_a_read_is_temporary(x_account, x_api):
    x_api.get(f"{API}/users/783214/mentions", body=requests.ReadTimeout("Read timed out."))
    with pytest.raises(TemporaryFailure) as raised:
        read_mentions(x_account)
    assert not isinstance(raised.value, OutcomeUnknown)


def test_a_connection_that_never_opened_is_temporary(x_account, x_api):
    x_api.post(f"{API}/tweets", body=requests.ConnectTimeout("Connection to api.twitter.com timed out."))
    with pytest.raises(TemporaryFailure) as raised:
        create_tweet(x_account)
    assert not isinstance(raised.value, OutcomeUnknown)


def test_a_refused_connection_is_temporary(x_account, x_api):
    x_api.post(f"{API}/tweets", body=requests.ConnectionError("Connection refused"))
    with pytest.raises(TemporaryFailure) as raised:
        create_tweet(x_account)
    assert not isinstance(raised.value, OutcomeUnknown)


def test_a_connection_dropped_mid_post_is_an_unknown_outcome(x_account, x_api):
    dropped = requests.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")))
    x_api.post(f"{API}/tweets", body=dropped)
    with pytest.raises(OutcomeUnknown):
        create_tweet(x_account)


def test_an_unreadable_answer_to_a_post_is_an_unknown_outcome(x_account, x_api):
    x_api.post(f"{API}/tweets", body="<html>ok</html>", status=201, content_type="text/html")
    with pytest.raises(OutcomeUnknown):
        create_tweet(x_account)
