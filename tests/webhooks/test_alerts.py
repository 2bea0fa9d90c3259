"""Spike alerts go out as the webhook event `alert.raised` (issue 12 §3): once the alert is
committed, as a signed POST to each subscription that asks for it, like any other event."""

import pytest
from django.core.cache import cache

from intelligence.spikes.models import Metric
from intelligence.spikes.representations import ALERT_FIELDS
from webhooks import services as webhook_services
from webhooks.models import WebhookEvent

from ..factories import ServiceFactory
from ..intelligence.spikes.factories import raise_alert
from .test_delivery import expected_signature

pytestmark = pytest.mark.django_db

ALERT_SECRET = "an-alerts-only-webhook-key-0123456789"


@pytest.fixture(autouse=True)
def _no_cached_banner():
    cache.clear()  # raising an alert forgets the banner's cache: start from none
    yield
    cache.clear()


@pytest.fixture
def alerts_subscription(receiver, local_targets_allowed, manager):
    return webhook_services.webhook_subscription_create(
        target_url=receiver.url, events=["alert.raised"], secret=ALERT_SECRET, actor=manager
    )


def test_a_raised_alert_is_posted_signed(alerts_subscription, receiver, django_capture_on_commit_callbacks, settings):
    settings.SPIKE_ALERT_BASE_URL = "https://desk.example.com/"
    vpn = ServiceFactory(name="VPN")
    with django_capture_on_commit_callbacks(execute=True):
        alert = raise_alert(service=vpn, metric=Metric.NEGATIVE_SHARE, observed=30.0, expected=6.0, scored=60)
    [request] = receiver.requests
    assert request.headers["X-ServiceDesk-Event"] == "alert.raised"
    assert request.headers["X-ServiceDesk-Signature"] == expected_signature(ALERT_SECRET, request.body)
    body = request.json
    assert body["type"] == "alert.raised"
    shown = body["data"]["alert"]
    assert set(shown) == set(ALERT_FIELDS)  # stored as jsonb, which keeps no key order
    assert shown["id"] == alert.pk
    assert shown["headline"] == "Spike in negative messages about VPN"
    assert shown["service"] == {"id": vpn.pk, "name": "VPN"}
    assert (shown["metric"], shown["scope"], shown["state"]) == ("negative_share", "service", "raised")
    assert (shown["observed"], shown["expected"], shown["scored"]) == (30.0, 6.0, 60)
    assert (shown["observed_share"], shown["expected_share"], shown["ratio"]) == (0.5, 0.1, 5.0)
    assert shown["url"] == f"https://desk.example.com/spikes/{alert.pk}/"
    assert shown["window_end"].endswith("Z")


def test_only_subscriptions_that_ask_for_alerts_get_them(
    alerts_subscription, receiver, manager, contact, django_capture_on_commit_callbacks
):
    incidents_only = webhook_services.webhook_subscription_create(
        target_url=receiver.url + "/incidents", events=["incident.created"], actor=manager
    )
    with django_capture_on_commit_callbacks(execute=True):
        raise_alert()
    assert [r.headers["X-ServiceDesk-Event"] for r in receiver.requests] == ["alert.raised"]
    assert not incidents_only.deliveries.exists()


def test_without_a_subscription_an_alert_writes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        raise_alert()
    assert not WebhookEvent.objects.exists()


def test_an_alert_rolled_back_is_never_announced(alerts_subscription, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        raise_alert()
    assert callbacks  # announced only when the transaction commits, which here it never does
    assert not WebhookEvent.objects.exists()
    assert receiver.requests == []
