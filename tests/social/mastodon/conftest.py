"""Fixtures of the Mastodon tests: the desk's account on the instance the recordings were
made on, the instance mocked at the HTTP boundary (Mastodon.py underneath is the real one),
the recorded answers of ../shared/fixtures/mastodon, and a drain that processes what a poll
stored as the workers would."""

import copy
import json

import pytest
import responses

from social.events import SHARDS
from social.inbox import claim
from social.models import SocialMessage

from ..factories import SocialAccountFactory

INSTANCE = "http://localhost:3000"  # where the recordings were made
API = f"{INSTANCE}/api/v1"
DESK = "mastodonpy_test@localhost:3000"  # the account the recorded mentions name


@pytest.fixture
def desk(db):
    return SocialAccountFactory(
        channel="mastodon", external_id=DESK, handle=f"@{DESK}", base_url=INSTANCE, access_token="desk-token"
    )


@pytest.fixture
def instance():
    """The instance: every request not registered fails the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def recorded(shared_fixtures):
    """`recorded("test_status_reply", 2)`: the JSON answer of one recorded call."""

    def load(cassette: str, index: int = 0):
        interactions = json.loads((shared_fixtures / "mastodon" / "decoded" / f"{cassette}.json").read_text())
        return copy.deepcopy(interactions[index]["response"])

    return load


@pytest.fixture
def streamed(shared_fixtures):
    """The recorded `user` stream's notifications (`mention`), by status id."""
    interactions = json.loads((shared_fixtures / "mastodon" / "decoded" / "test_stream_user_direct.json").read_text())
    found = {}
    for event in interactions[-1]["response_events"]:
        if event["event"] == "notification":
            found[event["data"]["status"]["id"]] = event["data"]
    return found


def notification(status: dict, *, notification_id: str, kind: str = "mention") -> dict:
    return {
        "id": notification_id,
        "type": kind,
        "created_at": status["created_at"],
        "account": status["account"],
        "status": status,
    }


def drain() -> None:
    for shard in range(SHARDS):
        while claim.process_pending(shard=shard):
            pass


def message(external_id: str) -> SocialMessage:
    return SocialMessage.objects.select_related("incident", "comment").get(channel="mastodon", external_id=external_id)
