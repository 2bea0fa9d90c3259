"""Listening on Mastodon: the hashtag timelines of the queries' #hashtags, the instance mocked
at the HTTP boundary.

No recorded hashtag timeline exists in ../shared/fixtures/mastodon; a tag timeline is a list
of the same Status objects the instance returns everywhere, so the pages below are built from
the recorded public statuses of test_status_reply (a top-level toot and a reply to it).
"""

from urllib.parse import parse_qs, urlparse

import pytest

from social.listening import RequestBudget, Search
from social.mastodon.listen import hashtags, listen

from .conftest import API

VPN = Search(key="q1-ab", terms=("vpn", "#VPNdown", "#vpndown", "#AcmeIT", "#not a tag"))


def timeline_calls(instance) -> list:
    """The timelines read (Mastodon.py first asks the instance once whether they are public)."""
    return [call for call in instance.calls if "/timelines/" in call.request.url]


@pytest.fixture
def statuses(recorded):
    """The recorded toot (by mastodonpy_test_2) and the admin's reply to it."""
    return [recorded("test_status_reply", 2), recorded("test_status_reply", 0)]


def test_only_hashtags_are_heard_once_each():
    assert hashtags(VPN) == ["VPNdown", "AcmeIT"]


def test_each_hashtag_timeline_is_read_from_its_cursor(desk, instance, statuses):
    instance.get(f"{API}/timelines/tag/VPNdown", json=statuses)
    instance.get(f"{API}/timelines/tag/AcmeIT", json=[])
    budget = RequestBudget(100)
    result = listen(account=desk, searches=[VPN], cursors={"q1-ab:acmeit": "117020583245459000"}, budget=budget)

    assert budget.used == 2
    first, second = (parse_qs(urlparse(call.request.url).query) for call in timeline_calls(instance))
    assert "since_id" not in first and first["limit"] == ["40"]
    assert second["since_id"] == ["117020583245459000"]
    assert timeline_calls(instance)[0].request.headers["Authorization"] == "Bearer desk-token"
    events = [heard.event for heard in result.heard]
    assert [e.external_id for e in events] == [statuses[0]["id"], statuses[1]["id"]]
    assert events[1].text == "Toot, finally!"
    assert events[1].author_handle == "@mastodonpy_test_2@localhost:3000"
    assert events[0].kind == "reply" and events[1].kind == "mention"  # answered with a reply status
    assert not any(e.mentions_account for e in events)  # heard, not addressed to the desk
    assert result.cursors == {"q1-ab:vpndown": max(s["id"] for s in statuses), "q1-ab:acmeit": "117020583245459000"}
    assert result.completed == ["q1-ab"]


def test_one_bad_status_loses_none_of_the_others(desk, instance, statuses):
    instance.get(f"{API}/timelines/tag/VPNdown", json=[{"id": "x"}, *statuses])
    instance.get(f"{API}/timelines/tag/AcmeIT", json=[])
    result = listen(account=desk, searches=[VPN], cursors={}, budget=RequestBudget(10))
    assert len(result.heard) == 2 and result.skipped == 1


def test_a_rate_limit_stops_the_run(desk, instance):
    instance.get(
        f"{API}/timelines/tag/VPNdown",
        status=429,
        json={"error": "Too many requests"},
        headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2030-01-01T00:00:00Z"},
    )
    result = listen(account=desk, searches=[VPN], cursors={}, budget=RequestBudget(10))
    assert len(timeline_calls(instance)) == 1
    assert result.rate_limited_until is not None and result.cursors == {} and result.completed == []


def test_without_a_token_nothing_is_asked(desk, instance):
    desk.access_token = ""
    assert "access token" in listen(account=desk, searches=[VPN], cursors={}, budget=RequestBudget(5)).error
    assert len(timeline_calls(instance)) == 0
