"""The webhook lists make the same number of queries for 10 rows as for 100: no N+1.

For a token request the counts are: the token and its user (1), the user's permissions and
its groups' permissions (2), then what the endpoint itself reads."""

from uuid import uuid4

import pytest
from django.utils import timezone

from webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription

from ...queries import get_queries

pytestmark = pytest.mark.django_db

AUTH = 3  # token + user, user permissions, group permissions


def count_queries(client, url: str, rows: int) -> int:
    assert len(client.get(url).json()["results"]) == rows
    return get_queries(client, url)


def test_webhooks_and_their_deliveries(as_manager, manager):
    now = timezone.now()

    def subscribe(count):
        return WebhookSubscription.objects.bulk_create(
            WebhookSubscription(
                target_url=f"https://hooks.example.com/{uuid4()}",
                secret="s" * 32,
                events=["incident.created"],
                created_at=now,
                updated_at=now,
            )
            for _ in range(count)
        )

    def deliver(subscription, count):
        events = WebhookEvent.objects.bulk_create(
            WebhookEvent(event_type="incident.created", payload={}, created_at=now) for _ in range(count)
        )
        WebhookDelivery.objects.bulk_create(
            WebhookDelivery(event=e, subscription=subscription, next_attempt_at=now, created_at=now) for e in events
        )

    [first, *_] = subscribe(10)
    ten = count_queries(as_manager, "/api/v1/webhooks/?page_size=100", 10)
    subscribe(90)
    assert ten == count_queries(as_manager, "/api/v1/webhooks/?page_size=100", 100) == AUTH + 1

    url = f"/api/v1/webhooks/{first.pk}/deliveries/?page_size=100"
    deliver(first, 10)
    ten = count_queries(as_manager, url, 10)
    deliver(first, 90)
    assert ten == count_queries(as_manager, url, 100) == AUTH + 2  # the subscription, the page
