"""The Graph API client: the pinned version in every URL, the token and appsecret_proof on
every call, and Graph's errors turned into what the senders understand. Only
graph.facebook.com is mocked."""

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
import time_machine
from django.utils import timezone

from social.errors import OutcomeUnknown, RateLimited, Rejected, TemporaryFailure, TokenInvalid
from social.facebook.graph import GraphClient, appsecret_proof

TOKEN = "abc123"
SECRET = "xyz789"
# facebook-sdk's own known answer for HMAC-SHA256(key "xyz789", "abc123").
PROOF = "4dad02ff1693df832f9c183fe400fc4f601360be06514acb4a73edb783eec345"
BASE = "https://graph.facebook.com/v25.0"


@pytest.fixture
def graph(settings):
    settings.FACEBOOK_GRAPH_VERSION = "v25.0"
    return GraphClient(TOKEN, app_secret=SECRET)


def query(call) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(call.request.url).query).items()}


def graph_error(code: int, message: str, *, subcode: int | None = None, **extra) -> dict:
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbC", **extra}
    if subcode:
        error["error_subcode"] = subcode
    return {"error": error}


def test_the_proof_matches_the_known_answer():
    assert appsecret_proof(access_token=TOKEN, app_secret=SECRET) == PROOF


def test_get_names_the_pinned_version_and_proves_the_app_secret(graph_api, graph):
    graph_api.add(responses.GET, f"{BASE}/123/feed", json={"data": []})
    assert graph.get("123/feed", fields="id,message", since=1700000000) == {"data": []}
    [call] = graph_api.calls
    assert urlsplit(call.request.url).path == "/v25.0/123/feed"
    assert query(call) == {
        "fields": "id,message",
        "since": "1700000000",
        "access_token": TOKEN,
        "appsecret_proof": PROOF,
    }


def test_the_version_comes_from_the_setting(graph_api, settings):
    settings.FACEBOOK_GRAPH_VERSION = "v26.0"
    graph_api.add(responses.GET, "https://graph.facebook.com/v26.0/me", json={"id": "1"})
    GraphClient(TOKEN).get("me")
    assert GraphClient(TOKEN, version="v24.0").version == "v24.0"


def test_without_an_app_secret_there_is_no_proof(graph_api, graph):
    graph_api.add(responses.GET, f"{BASE}/me", json={"id": "1"})
    GraphClient(TOKEN).get("me")
    assert "appsecret_proof" not in query(graph_api.calls[0])


def test_post_sends_a_form_with_json_values_and_keeps_the_token_out_of_the_url(graph_api, graph):
    graph_api.add(responses.POST, f"{BASE}/42/messages", json={"recipient_id": "6060", "message_id": "m_1"})
    answer = graph.post("42/messages", recipient={"id": "6060"}, messaging_type="RESPONSE", message={"text": "Hi"})
    assert answer == {"recipient_id": "6060", "message_id": "m_1"}
    [call] = graph_api.calls
    assert call.request.url == f"{BASE}/42/messages"
    assert call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = {k: v[0] for k, v in parse_qs(call.request.body).items()}
    assert form == {
        "recipient": '{"id":"6060"}',
        "messaging_type": "RESPONSE",
        "message": '{"text":"Hi"}',
        "access_token": TOKEN,
        "appsecret_proof": PROOF,
    }
    assert json.loads(form["message"]) == {"text": "Hi"}


def test_paging_links_are_followed_with_our_version_token_and_proof(graph_api, graph):
    graph_api.add(responses.GET, f"{BASE}/123/feed", json={"data": [{"id": "2"}]})
    next_url = "https://graph.facebook.com/v2.9/123/feed?access_token=OLD&limit=25&after=QVFI&appsecret_proof=OLD"
    assert graph.get_next(next_url) == {"data": [{"id": "2"}]}
    [call] = graph_api.calls
    assert urlsplit(call.request.url).path == "/v25.0/123/feed"
    assert query(call) == {"limit": "25", "after": "QVFI", "access_token": TOKEN, "appsecret_proof": PROOF}


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/v25.0/123/feed?after=x", "http://graph.facebook.com/v25.0/123/feed?after=x"],
)
def test_paging_links_elsewhere_are_not_followed(graph_api, graph, next_url):
    with pytest.raises(Rejected):
        graph.get_next(next_url)
    assert not graph_api.calls


@pytest.mark.parametrize("path", ["", "../oauth/access_token", "123//comments", "123/comments?x=1"])
def test_it_builds_graph_paths_only(graph, path):
    with pytest.raises(Rejected):
        graph.get(path)


# Errors ------------------------------------------------------------------------------------


def fail(graph_api, graph, *, status=400, body=None, headers=None, exception=None):
    graph_api.add(
        responses.POST,
        f"{BASE}/1_2/comments",
        status=status,
        json=body if exception is None and not isinstance(body, str) else None,
        body=exception if exception is not None else (body if isinstance(body, str) else None),
        headers=headers or {},
    )
    graph.post("1_2/comments", message="We are on it")


