"""The sentiment history's channel reads its choices from the platform registry
(`social.platforms.channel_choices`), so adding a platform changes no migration here. No change
in the database."""

from django.db import migrations, models

import social.platforms


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0003_managers_see_dashboards"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sentimentscore",
            name="channel",
            field=models.CharField(choices=social.platforms.channel_choices, max_length=16),
        ),
    ]
