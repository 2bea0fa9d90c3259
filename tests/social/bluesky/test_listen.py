"""Listening on Bluesky: post search for each term of the listening queries, the PDS mocked at
the HTTP boundary (respx) under the real `atproto` SDK.

No recorded searchPosts answer exists in ../shared/fixtures/bluesky; its output is
`{cursor, hitsTotal, posts: [postView]}` (the lexicon), and the postViews below are the real
ones of the recorded getPostThread (the thread's post and its parents).
"""

import httpx
import pytest

from social.bluesky import listen as listen_module
from social.bluesky.listen import listen, search_terms
from social.listening import RequestBudget, Search

from .conftest import DESK_DID

pytestmark = pytest.mark.django_db
SEARCH = "/app.bsky.feed.searchPosts"
VPN = Search(key="q1-ab", terms=("vpn", "VPN", "#AcmeIT", 'VPN "down again"', "  "), excluded=("hellthread",))


@pytest.fixture
def posts(recorded) -> list[dict]:
    """Eight real postViews, newest first (each parent was posted before its reply)."""
    thread = recorded("atproto.dart/app.bsky.feed.getPostThread")["thread"]
    views = []
    while thread.get("post") and len(views) < 8:
        views.append(thread["post"])
        thread = thread.get("parent", {})
    return views


def answer(posts, cursor=None):
    return httpx.Response(200, json={"posts": posts, "hitsTotal": len(posts), **({"cursor": cursor} if cursor else {})})


def searched(pds) -> list:
    return [call.request.url.params for call in pds.calls if call.request.url.path.endswith(SEARCH)]


def test_each_term_is_searched_once_a_phrase_quoted():
    assert search_terms(VPN) == ["vpn", "#AcmeIT", '"VPN down again"']


def test_a_first_run_reads_each_terms_latest_page_and_keeps_its_newest_time(desk, pds, posts):
    pds.get(SEARCH).mock(
        side_effect=lambda request: answer(posts[1:4], "more") if request.url.params["q"] == "vpn" else answer([])
    )
    budget = RequestBudget(100)

    result = listen(account=desk, searches=[VPN], cursors={}, budget=budget)

    assert [params["q"] for params in searched(pds)] == ["vpn", "#AcmeIT", '"VPN down again"']
    first = searched(pds)[0]
    assert first["sort"] == "latest" and first["limit"] == "50" and "since" not in first and "cursor" not in first
    assert budget.used == 3  # one page each on a first run, however many there are
    events = [heard.event for heard in result.heard]
    assert [event.external_id for event in events] == [post["uri"] for post in posts[1:4]]
    assert {heard.search_key for heard in result.heard} == {"q1-ab"}
    assert not any(event.mentions_account for event in events)  # heard, not addressed to the desk
    assert events[0].author_id == posts[1]["author"]["did"] and events[0].kind == "reply"
    # The cursor is the newest post's sortAt: the earlier of its createdAt and indexedAt.
    newest = posts[1]
    assert result.cursors == {"q1-ab:vpn": min(newest["record"]["createdAt"], newest["indexedAt"])}
    assert result.completed == ["q1-ab"]


def test_the_next_run_searches_since_the_cursor_page_by_page(desk, pds, posts, monkeypatch):
    monkeypatch.setattr(listen_module, "MAX_PAGES", 2)
    pages = {None: answer(posts[:2], "p2"), "p2": answer(posts[2:4], "p3"), "p3": answer(posts[4:6])}
    pds.get(SEARCH).mock(side_effect=lambda request: pages[request.url.params.get("cursor")])
    search = Search(key="q2-cd", terms=("vpn",))

    result = listen(
        account=desk, searches=[search], cursors={"q2-cd:vpn": "2023-04-01T00:00:00Z"}, budget=RequestBudget(9)
    )

    assert [(params["since"], params.get("cursor")) for params in searched(pds)] == [
        ("2023-04-01T00:00:00Z", None),
        ("2023-04-01T00:00:00Z", "p2"),
    ]
    # The first post is the hellthread's, which this query does not exclude.
    assert [heard.event.external_id for heard in result.heard] == [post["uri"] for post in posts[:4]]
    assert result.cursors["q2-cd:vpn"] > "2023-04-01T00:00:00Z"


def test_excluded_terms_and_the_desks_own_posts_are_left_out(desk, pds, posts):
    own = dict(posts[2], author=dict(posts[2]["author"], did=DESK_DID))
    pds.get(SEARCH).mock(
        side_effect=lambda request: (
            answer([posts[0], posts[1], own]) if request.url.params["q"] == "vpn" else answer([])
        )
    )

    result = listen(account=desk, searches=[VPN], cursors={}, budget=RequestBudget(10))

    assert "hellthread" in posts[0]["record"]["text"]
    assert [heard.event.external_id for heard in result.heard] == [posts[1]["uri"]]


def test_one_bad_post_loses_none_of_the_others(desk, pds, posts):
    pds.get(SEARCH).mock(return_value=answer([{"uri": "not a uri"}, *posts[1:3]]))
    result = listen(account=desk, searches=[Search(key="q", terms=("vpn",))], cursors={}, budget=RequestBudget(5))
    assert len(result.heard) == 2 and result.skipped == 1
    assert result.cursors["q:vpn"]  # the good posts move it


def test_an_empty_budget_stops_before_asking(desk, pds, posts):
    pds.get(SEARCH).mock(return_value=answer(posts[1:3]))
    result = listen(account=desk, searches=[VPN], cursors={}, budget=RequestBudget(1))
    assert len(searched(pds)) == 1
    assert result.budget_exhausted and result.completed == []
    assert list(result.cursors) == ["q1-ab:vpn"]  # what was read keeps its place


def test_a_rate_limit_stops_the_run_until_the_reset(desk, pds):
    pds.get(SEARCH).mock(
        return_value=httpx.Response(
            429,
            json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
            headers={"ratelimit-reset": "1893456000"},
        )
    )
    result = listen(account=desk, searches=[VPN], cursors={}, budget=RequestBudget(10))
    assert len(searched(pds)) == 1
    assert result.rate_limited_until is not None and result.rate_limited_until.year == 2030
    assert result.cursors == {} and result.completed == []


def test_a_refused_search_is_said_and_stops_the_run(desk, pds):
    pds.get(SEARCH).mock(return_value=httpx.Response(400, json={"error": "BadQueryString", "message": "bad query"}))
    result = listen(account=desk, searches=[VPN], cursors={}, budget=RequestBudget(10))
    assert "vpn" in result.error and "bad query" in result.error
    assert result.heard == [] and result.completed == []


def test_without_an_app_password_nothing_is_asked(desk, pds):
    desk.password = ""
    desk.session = ""
    result = listen(account=desk, searches=[VPN], cursors={}, budget=RequestBudget(5))
    assert "app password" in result.error.lower()
    assert len(pds.calls) == 0