@time_machine.travel("2025-06-01 12:00:00+00:00", tick=False)
@pytest.mark.parametrize(
    ("status", "code"),
    [(429, None), (400, 4), (403, 17), (400, 32), (400, 613), (400, 80001)],
)
def test_rate_limits_wait_a_quarter_of_an_hour_by_default(graph_api, graph, status, code):
    body = graph_error(code, "(#4) Application request limit reached") if code else {}
    with pytest.raises(RateLimited) as error:
        fail(graph_api, graph, status=status, body=body)
    assert error.value.retry_at == timezone.now() + timedelta(minutes=15)


@time_machine.travel("2025-06-01 12:00:00+00:00", tick=False)
def test_rate_limits_wait_as_long_as_the_business_use_case_header_says(graph_api, graph):
    usage = {"1234": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 27}]}
    headers = {"X-Business-Use-Case-Usage": json.dumps(usage), "X-App-Usage": json.dumps({"call_count": 100})}
    with pytest.raises(RateLimited) as error:
        fail(graph_api, graph, body=graph_error(32, "Page request limit reached"), headers=headers)
    assert error.value.retry_at == timezone.now() + timedelta(minutes=27)
    assert "Page request limit reached" in str(error.value)


@time_machine.travel("2025-06-01 12:00:00+00:00", tick=False)
def test_rate_limits_read_the_app_usage_header_too(graph_api, graph):
    headers = {"X-App-Usage": json.dumps({"call_count": 100, "estimated_time_to_regain_access": 5})}
    with pytest.raises(RateLimited) as error:
        fail(graph_api, graph, body=graph_error(4, "Application request limit reached"), headers=headers)
    assert error.value.retry_at == timezone.now() + timedelta(minutes=5)


def test_an_expired_or_revoked_token_is_a_token_error(graph_api, graph):
    body = graph_error(190, "Error validating access token: Session has expired", subcode=463)
    with pytest.raises(TokenInvalid) as error:
        fail(graph_api, graph, body=body)
    assert "Session has expired" in str(error.value)
    assert TOKEN not in str(error.value)


@pytest.mark.parametrize(
    ("code", "subcode", "message"),
    [
        (10, None, "(#10) Application does not have permission for this action"),
        (200, None, "(#200) Permissions error"),
        (100, 33, "Unsupported post request. Object with ID '1_2' does not exist"),
        (551, None, "This person isn't available right now."),
        (368, None, "The action attempted has been deemed abusive or is otherwise disallowed"),
    ],
)
def test_other_refusals_are_rejections_with_graphs_message(graph_api, graph, code, subcode, message):
    with pytest.raises(Rejected) as error:
        fail(graph_api, graph, body=graph_error(code, message, subcode=subcode))
    assert message in str(error.value)
    assert f"Graph error {code}" in str(error.value)


def test_the_messenger_window_refusal_says_what_it_means(graph_api, graph):
    body = graph_error(10, "(#10) This message is sent outside of allowed window.", subcode=2018278)
    with pytest.raises(Rejected) as error:
        fail(graph_api, graph, body=body)
    assert "within 24 hours" in str(error.value)
    assert "outside of allowed window" in str(error.value)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, graph_error(1, "An unknown error has occurred.")),
        (503, "<html>Service Unavailable</html>"),
        (502, None),
        (400, graph_error(2, "Service temporarily unavailable", is_transient=True)),
    ],
)
def test_server_failures_are_temporary(graph_api, graph, status, body):
    with pytest.raises(TemporaryFailure) as error:
        fail(graph_api, graph, status=status, body=body)
    assert not isinstance(error.value, OutcomeUnknown)


def test_a_connection_error_is_temporary(graph_api, graph):
    with pytest.raises(TemporaryFailure) as error:
        fail(graph_api, graph, exception=requests.ConnectionError(f"failed for {BASE}/x?access_token={TOKEN}"))
    assert not isinstance(error.value, OutcomeUnknown)
    assert TOKEN not in str(error.value)


def test_a_connect_timeout_is_temporary_the_request_never_left(graph_api, graph):
    with pytest.raises(TemporaryFailure) as error:
        fail(graph_api, graph, exception=requests.ConnectTimeout())
    assert not isinstance(error.value, OutcomeUnknown)


def test_a_read_timeout_leaves_the_outcome_unknown(graph_api, graph):
    with pytest.raises(OutcomeUnknown) as error:
        fail(graph_api, graph, exception=requests.ReadTimeout())
    assert "may have been carried out" in str(error.value)


def test_a_success_without_json_leaves_the_outcome_unknown(graph_api, graph):
    with pytest.raises(OutcomeUnknown):
        fail(graph_api, graph, status=200, body="ok")


def test_the_timeout_is_passed_to_requests(graph_api, settings):
    seen = {}

    def callback(request):
        seen["timeout"] = request.req_kwargs["timeout"]
        return (200, {}, "{}")

    graph_api.add_callback(responses.GET, f"{BASE}/me", callback=callback)
    settings.FACEBOOK_GRAPH_VERSION = "v25.0"
    GraphClient(TOKEN, timeout=3).get("me")
    assert seen["timeout"] == 3
