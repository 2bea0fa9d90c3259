"""Outgoing webhooks moved to their own app (`webhooks`). Its migration 0001 takes the four
models over; here `tickets` lets go of them. Only Django's idea of which app owns them
changes: the tables, their rows and their names stay as they are (the models keep their
db_table), so nothing is dropped or copied."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0010_incident_channel_from_the_channel_registry"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="WebhookAttempt"),
                migrations.DeleteModel(name="WebhookDelivery"),
                migrations.DeleteModel(name="WebhookEvent"),
                migrations.DeleteModel(name="WebhookSubscription"),
            ],
            database_operations=[],
        ),
    ]
