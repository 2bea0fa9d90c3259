"""A subscription to every event type, posting to the local receiver (tests/tickets/conftest.py)."""

import pytest

from tickets.webhooks import services as webhook_services

SECRET = "a-very-secret-webhook-key-0123456789"


@pytest.fixture
def subscription(db, receiver, local_targets_allowed, manager):
    return webhook_services.webhook_subscription_create(
        target_url=receiver.url,
        events=["incident.created", "incident.updated", "comment.created", "problem.updated"],
        secret=SECRET,
        actor=manager,
    )
