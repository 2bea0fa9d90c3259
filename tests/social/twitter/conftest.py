"""Fixtures of the X tests: a configured account, the X API mocked at the HTTP boundary, and
the recorded X responses of ../shared/fixtures."""

import json

import pytest
import responses

from ..factories import SocialAccountFactory

API = "https://api.twitter.com/2"  # the host tweepy 4.17 calls
WORDS = "The mail server is back and queued messages are being delivered now, thanks for waiting."


def long_text(parts_worth: float) -> str:
    """Words enough for about `parts_worth` posts."""
    words, length = [], 0
    while length < 280 * parts_worth:
        words.append(WORDS.split()[len(words) % len(WORDS.split())])
        length += len(words[-1]) + 1
    return " ".join(words)


@pytest.fixture(autouse=True)
def _processing_not_enqueued(monkeypatch):
    # Turning stored events into incidents is social.inbox's work, tested with it; these
    # tests stop at the stored InboundEvent rows.
    monkeypatch.setattr("social.inbox.store._enqueue_processing", lambda shards: None)


@pytest.fixture
def x_account(db):
    return SocialAccountFactory(
        external_id="783214",
        handle="Twitter",
        credentials=True,
        consumer_secret="__APP_SECRET__",  # the secret of the known-answer vectors
    )


@pytest.fixture
def x_api():
    """X's API: every request not registered fails the test (responses raises ConnectionError)."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def recorded(shared_fixtures):
    """`recorded("test_client_get_users_mentions", 0)`: (status, JSON body) of one recorded call."""

    def load(cassette: str, index: int = 0) -> tuple[int, dict]:
        interactions = json.loads((shared_fixtures / "x_api_v2_recorded" / "decoded" / f"{cassette}.json").read_text())
        interaction = interactions[index]
        return interaction["status"]["code"], interaction["response"]

    return load


@pytest.fixture
def example(shared_fixtures):
    """`example("timeline_timeline_mentions")`: one X API v2 reference example."""

    def load(name: str) -> dict:
        return json.loads((shared_fixtures / "x_api_v2_examples" / f"{name}.json").read_text())

    return load
