"""Listening on Facebook: the page's tagged posts and visitor posts through our Graph client,
mocked at the HTTP boundary.

No recorded answer of `/{page-id}/tagged` or `/{page-id}/visitor_posts` exists in
../shared/fixtures (only webhook deliveries), so the pages below are built in the shape Graph
documents for a list of posts (`{"data": [...], "paging": {"cursors", "next"}}`, each post
`id`, `message`, `created_time` with a `+0000` offset, `from`, `permalink_url`) with the ids,
texts and times of the recorded `mention` deliveries (mention-post-add-real.json): the post a
page is tagged in is the one those deliveries announce.
"""

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import pytest
import responses

from social.facebook.listen import listen
from social.listening import RequestBudget, Search

from .conftest import PAGE_ID, PAGE_TOKEN

GRAPH = "https://graph.facebook.com/v25.0"
TAGGED = f"{GRAPH}/{PAGE_ID}/tagged"
VISITORS = f"{GRAPH}/{PAGE_ID}/visitor_posts"
SEARCHES = [Search(key="q1", terms=("vpn",))]


def params(call) -> dict[str, list[str]]:
    return parse_qs(urlparse(call.request.url).query)


@pytest.fixture
def tagged_post(facebook_webhooks) -> dict:
    """The post of the recorded mention delivery, as the tagged edge lists it."""
    change = json.loads((facebook_webhooks / "mention-post-add-real.json").read_text())["entry"][0]["changes"][0]
    value = change["value"]
    created = datetime.fromtimestamp(value["created_time"], tz=UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
    return {
        "id": value["post_id"],
        "message": value["message"],
        "created_time": created,
        "from": {"id": "5550001", "name": "Dana Whitfield"},
        "permalink_url": f"https://www.facebook.com/{value['post_id']}",
    }


def visitor_post(n: int, **fields) -> dict:
    return {
        "id": f"{PAGE_ID}_77{n}",
        "message": f"The VPN in building {n} keeps dropping",
        "created_time": f"2026-12-07T09:0{n}:00+0000",
        "from": {"id": f"66600{n}", "name": f"Visitor {n}"},
        **fields,
    }


@pytest.mark.usefixtures("_pinned_version")
def test_it_hears_tagged_and_visitor_posts_whatever_the_terms(page, graph_api, tagged_post):
    graph_api.get(TAGGED, json={"data": [tagged_post], "paging": {"cursors": {"before": "a", "after": "b"}}})
    graph_api.get(VISITORS, json={"data": [visitor_post(1), visitor_post(2)]})
    budget = RequestBudget(100)
    # The recorded post is from 2021: the tagged edge's cursor is from just before it.
    result = listen(account=page, searches=SEARCHES, cursors={"tagged": "1614340000"}, budget=budget)

    assert budget.used == 2
    first = params(graph_api.calls[0])
    assert first["fields"] == ["id,message,created_time,from,permalink_url"]
    assert first["access_token"] == [PAGE_TOKEN]
    assert "appsecret_proof" in first
    assert first["since"] == ["1614340000"]
    # Without a cursor an edge reads the last day, not the page's whole history.
    assert int(params(graph_api.calls[1])["since"][0]) > datetime.now(tz=UTC).timestamp() - 86_400 - 60
    assert "vpn" not in graph_api.calls[0].request.url  # no keyword search on the Graph API
    events = [heard.event for heard in result.heard]
    assert [e.external_id for e in events] == [tagged_post["id"], f"{PAGE_ID}_771", f"{PAGE_ID}_772"]
    assert {heard.search_key for heard in result.heard} == {""}
    tagged = events[0]
    assert (tagged.kind, tagged.author_id, tagged.author_name, tagged.text) == (
        "post",
        "5550001",
        "Dana Whitfield",
        "A test post message",
    )
    assert tagged.url == tagged_post["permalink_url"]
    assert result.cursors == {
        "tagged": str(int(datetime(2021, 2, 26, 11, 56, 2, tzinfo=UTC).timestamp())),
        "visitor_posts": str(int(datetime(2026, 12, 7, 9, 2, tzinfo=UTC).timestamp())),
    }
    assert result.completed == ["tagged", "visitor_posts"]


@pytest.mark.usefixtures("_pinned_version")
def test_each_edge_reads_from_its_cursor_and_follows_its_pages(page, graph_api):
    graph_api.get(
        VISITORS,
        json={"data": [visitor_post(3)]},
        match=[responses.matchers.query_param_matcher({"after": "c2"}, strict_match=False)],
    )
    graph_api.get(
        VISITORS,
        json={"data": [visitor_post(2)], "paging": {"next": f"{GRAPH}/{PAGE_ID}/visitor_posts?after=c2&limit=100"}},
    )
    graph_api.get(TAGGED, json={"data": []})
    result = listen(
        account=page,
        searches=SEARCHES,
        cursors={"tagged": "1700000000", "visitor_posts": "1700000001"},
        budget=RequestBudget(10),
    )
    assert params(graph_api.calls[0])["since"] == ["1700000000"]
    assert params(graph_api.calls[1])["since"] == ["1700000001"]
    assert len(result.heard) == 2
    assert result.cursors["tagged"] == "1700000000"


@pytest.mark.usefixtures("_pinned_version")
def test_one_bad_post_loses_none_of_the_others(page, graph_api):
    graph_api.get(TAGGED, json={"data": [{"id": "x", "message": "no time"}, "not a post", visitor_post(1)]})
    graph_api.get(VISITORS, json={"data": []})
    result = listen(account=page, searches=SEARCHES, cursors={}, budget=RequestBudget(10))
    assert [h.event.external_id for h in result.heard] == [f"{PAGE_ID}_771"]
    assert result.skipped == 2


@pytest.mark.usefixtures("_pinned_version")
def test_the_pages_own_posts_are_not_heard(page, graph_api):
    graph_api.get(TAGGED, json={"data": [visitor_post(1, **{"from": {"id": PAGE_ID, "name": "Service Desk"}})]})
    graph_api.get(VISITORS, json={"data": []})
    assert listen(account=page, searches=SEARCHES, cursors={}, budget=RequestBudget(10)).heard == []


@pytest.mark.usefixtures("_pinned_version")
def test_a_rate_limit_stops_the_run_and_keeps_the_cursors(page, graph_api):
    graph_api.get(
        TAGGED,
        status=400,
        json={"error": {"message": "(#32) Page request limit reached", "type": "OAuthException", "code": 32}},
        headers={"X-Page-Usage": json.dumps({"call_count": 100, "estimated_time_to_regain_access": 7})},
    )
    result = listen(account=page, searches=SEARCHES, cursors={"tagged": "1700000000"}, budget=RequestBudget(10))
    assert len(graph_api.calls) == 1
    assert result.rate_limited_until is not None
    assert result.cursors == {} and result.heard == []


@pytest.mark.usefixtures("_pinned_version")
def test_an_expired_token_is_reported(page, graph_api):
    graph_api.get(
        TAGGED,
        status=400,
        json={"error": {"message": "Error validating access token", "type": "OAuthException", "code": 190}},
    )
    result = listen(account=page, searches=SEARCHES, cursors={}, budget=RequestBudget(10))
    assert "expired or revoked" in result.error


def test_without_a_page_token_nothing_is_asked(page, graph_api):
    page.page_access_token = ""
    result = listen(account=page, searches=SEARCHES, cursors={}, budget=RequestBudget(10))
    assert result.error.startswith("Not listening: No Facebook page access token")
