"""Outbound messages are claimed with a lease (social.outbox.claim): the time until which the
worker attempting one holds it. Nullable, no default to write: no rewrite of the table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0004_channels_from_the_platform_registry"),
    ]

    operations = [
        migrations.AddField(
            model_name="socialmessage",
            name="leased_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
