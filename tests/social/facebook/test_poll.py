"""Polling a page's feed: posts since the cursor and the comments under them, page after
page, stored as the webhook would store them; the cursor moves only once all is stored.
Only graph.facebook.com is mocked."""

from datetime import UTC, datetime, timedelta

import pytest
import responses
import time_machine
from django.utils import timezone
from responses import matchers

from social.errors import TemporaryFailure
from social.facebook import poll as poll_module
from social.facebook.graph import appsecret_proof
from social.facebook.poll import poll
from social.models import InboundEvent, SocialAccount

from .conftest import PAGE_ID, PAGE_TOKEN, comment_delivery, signed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_pinned_version")]

BASE = "https://graph.facebook.com/v25.0"
CURSOR = 1700000000


@pytest.fixture
def polled_page(page):
    page.poll_enabled = True
    page.poll_cursor = str(CURSOR)
    page.save()
    return page


def iso(unix: int) -> str:
    return datetime.fromtimestamp(unix, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def graph_post(suffix: str, at: int, text: str = "Printer on floor 2 is jammed") -> dict:
    return {
        "id": f"{PAGE_ID}_{suffix}",
        "message": text,
        "created_time": iso(at),
        "from": {"id": "4242", "name": "Jess"},
    }


def graph_comment(comment_id: str, at: int, text: str, parent: str | None = None) -> dict:
    comment = {"id": comment_id, "message": text, "created_time": iso(at), "from": {"id": "4343", "name": "Sam"}}
    if parent:
        comment["parent"] = {"id": parent}
    return comment


def with_query(**params) -> list:
    return [matchers.query_param_matcher(params, strict_match=False)]


def feed(graph_api, pages: list[list[dict]], *, since: int = CURSOR, fail_page: dict | None = None) -> None:
    """The feed in `pages`, linked by paging.next; `fail_page` answers in place of the last."""
    for number, posts in enumerate(pages):
        match = with_query(since=str(since), fields="id,message,created_time,from") if number == 0 else None
        body = {"data": posts}
        if number + 1 < len(pages) or fail_page:
            body["paging"] = {"next": f"{BASE}/{PAGE_ID}/feed?limit=100&after=F{number + 1}"}
        graph_api.add(responses.GET, f"{BASE}/{PAGE_ID}/feed", json=body, match=match or with_query(after=f"F{number}"))
    if fail_page:
        graph_api.add(responses.GET, f"{BASE}/{PAGE_ID}/feed", match=with_query(after=f"F{len(pages)}"), **fail_page)


def comments(graph_api, post_id: str, pages: list[list[dict]]) -> None:
    for number, data in enumerate(pages):
        body = {"data": data}
        if number + 1 < len(pages):
            body["paging"] = {"next": f"{BASE}/{post_id}/comments?after=C{number + 1}", "cursors": {}}
        match = with_query(filter="stream", order="chronological") if number == 0 else with_query(after=f"C{number}")
        graph_api.add(responses.GET, f"{BASE}/{post_id}/comments", json=body, match=match)


def stored() -> dict[str, dict]:
    return {event.dedup_key: event.payload for event in InboundEvent.objects.all()}


@time_machine.travel("2025-06-01 12:00:00+00:00", tick=False)
def test_it_reads_every_page_of_posts_and_comments(graph_api, polled_page):
    feed(graph_api, [[graph_post("1", CURSOR + 100), graph_post("2", CURSOR + 300)], [graph_post("3", CURSOR + 200)]])
    comments(
        graph_api,
        f"{PAGE_ID}_1",
        [
            [graph_comment("1_10", CURSOR + 150, "Same here")],
            [graph_comment("1_11", CURSOR + 160, "Still broken", parent="1_10")],
        ],
    )
    comments(graph_api, f"{PAGE_ID}_2", [[]])
    comments(graph_api, f"{PAGE_ID}_3", [[graph_comment("3_30", CURSOR + 250, "Fixed now")]])

    assert poll(account=polled_page) == 6

    events = stored()
    assert set(events) == {f"{PAGE_ID}_1", f"{PAGE_ID}_2", f"{PAGE_ID}_3", "1_10", "1_11", "3_30"}
    assert all(e.source == "poll" for e in InboundEvent.objects.all())
    first_post, reply = events[f"{PAGE_ID}_1"], events["1_11"]
    assert (first_post["kind"], first_post["thread_key"], first_post["author_name"]) == ("post", f"{PAGE_ID}_1", "Jess")
    assert first_post["url"] == f"https://www.facebook.com/{PAGE_ID}_1"
    assert (reply["kind"], reply["in_reply_to"], reply["thread_key"]) == ("comment", "1_10", f"{PAGE_ID}_1")
    assert events["1_10"]["in_reply_to"] == f"{PAGE_ID}_1"  # a top-level comment answers the post
    assert reply["created_at"] == datetime.fromtimestamp(CURSOR + 160, tz=UTC).isoformat()

    polled_page.refresh_from_db()
    assert polled_page.poll_cursor == str(CURSOR + 300)  # the newest post seen, wherever it was
    assert polled_page.polled_at == timezone.now()
    proof = appsecret_proof(access_token=PAGE_TOKEN, app_secret=polled_page.app_secret)
    for call in graph_api.calls:
        assert call.request.url.startswith(f"{BASE}/")
        assert f"appsecret_proof={proof}" in call.request.url


def test_the_cursor_moves_only_after_everything_is_stored(graph_api, polled_page, monkeypatch):
    cursors_while_storing = []
    store = poll_module.inbound_store

    def watching_store(**kwargs):
        cursors_while_storing.append(SocialAccount.objects.get(pk=polled_page.pk).poll_cursor)
        return store(**kwargs)

    monkeypatch.setattr(poll_module, "inbound_store", watching_store)
    feed(graph_api, [[graph_post("1", CURSOR + 100)], [graph_post("2", CURSOR + 200)]])
    comments(graph_api, f"{PAGE_ID}_1", [[]])
    comments(graph_api, f"{PAGE_ID}_2", [[]])
    assert poll(account=polled_page) == 2
    assert cursors_while_storing == [str(CURSOR), str(CURSOR)]  # one store per feed page
    polled_page.refresh_from_db()
    assert polled_page.poll_cursor == str(CURSOR + 200)


def test_a_failure_midway_keeps_what_was_stored_and_the_old_cursor(graph_api, polled_page):
    feed(graph_api, [[graph_post("1", CURSOR + 100)]], fail_page={"status": 500, "json": {"error": {"code": 1}}})
    comments(graph_api, f"{PAGE_ID}_1", [[graph_comment("1_10", CURSOR + 150, "Same here")]])
    with pytest.raises(TemporaryFailure):
        poll(account=polled_page)
    assert set(stored()) == {f"{PAGE_ID}_1", "1_10"}
    polled_page.refresh_from_db()
    assert polled_page.poll_cursor == str(CURSOR)


@time_machine.travel("2025-06-01 12:00:00+00:00", tick=False)
def test_a_rate_limit_stops_the_poll_until_facebook_says(graph_api, polled_page):
    usage = '{"1": [{"type": "pages", "estimated_time_to_regain_access": 20}]}'
    limited = {"status": 400, "json": {"error": {"code": 32, "message": "Page request limit reached"}}}
    feed(
        graph_api,
        [[graph_post("1", CURSOR + 100)]],
        fail_page={**limited, "headers": {"X-Business-Use-Case-Usage": usage}},
    )
    comments(graph_api, f"{PAGE_ID}_1", [[]])
    assert poll(account=polled_page) == 1
    polled_page.refresh_from_db()
    assert polled_page.rate_limited_until == timezone.now() + timedelta(minutes=20)
    assert polled_page.poll_cursor == str(CURSOR)


@time_machine.travel("2025-06-01 12:00:00+00:00", tick=False)
def test_while_rate_limited_it_does_not_call(graph_api, polled_page):
    polled_page.rate_limited_until = timezone.now() + timedelta(minutes=1)
    assert poll(account=polled_page) == 0
    assert not graph_api.calls


@time_machine.travel("2025-06-01 12:00:00+00:00", tick=False)
def test_a_revoked_token_is_recorded_for_the_admins(graph_api, polled_page):
    error = {"code": 190, "error_subcode": 460, "message": "The session has been invalidated"}
    graph_api.add(responses.GET, f"{BASE}/{PAGE_ID}/feed", status=400, json={"error": error})
    assert poll(account=polled_page) == 0
    polled_page.refresh_from_db()
    assert "The session has been invalidated" in polled_page.token_error
    assert polled_page.token_error_at == timezone.now()
    assert polled_page.poll_cursor == str(CURSOR)


def test_a_working_token_clears_the_token_error(graph_api, polled_page):
    polled_page.token_error = "expired"
    polled_page.token_error_at = timezone.now()
    polled_page.save()
    feed(graph_api, [[]])
    assert poll(account=polled_page) == 0
    polled_page.refresh_from_db()
    assert (polled_page.token_error, polled_page.token_error_at, polled_page.poll_cursor) == ("", None, str(CURSOR))


@time_machine.travel("2025-06-01 12:00:00+00:00", tick=False)
def test_the_first_poll_reads_the_last_day(graph_api, page):
    since = int((timezone.now() - timedelta(days=1)).timestamp())
    feed(graph_api, [[]], since=since)
    assert poll(account=page) == 0
    page.refresh_from_db()
    assert page.poll_cursor == str(since)


def test_without_a_page_token_it_does_not_call(graph_api, polled_page):
    polled_page.page_access_token = ""
    assert poll(account=polled_page) == 0


def test_polling_twice_stores_nothing_new(graph_api, polled_page):
    for _ in range(2):
        feed(graph_api, [[graph_post("1", CURSOR + 100)]], since=CURSOR)
        comments(graph_api, f"{PAGE_ID}_1", [[graph_comment("1_10", CURSOR + 150, "Same here")]])
    assert poll(account=polled_page) == 2
    polled_page.poll_cursor = str(CURSOR)  # read the same window again
    assert poll(account=polled_page) == 0
    assert InboundEvent.objects.count() == 2


def test_a_poll_overlapping_the_webhook_stores_nothing_twice(client, graph_api, polled_page):
    # The webhook delivered a comment on post 555; the poll then reads that post and comment.
    body = comment_delivery("555_777")
    response = client.post("/social/webhooks/facebook/", data=body, content_type="application/json", **signed(body))
    assert response.json()["stored"] == 1
    feed(graph_api, [[graph_post("555", CURSOR + 100)]])
    comments(graph_api, f"{PAGE_ID}_555", [[graph_comment("555_777", CURSOR + 150, "The VPN drops every 5 minutes")]])

    assert poll(account=polled_page) == 1  # only the post is new
    assert InboundEvent.objects.filter(dedup_key="555_777").count() == 1
    assert InboundEvent.objects.get(dedup_key="555_777").source == "webhook"
    assert InboundEvent.objects.get(dedup_key=f"{PAGE_ID}_555").source == "poll"
