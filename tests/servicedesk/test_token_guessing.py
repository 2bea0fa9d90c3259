"""Guessing API tokens meets 429: wrong tokens are counted per client address, and past the
rate every token from that address is refused until the window ends."""

import secrets
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from rest_framework.test import APIClient

from ..tickets.api.conftest import client_for

pytestmark = pytest.mark.django_db

TEN_PAST = datetime(2026, 5, 4, 12, 0, 10, tzinfo=UTC)


def guess(address: str = "203.0.113.7", **headers) -> int:
    client = APIClient(REMOTE_ADDR=address, **headers)
    client.credentials(HTTP_AUTHORIZATION=f"Token {secrets.token_hex(20)}")
    return client.get("/api/v1/me/").status_code


def test_120_guessed_tokens_meet_429(settings):
    settings.API_AUTH_FAILURE_RATE = "20/minute"
    with time_machine.travel(TEN_PAST, tick=False):
        answers = [guess() for _ in range(120)]
    assert answers[:20] == [401] * 20
    assert set(answers[20:]) == {429}


def test_once_refused_even_the_right_token_waits_and_the_answer_says_how_long(agent, settings):
    settings.API_AUTH_FAILURE_RATE = "3/minute"
    as_agent = client_for(agent)
    with time_machine.travel(TEN_PAST, tick=False) as clock:
        for _ in range(3):
            guess(address="127.0.0.1")
        refused = as_agent.get("/api/v1/me/")  # the test client calls from 127.0.0.1
        assert refused.status_code == 429
        assert refused["Retry-After"] == "50"
        assert refused.json() == {
            "message": "Too many wrong tokens from your address: wait before you try again. "
            "Expected available in 50 seconds.",
            "code": "throttled",
            "errors": {},
        }
        clock.shift(timedelta(seconds=50))
        assert as_agent.get("/api/v1/me/").status_code == 200


def test_other_addresses_are_not_affected(agent, settings):
    settings.API_AUTH_FAILURE_RATE = "3/minute"
    with time_machine.travel(TEN_PAST, tick=False):
        for _ in range(5):
            guess(address="203.0.113.7")
        assert guess(address="198.51.100.2") == 401


def test_right_tokens_are_never_counted(agent, settings):
    settings.API_AUTH_FAILURE_RATE = "3/minute"
    settings.API_THROTTLE_RATES = {"user": "1000/minute", "anon": "60/minute"}
    as_agent = client_for(agent)
    with time_machine.travel(TEN_PAST, tick=False):
        assert {as_agent.get("/api/v1/me/").status_code for _ in range(10)} == {200}


def test_behind_the_proxy_guessers_are_told_apart_by_the_address_it_saw(settings):
    settings.API_AUTH_FAILURE_RATE = "3/minute"
    settings.TRUSTED_PROXY_COUNT = 1
    with time_machine.travel(TEN_PAST, tick=False):
        # Every request arrives from the proxy; the guesser's own claims (left) change nothing.
        answers = [guess(address="172.18.0.5", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.7") for n in range(5)]
        someone_else = guess(address="172.18.0.5", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert answers == [401, 401, 401, 429, 429]
    assert someone_else == 401
