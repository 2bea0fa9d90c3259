"""Listening on X: recent search with X's recorded answers at the HTTP boundary (the tweepy
cassette of `GET /2/tweets/search/recent` and the X API v2 reference search example), its
since_id cursors, its request budget and X's rate limits."""

import copy
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import pytest
import responses

from social.listening import RequestBudget, Search
from social.twitter.listen import MAX_PAGES, listen, search_query

from .conftest import API

SEARCH = f"{API}/tweets/search/recent"
VPN = Search(key="q1-vpn", terms=("vpn", "remote access", "#vpndown"), excluded=("job",))


def params(call) -> dict[str, list[str]]:
    return parse_qs(urlparse(call.request.url).query)


def after(token: str):
    return [responses.matchers.query_param_matcher({"next_token": token}, strict_match=False)]


@pytest.fixture
def recorded_search(recorded):
    """The recorded search page: 10 posts, newest 1578516068309794817, with a next_token."""
    status, body = recorded("test_client_search_recent_tweets")
    assert status == 200
    return body


@pytest.fixture
def reference_search(example):
    """X's reference search answer: posts with authors, mentions and referenced posts in includes."""
    return example("searches_search_tweets_query")


def test_the_query_is_any_term_without_the_excluded_ones_reposts_or_the_desks_posts():
    assert (
        search_query(VPN, handle="@AcmeDesk") == '(vpn OR "remote access" OR #vpndown) -job -is:retweet -from:AcmeDesk'
    )
    assert search_query(Search(key="k", terms=("Acme IT",))) == '"Acme IT" -is:retweet'
    # Quotes people type cannot break the query; a word X would read as an operator is quoted.
    assert search_query(Search(key="k", terms=('say "hi"', "wi-fi"))) == '("say hi" OR "wi-fi") -is:retweet'
    assert search_query(Search(key="k", terms=("  ",))) == ""


def test_a_first_search_reads_its_latest_page_and_keeps_newest_id_as_its_cursor(x_account, x_api, recorded_search):
    x_api.get(SEARCH, json=recorded_search)
    budget = RequestBudget(60)
    result = listen(account=x_account, searches=[VPN], cursors={}, budget=budget)

    assert len(x_api.calls) == 1  # not the week behind it
    sent = params(x_api.calls[0])
    assert sent["query"] == ['(vpn OR "remote access" OR #vpndown) -job -is:retweet -from:Twitter']
    assert "since_id" not in sent
    assert sent["max_results"] == ["100"]
    assert sent["expansions"] == ["author_id,referenced_tweets.id"]
    assert x_api.calls[0].request.headers["Authorization"] == "Bearer test-bearer-token"
    assert [heard.event.external_id for heard in result.heard] == [t["id"] for t in recorded_search["data"]]
    assert {heard.search_key for heard in result.heard} == {"q1-vpn"}
    assert result.heard[0].event.text == "2022-10-07 22:42:12.637103 tweepy"
    # Answered, if an agent makes it an incident, with a reply under it.
    assert {heard.event.kind for heard in result.heard} == {"mention"}
    assert result.cursors == {"q1-vpn": "1578516068309794817"}
    assert result.completed == ["q1-vpn"]
    assert budget.used == 1 and not result.error and result.rate_limited_until is None


def test_later_searches_read_every_page_since_the_cursor(x_account, x_api, recorded_search):
    empty = {"meta": {"result_count": 0}}
    x_api.get(SEARCH, json=empty, match=after(recorded_search["meta"]["next_token"]))
    x_api.get(SEARCH, json=recorded_search)
    result = listen(
        account=x_account, searches=[VPN], cursors={"q1-vpn": "1578500000000000000"}, budget=RequestBudget(60)
    )
    assert [params(call).get("next_token") for call in x_api.calls] == [None, [recorded_search["meta"]["next_token"]]]
    assert {params(call)["since_id"][0] for call in x_api.calls} == {"1578500000000000000"}
    assert result.cursors == {"q1-vpn": "1578516068309794817"}
    assert len(result.heard) == 10


def test_nothing_new_keeps_the_cursor(x_account, x_api):
    x_api.get(SEARCH, json={"meta": {"result_count": 0}})
    result = listen(
        account=x_account, searches=[VPN], cursors={"q1-vpn": "1578516068309794817"}, budget=RequestBudget(5)
    )
    assert result.heard == [] and result.cursors == {} and result.completed == ["q1-vpn"]


def test_authors_and_kinds_come_from_the_includes(x_account, x_api, reference_search):
    x_api.get(SEARCH, json=reference_search)
    result = listen(account=x_account, searches=[VPN], cursors={}, budget=RequestBudget(5))
    events = {heard.event.external_id: heard.event for heard in result.heard}
    first = events["1276035977375477760"]
    users = {u["id"]: u for u in reference_search["includes"]["users"]}
    assert first.author_id == "63046977"
    assert first.author_handle == f"@{users['63046977']['username']}"
    assert first.kind == "reply"  # it answers 1275653067283759104
    assert first.url == f"https://x.com/{users['63046977']['username']}/status/1276035977375477760"
    assert first.created_at == datetime(2020, 6, 25, 6, 14, 19, tzinfo=UTC)


