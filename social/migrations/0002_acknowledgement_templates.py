"""One acknowledgement per channel, so a new desk answers from its first incident. Admins
edit them (Social channels → Acknowledgement templates); `{number}` and `{name}` are filled in.

The X one is short: filled in with the longest name X allows it still fits in one post.
"""

from django.db import migrations

TEMPLATES = {
    "twitter": "Thanks {name}, we're on it: your incident is {number}. Reply to this post to add details.",
    "facebook": (
        "Hello {name}, thank you for getting in touch. We have opened incident {number} for you "
        "and will answer here as soon as we know more. Reply to this message to add details."
    ),
}


def seed(apps, schema_editor):
    AcknowledgementTemplate = apps.get_model("social", "AcknowledgementTemplate")
    for channel, text in TEMPLATES.items():
        AcknowledgementTemplate.objects.get_or_create(channel=channel, defaults={"text": text})


class Migration(migrations.Migration):
    dependencies = [("social", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
