"""Outgoing webhooks as their own app: the four models that `tickets` 0007 created, taken
over as they are. The tables exist already (in a new database `tickets` 0007 has just made
them), so this changes only Django's state (SeparateDatabaseAndState), and moves the models'
content types, with their permissions (the manager group's manage_webhooks among them) and
their admin history, from the tickets app to this one."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("webhooksubscription", "webhookevent", "webhookdelivery", "webhookattempt")


def move_content_types(apps, schema_editor, *, source="tickets", target="webhooks"):
    """Relabel the models' content types, so the rows that point at them (permissions given to
    groups and users, the admin's log) follow. Content types Django already made for the new
    label (a post_migrate run in between) give way to the old ones that carry those rows."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            continue
        ContentType.objects.using(db).filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="webhooks", target="tickets")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("tickets", "0011_webhooks_move_to_their_own_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WebhookEvent",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        (
                            "event_type",
                            models.CharField(
                                choices=[
                                    ("incident.created", "Incident created"),
                                    ("incident.updated", "Incident updated"),
                                    ("comment.created", "Comment created"),
                                    ("problem.updated", "Problem created or updated"),
                                ],
                                max_length=32,
                            ),
                        ),
                        ("payload", models.JSONField()),
                        ("created_at", models.DateTimeField()),
                    ],
                    options={
                        "db_table": "tickets_webhookevent",
                        "ordering": ["created_at"],
                        "indexes": [models.Index(fields=["created_at"], name="webhook_event_created_idx")],
                    },
                ),
                migrations.CreateModel(
                    name="WebhookSubscription",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("target_url", models.URLField(max_length=500)),
                        ("secret", models.CharField(max_length=200)),
                        (
                            "events",
                            models.JSONField(default=list, help_text="Event types to send, e.g. incident.created."),
                        ),
                        ("description", models.CharField(blank=True, max_length=200)),
                        ("active", models.BooleanField(default=True)),
                        ("created_at", models.DateTimeField()),
                        ("updated_at", models.DateTimeField()),
                        ("consecutive_failures", models.PositiveIntegerField(default=0)),
                        ("failing_since", models.DateTimeField(blank=True, null=True)),
                        ("disabled_at", models.DateTimeField(blank=True, null=True)),
                        ("disabled_reason", models.CharField(blank=True, max_length=300)),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "tickets_webhooksubscription",
                        "ordering": ["id"],
                        "permissions": [("manage_webhooks", "Can manage webhook subscriptions")],
                    },
                ),
                migrations.CreateModel(
                    name="WebhookDelivery",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("delivered", "Delivered"),
                                    ("failed", "Failed (gave up)"),
                                ],
                                default="pending",
                                max_length=16,
                            ),
                        ),
                        ("attempts", models.PositiveIntegerField(default=0)),
                        ("next_attempt_at", models.DateTimeField()),
                        ("leased_until", models.DateTimeField(blank=True, null=True)),
                        ("last_status_code", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("last_error", models.CharField(blank=True, max_length=500)),
                        ("delivered_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField()),
                        (
                            "event",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deliveries",
                                to="webhooks.webhookevent",
                            ),
                        ),
                        (
                            "subscription",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deliveries",
                                to="webhooks.webhooksubscription",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "webhook deliveries",
                        "db_table": "tickets_webhookdelivery",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="WebhookAttempt",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("attempted_at", models.DateTimeField()),
                        ("status_code", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("error", models.CharField(blank=True, max_length=500)),
                        ("response_excerpt", models.CharField(blank=True, max_length=500)),
                        ("duration_ms", models.PositiveIntegerField(default=0)),
                        (
                            "delivery",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="attempt_log",
                                to="webhooks.webhookdelivery",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "tickets_webhookattempt",
                        "ordering": ["attempted_at", "id"],
                        "indexes": [
                            models.Index(fields=["delivery", "attempted_at"], name="webhook_attempt_delivery_idx")
                        ],
                    },
                ),
                migrations.AddIndex(
                    model_name="webhookdelivery",
                    index=models.Index(
                        condition=models.Q(("state", "pending")),
                        fields=["next_attempt_at"],
                        name="webhook_delivery_due_idx",
                    ),
                ),
                migrations.AddIndex(
                    model_name="webhookdelivery",
                    index=models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_sub_idx"),
                ),
                migrations.AddConstraint(
                    model_name="webhookdelivery",
                    constraint=models.UniqueConstraint(
                        fields=("event", "subscription"), name="webhook_delivery_once_per_subscription"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