def test_one_post_that_cannot_be_read_loses_none_of_the_others(x_account, x_api, recorded_search):
    page = copy.deepcopy(recorded_search)
    page["data"][3] = {"id": "not an id", "text": 12}
    x_api.get(SEARCH, json=page)
    result = listen(account=x_account, searches=[VPN], cursors={}, budget=RequestBudget(5))
    assert result.skipped == 1
    assert len(result.heard) == 9
    assert result.cursors == {"q1-vpn": "1578516068309794817"}


def test_the_desks_own_posts_and_reposts_are_not_heard(x_account, x_api, recorded_search):
    page = copy.deepcopy(recorded_search)
    page["data"][0]["author_id"] = x_account.external_id
    page["data"][1]["referenced_tweets"] = [{"type": "retweeted", "id": "1"}]
    x_api.get(SEARCH, json=page)
    result = listen(account=x_account, searches=[VPN], cursors={}, budget=RequestBudget(5))
    ids = [heard.event.external_id for heard in result.heard]
    assert page["data"][0]["id"] not in ids and page["data"][1]["id"] not in ids
    assert len(ids) == 8


def test_a_429_stops_the_run_until_xs_reset_and_keeps_the_cursor(x_account, x_api, recorded_search):
    reset = 1_900_000_000
    x_api.get(
        SEARCH,
        json={"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429},
        status=429,
        headers={"x-rate-limit-limit": "60", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
    )
    other = Search(key="q2-mail", terms=("outlook",))
    result = listen(account=x_account, searches=[VPN, other], cursors={"q1-vpn": "157"}, budget=RequestBudget(60))
    assert len(x_api.calls) == 1  # the second search is not tried
    assert result.rate_limited_until == datetime.fromtimestamp(reset, tz=UTC)
    assert result.cursors == {} and result.completed == [] and result.heard == []


def test_an_answer_saying_the_window_is_spent_stops_after_storing_it(x_account, x_api, recorded_search):
    reset = 1_900_000_000
    x_api.get(
        SEARCH,
        json=recorded_search,
        headers={"x-rate-limit-limit": "60", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
    )
    other = Search(key="q2-mail", terms=("outlook",))
    result = listen(account=x_account, searches=[VPN, other], cursors={"q1-vpn": "157"}, budget=RequestBudget(60))
    assert len(x_api.calls) == 1  # the page it read is kept, the next request is not made
    assert len(result.heard) == 10
    assert result.rate_limited_until == datetime.fromtimestamp(reset, tz=UTC)
    assert "q1-vpn" not in result.cursors  # its next page was not read: read again next time


def test_the_budget_is_never_overspent(x_account, x_api, recorded_search):
    x_api.get(SEARCH, json=recorded_search)  # every page says there is a next one
    budget = RequestBudget(3)
    searches = [VPN, Search(key="q2", terms=("outlook",))]
    result = listen(account=x_account, searches=searches, cursors={"q1-vpn": "157", "q2": "157"}, budget=budget)
    assert len(x_api.calls) == 3 == budget.used
    assert result.budget_exhausted
    assert result.completed == [] and result.cursors == {}


def test_a_search_of_many_pages_stops_at_the_page_limit_and_moves_on(x_account, x_api, recorded_search):
    x_api.get(SEARCH, json=recorded_search)
    result = listen(account=x_account, searches=[VPN], cursors={"q1-vpn": "157"}, budget=RequestBudget(60))
    assert len(x_api.calls) == MAX_PAGES
    assert result.cursors == {"q1-vpn": "1578516068309794817"}


def test_a_refused_query_is_reported_not_raised(x_account, x_api):
    x_api.get(
        SEARCH,
        json={
            "errors": [{"message": "There were errors processing your request: Invalid query"}],
            "title": "Invalid Request",
            "status": 400,
        },
        status=400,
    )
    result = listen(account=x_account, searches=[VPN], cursors={}, budget=RequestBudget(5))
    assert "Invalid query" in result.error
    assert result.heard == [] and result.cursors == {}


def test_a_query_too_long_for_x_is_not_sent(x_account, x_api):
    long = Search(key="q9", terms=tuple(f"term{n:03d}word" for n in range(60)))
    result = listen(account=x_account, searches=[long], cursors={}, budget=RequestBudget(5))
    assert len(x_api.calls) == 0
    assert "X allows 512" in result.error


def test_without_credentials_nothing_is_asked(x_account, x_api):
    x_account.bearer_token = x_account.consumer_key = x_account.access_token = ""
    result = listen(account=x_account, searches=[VPN], cursors={}, budget=RequestBudget(5))
    assert len(x_api.calls) == 0
    assert "bearer token" in result.error
