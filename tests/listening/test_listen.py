"""A listening run end to end: X's recorded search answer at the HTTP boundary, the heard
posts stored in PostgreSQL with their sentiment and service, cursors kept per account and
query, the request budget spent across queries, and a re-poll storing nothing twice."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import responses
from django.utils import timezone

from listening import listen as listening_run
from listening.listen import LEASE, listen_account, listen_all
from listening.models import HeardMessage, ListeningAccountState
from listening.tasks import listen as listen_task

from ..factories import ServiceFactory
from ..social.factories import SocialAccountFactory
from .factories import ListeningQueryFactory

SEARCH = "https://api.twitter.com/2/tweets/search/recent"


@pytest.fixture
def recorded_search(shared_fixtures):
    cassette = shared_fixtures / "x_api_v2_recorded" / "decoded" / "test_client_search_recent_tweets.json"
    return json.loads(cassette.read_text())[0]["response"]


@pytest.fixture
def x_account(db):
    return SocialAccountFactory(external_id="783214", handle="AcmeDesk", credentials=True)


@pytest.fixture
def x_api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def vpn(db):
    return ListeningQueryFactory(name="VPN", terms="vpn\nremote access", service=ServiceFactory(name="VPN"))


def test_a_run_stores_what_it_heard_with_sentiment_and_service(x_account, x_api, vpn, recorded_search):
    x_api.get(SEARCH, json=recorded_search)
    assert listen_account(account=x_account, queries=[vpn]) == 10

    heard = HeardMessage.objects.order_by("external_id")
    assert [m.external_id for m in heard] == sorted(t["id"] for t in recorded_search["data"])
    message = heard.get(external_id="1578516068309794817")
    assert (message.channel, message.account, message.query, message.service) == (
        "twitter",
        x_account,
        vpn,
        vpn.service,
    )
    assert message.text == "2022-10-07 22:42:12.637103 tweepy"
    assert message.sentiment_label in ("negative", "neutral", "positive")
    assert message.sentiment_model and -1 <= message.sentiment_score <= 1
    assert message.incident is None  # heard, not an incident

    state = ListeningAccountState.objects.get(account=x_account)
    assert state.cursors == {vpn.search_key: "1578516068309794817"}
    assert state.window_requests == 1
    assert state.leased_until is None and state.last_heard == 10 and state.last_error == ""


def test_a_repoll_stores_nothing_twice_and_asks_since_the_cursor(x_account, x_api, vpn, recorded_search):
    x_api.get(SEARCH, json=recorded_search)
    listen_account(account=x_account, queries=[vpn])
    # X answers the same page again (the since_id overlapped, or the cursor did not move).
    x_api.get(SEARCH, json={"meta": {"result_count": 0}}, match=[_after(recorded_search)])
    assert listen_account(account=x_account, queries=[vpn]) == 0
    assert HeardMessage.objects.count() == 10
    assert "since_id=1578516068309794817" in x_api.calls[1].request.url


def _after(page):
    return responses.matchers.query_param_matcher({"next_token": page["meta"]["next_token"]}, strict_match=False)


def test_a_post_two_queries_meet_is_stored_once(x_account, x_api, vpn, recorded_search):
    other = ListeningQueryFactory(name="Tweepy", terms="tweepy")
    x_api.get(SEARCH, json=recorded_search)
    assert listen_account(account=x_account, queries=[vpn, other]) == 10
    assert HeardMessage.objects.count() == 10
    assert ListeningAccountState.objects.get(account=x_account).window_requests == 2


def test_the_budget_is_shared_by_the_queries_longest_waiting_first(x_account, x_api, recorded_search, settings):
    queries = [ListeningQueryFactory(name=f"Q{n}", terms=f"word{n}") for n in range(3)]
    x_api.get(SEARCH, json={"meta": {"result_count": 0}})
    state = ListeningAccountState.objects.create(
        account=x_account,
        window_started_at=timezone.now(),
        window_requests=58,  # 2 of X's 60 left
    )
    listen_account(account=x_account, queries=queries)
    state.refresh_from_db()
    assert state.window_requests == 60
    asked = [call.request.url for call in x_api.calls]
    assert len(asked) == 2 and "word0" in asked[0] and "word1" in asked[1]
    # The window is spent: nothing is asked until it ends...
    assert listen_account(account=x_account, queries=queries) == 0
    assert len(x_api.calls) == 2
    # ...then the query that waited goes first.
    later = timezone.now() + timedelta(minutes=15, seconds=1)
    listen_account(account=x_account, queries=queries, now=later)
    assert "word2" in x_api.calls[2].request.url
    state.refresh_from_db()
    assert state.window_requests == 3 and state.window_started_at == later


def test_a_429_waits_for_xs_reset(x_account, x_api, vpn):
    reset = int((timezone.now() + timedelta(minutes=9)).timestamp())
    x_api.get(
        SEARCH,
        status=429,
        json={"title": "Too Many Requests", "status": 429},
        headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
    )
    assert listen_account(account=x_account, queries=[vpn]) == 0
    state = ListeningAccountState.objects.get(account=x_account)
    assert state.rate_limited_until == datetime.fromtimestamp(reset, tz=UTC)
    assert listen_account(account=x_account, queries=[vpn]) == 0
    assert len(x_api.calls) == 1  # not asked again before the reset
    listen_account(account=x_account, queries=[vpn], now=datetime.fromtimestamp(reset + 1, tz=UTC))
    assert len(x_api.calls) == 2


def test_a_run_holding_the_account_keeps_others_off_until_its_lease_ends(x_account, x_api, vpn):
    x_api.get(SEARCH, json={"meta": {"result_count": 0}})
    ListeningAccountState.objects.create(account=x_account, leased_until=timezone.now() + LEASE)
    assert listen_account(account=x_account, queries=[vpn]) == 0
    assert len(x_api.calls) == 0
    # A lease left by a worker that died expires.
    listen_account(account=x_account, queries=[vpn], now=timezone.now() + LEASE + timedelta(seconds=1))
    assert len(x_api.calls) == 1


def test_new_terms_start_the_search_again_and_drop_the_old_cursor(x_account, x_api, vpn, recorded_search):
    x_api.get(SEARCH, json=recorded_search)
    listen_account(account=x_account, queries=[vpn])
    old_key = vpn.search_key
    vpn.terms = "vpn\nanyconnect"
    vpn.save()
    x_api.get(SEARCH, json={"meta": {"result_count": 0}}, match=[_after(recorded_search)])
    listen_account(account=x_account, queries=[vpn])
    assert "since_id" not in x_api.calls[1].request.url
    assert old_key not in ListeningAccountState.objects.get(account=x_account).cursors


def test_a_failing_account_does_not_stop_the_others(x_account, x_api, vpn, recorded_search, monkeypatch):
    second = SocialAccountFactory(external_id="783215", handle="AcmeDesk2", credentials=True)
    x_api.get(SEARCH, json=recorded_search)
    real = listening_run.listen_account

    def failing_first(*, account, queries):
        if account == x_account:
            raise RuntimeError("boom")
        return real(account=account, queries=queries)

    monkeypatch.setattr(listening_run, "listen_account", failing_first)
    assert listen_all() == 10
    assert set(HeardMessage.objects.values_list("account", flat=True)) == {second.pk}


def test_the_task_listens_on_every_listening_account(x_account, x_api, vpn, recorded_search):
    x_api.get(SEARCH, json=recorded_search)
    listen_task.delay()
    assert HeardMessage.objects.count() == 10
    listen_task.delay()  # safe to run twice
    assert HeardMessage.objects.count() == 10


def test_nothing_runs_without_queries_or_when_switched_off(x_account, x_api, vpn, settings):
    settings.LISTENING_ENABLED = False
    assert listen_all() == 0
    settings.LISTENING_ENABLED = True
    vpn.active = False
    vpn.save()
    assert listen_all() == 0
    assert len(x_api.calls) == 0


def test_the_beat_schedules_it(settings):
    assert settings.CELERY_BEAT_SCHEDULE["listen"]["task"] == "listening.tasks.listen"


def test_a_platform_may_keep_several_cursors_per_search(x_account):
    """Mastodon keeps one per hashtag ("<search key>:<tag>"): they go when their search does."""
    from social.listening import ListenResult, Search

    state = ListeningAccountState.objects.create(
        account=x_account, cursors={"q1-aa:vpn": "5", "q2-bb:old": "7", "tagged": "9"}
    )
    result = ListenResult(cursors={"q1-aa:wifi": "6"}, completed=["q1-aa"])
    listening_run._record(
        state, result, searches=[Search(key="q1-aa", terms=("#vpn",))], used=1, stored=0, now=timezone.now()
    )
    assert state.cursors == {"q1-aa:vpn": "5", "q1-aa:wifi": "6", "tagged": "9"}
