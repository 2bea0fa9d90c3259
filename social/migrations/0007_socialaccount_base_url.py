"""Each account may name its server (a Mastodon instance, a Bluesky PDS): `base_url`."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0006_acknowledgement_fits_posts_and_direct_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="socialaccount",
            name="base_url",
            field=models.URLField(
                blank=True, help_text="The server this account lives on, for platforms of many servers."
            ),
        ),
    ]
