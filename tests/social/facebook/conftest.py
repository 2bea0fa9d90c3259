import hashlib
import hmac
import json
from pathlib import Path

import pytest
import responses

from tickets.models import Channel

from ..factories import SocialAccountFactory

# The page id of the recorded feed deliveries in ../shared/fixtures/facebook_webhooks.
PAGE_ID = "1234567890321"
APP_SECRET = "fb-app-secret"
VERIFY_TOKEN = "fb-verify-token"
PAGE_TOKEN = "fb-page-token"


@pytest.fixture
def graph_api():
    """graph.facebook.com, mocked: every request a test registers must be made."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def _pinned_version(settings):
    settings.FACEBOOK_GRAPH_VERSION = "v25.0"


@pytest.fixture(autouse=True)
def _no_processing(monkeypatch):
    # Storing enqueues processing on commit; processing is tested elsewhere.
    monkeypatch.setattr("social.inbox.store._enqueue_processing", lambda shards: None)


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


def signed(body: bytes, secret: str = APP_SECRET) -> dict:
    """The header Facebook sends with `body`, computed here independently of the code."""
    return {"HTTP_X_HUB_SIGNATURE_256": "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}


def comment_delivery(comment_id: str = "555_777") -> bytes:
    """A visitor's comment on a post of our page, as Facebook delivers it."""
    value = {
        "item": "comment",
        "verb": "add",
        "comment_id": comment_id,
        "post_id": f"{PAGE_ID}_555",
        "parent_id": f"{PAGE_ID}_555",
        "from": {"id": "4242", "name": "Jess Doe"},
        "created_time": 1700000000,
        "message": "The VPN drops every 5 minutes",
    }
    payload = {
        "object": "page",
        "entry": [{"id": PAGE_ID, "time": 1700000000, "changes": [{"field": "feed", "value": value}]}],
    }
    return json.dumps(payload).encode()
