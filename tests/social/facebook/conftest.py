import json
from pathlib import Path

import pytest

from tickets.models import Channel

from ..factories import SocialAccountFactory

# The page id of the recorded feed deliveries in ../shared/fixtures/facebook_webhooks.
PAGE_ID = "1234567890321"
APP_SECRET = "fb-app-secret"
VERIFY_TOKEN = "fb-verify-token"
PAGE_TOKEN = "fb-page-token"


@pytest.fixture(autouse=True)
def _no_processing(monkeypatch):
    # Storing enqueues processing on commit; processing is tested elsewhere.
    monkeypatch.setattr("social.services._enqueue_processing", lambda shards: None)


@pytest.fixture
def page(db):
    """The Facebook page the desk answers for, as configured in the admin."""
    return SocialAccountFactory(
        channel=Channel.FACEBOOK,
        external_id=PAGE_ID,
        handle="Service Desk",
        app_secret=APP_SECRET,
        verify_token=VERIFY_TOKEN,
        page_access_token=PAGE_TOKEN,
    )


@pytest.fixture
def facebook_webhooks(shared_fixtures) -> Path:
    return shared_fixtures / "facebook_webhooks"


@pytest.fixture
def delivery(facebook_webhooks):
    """`delivery("feed-comment-add-25")`: a recorded payload, as a dict."""

    def load(name: str) -> dict:
        return json.loads((facebook_webhooks / f"{name}.json").read_text())

    return load
