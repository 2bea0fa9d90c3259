"""Moving webhooks out of `tickets` moved no rows: a database migrated while they lived in
`tickets` keeps its subscriptions, events, deliveries and their log, and its managers keep
the right to manage them (the permission follows its content type)."""

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEvent, WebhookSubscription

BEFORE = [("tickets", "0010_incident_channel_from_the_channel_registry"), ("webhooks", None)]
MODELS = {"webhooksubscription", "webhookevent", "webhookdelivery", "webhookattempt"}


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # leave the reference data
def test_rows_and_permissions_survive_the_move():
    after = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate(BEFORE)
    try:
        old = MigrationExecutor(connection).loader.project_state([BEFORE[0]]).apps
        Subscription = old.get_model("tickets", "WebhookSubscription")
        Event = old.get_model("tickets", "WebhookEvent")
        Delivery = old.get_model("tickets", "WebhookDelivery")
        Attempt = old.get_model("tickets", "WebhookAttempt")
        now = timezone.now()
        subscription = Subscription.objects.create(
            target_url="https://hooks.example.com/desk", secret="s" * 32, events=["incident.created"],
            created_at=now, updated_at=now,
        )  # fmt: skip
        event = Event.objects.create(
            event_type="incident.created", payload={"incident": {"number": "X"}}, created_at=now
        )
        delivery = Delivery.objects.create(event=event, subscription=subscription, next_attempt_at=now, created_at=now)
        Attempt.objects.create(delivery=delivery, attempted_at=now, status_code=500)
        assert (
            set(ContentType.objects.filter(app_label="tickets", model__in=MODELS).values_list("model", flat=True))
            == MODELS
        )
    finally:
        migrate(after)

    assert WebhookSubscription.objects.get().target_url == "https://hooks.example.com/desk"
    assert WebhookEvent.objects.get().payload == {"incident": {"number": "X"}}
    assert WebhookDelivery.objects.get().subscription_id == subscription.pk
    assert WebhookAttempt.objects.get().status_code == 500
    assert not ContentType.objects.filter(app_label="tickets", model__in=MODELS).exists()
    assert set(ContentType.objects.filter(app_label="webhooks").values_list("model", flat=True)) == MODELS
    manager = User.objects.create_user("boss")
    manager.groups.add(Group.objects.get(name="manager"))
    assert manager.has_perm("webhooks.manage_webhooks")
