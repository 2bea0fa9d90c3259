"""Polling listNotifications page by page with its cursor, the PDS mocked at HTTP (respx), the
real intake (InboundEvent rows in PostgreSQL), and the session kept between polls."""

import httpx
import pytest

from social.bluesky import poll as poll_module
from social.bluesky.poll import poll
from social.models import InboundEvent

from .conftest import DESK_DID, session_answer

pytestmark = pytest.mark.django_db
LIST = "/app.bsky.notification.listNotifications"


@pytest.fixture(autouse=True)
def _processing_not_enqueued(monkeypatch):
    monkeypatch.setattr("social.inbox.store._enqueue_processing", lambda shards: None)


def answer(notifications, cursor=None):
    return httpx.Response(200, json={"notifications": notifications, **({"cursor": cursor} if cursor else {})})


def test_a_first_poll_logs_in_reads_one_page_and_keeps_the_session_and_the_newest_time(desk, pds, page):
    listed = pds.get(LIST).mock(return_value=answer(page["notifications"], page["cursor"]))

    assert poll(account=desk) == 200

    login = pds.routes["login"].calls[0].request
    assert b'"identifier":"shinyakato.dev"' in login.content and b"app-pass-word-1234" in login.content
    request = listed.calls[0].request
    assert request.url.params.get_list("reasons") == ["mention", "quote", "reply"]
    assert request.url.params["limit"] == "50" and "cursor" not in request.url.params
    assert request.headers["Authorization"].startswith("Bearer ")
    desk.refresh_from_db()
    assert desk.poll_cursor == page["notifications"][0]["indexedAt"]
    assert DESK_DID in desk.session  # kept, encrypted at rest
    assert InboundEvent.objects.filter(channel="bluesky").count() == 200


def test_the_next_poll_reuses_the_session_and_pages_back_to_what_it_saw(desk, pds, page, monkeypatch):
    monkeypatch.setattr(poll_module, "PAGE_SIZE", 2)
    items = page["notifications"]
    pds.get(LIST).mock(return_value=answer(items[:2], "c1"))
    poll(account=desk)
    desk.refresh_from_db()
    assert desk.poll_cursor == items[0]["indexedAt"]

    # Three newer notifications came; the third page reaches the one seen before.
    newer = [
        dict(items[4], indexedAt="2030-01-01T00:00:03.000Z", uri=items[4]["uri"][:-1] + "x"),
        dict(items[5], indexedAt="2030-01-01T00:00:02.000Z", uri=items[5]["uri"][:-1] + "y"),
        dict(items[6], indexedAt="2030-01-01T00:00:01.000Z", uri=items[6]["uri"][:-1] + "z"),
    ]
    pages = {None: answer(newer[:2], "n2"), "n2": answer([newer[2], items[0]], "n3")}
    listed = pds.get(LIST).mock(side_effect=lambda request: pages[request.url.params.get("cursor")])
    before = listed.call_count

    assert poll(account=desk) == 3

    assert pds.routes["login"].call_count == 1  # the kept session, not a second login
    cursors = [call.request.url.params.get("cursor") for call in list(listed.calls)[before:]]
    assert cursors == [None, "n2"]  # stopped at what it had seen
    desk.refresh_from_db()
    assert desk.poll_cursor == "2030-01-01T00:00:03.000Z"


def test_a_refused_session_is_dropped_and_the_password_used_again(desk, pds, page):
    desk.session = "not a session"
    desk.save()
    pds.get(LIST).mock(return_value=answer(page["notifications"][:3]))

    assert poll(account=desk) == 3
    assert pds.routes["login"].call_count == 1


def test_an_expired_session_logs_in_again_and_the_poll_goes_on(desk, pds, page):
    pds.get(LIST).mock(
        side_effect=[
            httpx.Response(400, json={"error": "ExpiredToken", "message": "Token has expired"}),
            answer(page["notifications"][:3]),
        ]
    )
    desk.session = ""
    desk.save()
    poll(account=desk)  # logs in once, then is told the token expired
    assert pds.routes["login"].call_count == 2
    desk.refresh_from_db()
    assert desk.token_error == "" and InboundEvent.objects.count() == 3


def test_a_wrong_app_password_is_shown_to_the_admins(desk, pds):
    pds.routes["login"].mock(
        return_value=httpx.Response(
            401, json={"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
        )
    )

    assert poll(account=desk) == 0

    desk.refresh_from_db()
    assert "Invalid identifier or password" in desk.token_error


def test_a_rate_limit_stops_the_poll_until_it_ends(desk, pds):
    pds.get(LIST).mock(
        return_value=httpx.Response(429, json={"error": "RateLimitExceeded"}, headers={"ratelimit-reset": "1893456000"})
    )

    assert poll(account=desk) == 0

    desk.refresh_from_db()
    assert desk.rate_limited_until.year == 2030 and desk.poll_cursor == ""


def test_a_pds_that_does_not_answer_is_tried_next_time(desk, pds):
    pds.get(LIST).mock(side_effect=httpx.ConnectTimeout("no route"))

    assert poll(account=desk) == 0
    desk.refresh_from_db()
    assert desk.polled_at is None and desk.token_error == ""


def test_one_malformed_notification_is_kept_ignored_and_the_others_stored(desk, pds, page):
    bad = dict(page["notifications"][0], uri="nonsense")
    pds.get(LIST).mock(return_value=answer([bad, *page["notifications"][1:4]]))

    assert poll(account=desk) == 4
    assert (
        InboundEvent.objects.filter(payload__action="ignore", payload__ignore_reason__startswith="Malformed").count()
        == 1
    )


def test_the_session_is_refreshed_when_its_access_token_expires(desk, pds, page):
    expired = session_answer()
    expired["accessJwt"] = expired["accessJwt"].split(".")[0] + ".eyJleHAiOiAxfQ.c2ln"  # exp: 1970
    pds.routes["login"].mock(return_value=httpx.Response(200, json=expired))
    refresh = pds.post("/com.atproto.server.refreshSession").mock(
        return_value=httpx.Response(200, json=session_answer())
    )
    pds.get(LIST).mock(return_value=answer(page["notifications"][:1]))

    assert poll(account=desk) == 1
    assert refresh.call_count == 1
