"""Every channel field reads its choices from the platform registry
(`social.platforms.channel_choices`), so adding a platform changes no migration; the account's
help texts name no platform. No change in the database."""

from django.db import migrations, models

import social.platforms


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0003_managers_replay_inbound_events"),
    ]

    operations = [
        migrations.AlterField(
            model_name="acknowledgementtemplate",
            name="channel",
            field=models.CharField(choices=social.platforms.channel_choices, max_length=16, unique=True),
        ),
        migrations.AlterField(
            model_name="inboundevent",
            name="channel",
            field=models.CharField(choices=social.platforms.channel_choices, max_length=16),
        ),
        migrations.AlterField(
            model_name="socialaccount",
            name="channel",
            field=models.CharField(choices=social.platforms.channel_choices, max_length=16),
        ),
        migrations.AlterField(
            model_name="socialaccount",
            name="handle",
            field=models.CharField(
                blank=True, help_text="How people name the account on its platform.", max_length=100
            ),
        ),
        migrations.AlterField(
            model_name="socialaccount",
            name="poll_enabled",
            field=models.BooleanField(default=False, help_text="Read what is new on a schedule."),
        ),
        migrations.AlterField(
            model_name="socialidentity",
            name="channel",
            field=models.CharField(choices=social.platforms.channel_choices, max_length=16),
        ),
        migrations.AlterField(
            model_name="socialmessage",
            name="channel",
            field=models.CharField(choices=social.platforms.channel_choices, max_length=16),
        ),
    ]
