"""Accounts keep a password the desk logs in with (a Bluesky app password) and the session it
got (logging in to Bluesky is limited to 300 times a day), both encrypted."""

from django.db import migrations

import social.crypto


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0007_socialaccount_base_url"),
    ]

    operations = [
        migrations.AddField(
            model_name="socialaccount",
            name="password",
            field=social.crypto.EncryptedTextField(blank=True),
        ),
        migrations.AddField(
            model_name="socialaccount",
            name="session",
            field=social.crypto.EncryptedTextField(blank=True),
        ),
    ]
