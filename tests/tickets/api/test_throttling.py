"""Rate limits per token: 429 with Retry-After, each token counted on its own."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from servicedesk.api.throttling import parse_rate

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 5, 4, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def three_a_minute(settings):
    settings.API_THROTTLE_RATES = {"user": "3/minute", "anon": "2/minute"}


def test_past_the_rate_a_token_gets_429_with_retry_after(as_agent, three_a_minute):
    with time_machine.travel(timezone.now().replace(second=10, microsecond=0), tick=False):
        assert [as_agent.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
        response = as_agent.get("/api/v1/me/")
    assert response.status_code == 429
    assert response["Retry-After"] == "50"  # the window ends at the next minute
    assert response.json()["code"] == "throttled"


def test_the_next_window_lets_the_token_in_again(as_agent, three_a_minute):
    with time_machine.travel(NOON, tick=False) as clock:
        for _ in range(3):
            as_agent.get("/api/v1/me/")
        assert as_agent.get("/api/v1/me/").status_code == 429
        clock.shift(timedelta(seconds=59))
        assert as_agent.get("/api/v1/me/").status_code == 429
        clock.shift(timedelta(seconds=1))
        assert as_agent.get("/api/v1/me/").status_code == 200


def test_each_token_has_its_own_count(as_agent, as_customer, three_a_minute):
    with time_machine.travel(timezone.now().replace(second=0, microsecond=0), tick=False):
        for _ in range(3):
            as_agent.get("/api/v1/me/")
        assert as_agent.get("/api/v1/me/").status_code == 429
        assert as_customer.get("/api/v1/me/").status_code == 200


def test_anonymous_callers_share_the_anonymous_rate(as_anonymous, three_a_minute):
    with time_machine.travel(timezone.now().replace(second=0, microsecond=0), tick=False):
        assert [as_anonymous.get("/api/schema/").status_code for _ in range(3)] == [200, 200, 429]


def test_rates_are_read_from_the_settings(as_agent, settings):
    settings.API_THROTTLE_RATES = {"user": "1/hour", "anon": "1/hour"}
    assert as_agent.get("/api/v1/me/").status_code == 200
    response = as_agent.get("/api/v1/me/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600


@pytest.mark.parametrize(("rate", "parsed"), [("600/minute", (600, 60)), ("5/second", (5, 1)), ("10/day", (10, 86400))])
def test_rates_are_parsed(rate, parsed):
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["600", "600/min", "many/minute"])
def test_a_rate_it_cannot_read_is_refused(rate):
    with pytest.raises(ValueError, match="A rate looks like 600/minute"):
        parse_rate(rate)
