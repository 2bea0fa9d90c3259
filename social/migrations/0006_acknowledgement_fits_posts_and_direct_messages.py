"""The X acknowledgement said "Reply to this post", which is wrong when it answers a DM.

"Reply here" is right for both. Only a template still holding the seeded wording changes: one
an admin has edited is theirs.
"""

from django.db import migrations

SEEDED = "Thanks {name}, we're on it: your incident is {number}. Reply to this post to add details."
NOW = "Thanks {name}, we're on it: your incident is {number}. Reply here to add details."


def reword(apps, schema_editor):
    AcknowledgementTemplate = apps.get_model("social", "AcknowledgementTemplate")
    AcknowledgementTemplate.objects.filter(channel="twitter", text=SEEDED).update(text=NOW)


def restore(apps, schema_editor):
    AcknowledgementTemplate = apps.get_model("social", "AcknowledgementTemplate")
    AcknowledgementTemplate.objects.filter(channel="twitter", text=NOW).update(text=SEEDED)


class Migration(migrations.Migration):
    dependencies = [("social", "0005_socialmessage_leased_until")]

    operations = [migrations.RunPython(reword, restore)]
