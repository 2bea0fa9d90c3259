"""Incident.channel reads its choices from `tickets.models.channel_choices`: tickets' own
channels and those other apps register (`tickets.channels`), so adding one changes no
migration. No change in the database."""

from django.db import migrations, models

import tickets.models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0009_incident_follow_up_and_source_events"),
    ]

    operations = [
        migrations.AlterField(
            model_name="incident",
            name="channel",
            field=models.CharField(choices=tickets.models.channel_choices, default="web", max_length=16),
        ),
    ]
