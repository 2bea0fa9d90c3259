"""Two migrations landed on 0005 at once (the rollups' agent index, the surveys): this joins them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0006_rollups_by_agent"),
        ("feedback", "0006_surveys"),
    ]

    operations = []
