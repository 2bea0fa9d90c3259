from django.db import migrations, models

BATCH = 1000


def judge_heard_posts(apps, schema_editor):
    """Posts heard before intents were judged get theirs: the rules are a pure function of the
    text (intelligence.intent), so the answer is the one a new post gets."""
    from intelligence.intent import classify

    HeardMessage = apps.get_model("listening", "HeardMessage")
    pending = HeardMessage.objects.filter(intent="").only("id", "text").order_by("id")
    last = 0
    while True:
        batch = list(pending.filter(id__gt=last)[:BATCH])
        if not batch:
            return
        for message in batch:
            message.intent = classify(message.text).value
        HeardMessage.objects.bulk_update(batch, ["intent"])
        last = batch[-1].id


class Migration(migrations.Migration):
    dependencies = [
        ("listening", "0002_managers_edit_queries"),
    ]

    operations = [
        migrations.AddField(
            model_name="heardmessage",
            name="intent",
            field=models.CharField(
                blank=True,
                choices=[
                    ("complaint", "Complaint"),
                    ("question", "Question"),
                    ("praise", "Praise"),
                    ("thanks", "Thanks"),
                    ("chatter", "Chatter"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddIndex(
            model_name="heardmessage",
            index=models.Index(fields=["intent", "-posted_at", "-id"], name="heard_intent_idx"),
        ),
        migrations.RunPython(judge_heard_posts, migrations.RunPython.noop),
    ]
