"""Webhooks in the admin: subscriptions are saved through the services, and the delivery
log shows what every receiver answered."""

import pytest
from django.urls import reverse

from webhooks.models import DeliveryState, WebhookDelivery, WebhookSubscription

from ..factories import IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_a_subscription_added_in_the_admin_gets_a_generated_secret(admin_client):
    response = admin_client.post(
        reverse("admin:webhooks_webhooksubscription_add"),
        {"target_url": "https://hooks.example.com/desk", "events": ["incident.created"], "active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get()
    assert len(subscription.secret) >= 32
    assert subscription.secret in response.content.decode()  # shown once, in the confirmation


def test_the_admin_refuses_a_private_target(admin_client):
    response = admin_client.post(
        reverse("admin:webhooks_webhooksubscription_add"),
        {"target_url": "http://10.0.0.5/hook", "events": ["incident.created"], "active": "on"},
    )
    assert response.status_code == 200
    assert "cannot target a private" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_editing_without_a_new_secret_keeps_the_old_one(admin_client, subscription):
    url = reverse("admin:webhooks_webhooksubscription_change", args=[subscription.pk])
    response = admin_client.post(
        url, {"target_url": subscription.target_url, "events": ["comment.created"], "secret": "", "active": "on"}
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.events == ["comment.created"]
    assert subscription.secret == "a-very-secret-webhook-key-0123456789"


def test_the_delivery_log_shows_response_codes_and_retries(
    admin_client, subscription, receiver, contact, django_capture_on_commit_callbacks
):
    receiver.statuses = [503]
    with django_capture_on_commit_callbacks(execute=True):
        IncidentFactory(reporter=contact)
    delivery = WebhookDelivery.objects.get()
    changelist = admin_client.get(reverse("admin:webhooks_webhookdelivery_changelist")).content.decode()
    assert "503" in changelist
    page = admin_client.get(reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk])).content.decode()
    assert "try later" in page  # the receiver's answer, in the attempt log
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:webhooks_webhookdelivery_changelist"),
            {"action": "retry", "_selected_action": [delivery.pk]},
        )
    delivery.refresh_from_db()
    assert (delivery.state, delivery.last_status_code) == (DeliveryState.DELIVERED, 200)
