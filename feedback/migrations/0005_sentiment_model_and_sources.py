"""Scores carry the sentiment model's label and version, and cover incident descriptions and
reporters' comments besides social messages.

Existing rows were VADER's: they keep its compound as their score, get VADER's usual label
(±0.05) and the version "vader-3.3.2", and `sentiment_rescore` brings them to the model.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Case, F, Q, Value, When

import tickets.models

VADER_VERSION = "vader-3.3.2"


def label_vader_scores(apps, schema_editor):
    SentimentScore = apps.get_model("feedback", "SentimentScore")
    SentimentScore.objects.update(
        score=F("compound"),
        model_version=VADER_VERSION,
        label=Case(
            When(compound__lte=-0.05, then=Value("negative")),
            When(compound__gte=0.05, then=Value("positive")),
            default=Value("neutral"),
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0004_channels_from_the_platform_registry"),
        ("tickets", "0010_incident_channel_from_the_channel_registry"),
        ("social", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="sentimentscore",
            name="source",
            field=models.CharField(
                choices=[
                    ("message", "Social message"),
                    ("description", "Incident description"),
                    ("comment", "Reporter's comment"),
                ],
                default="message",
                max_length=12,
            ),
        ),
        migrations.AlterField(
            model_name="sentimentscore",
            name="message",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="sentiment",
                to="social.socialmessage",
            ),
        ),
        migrations.AddField(
            model_name="sentimentscore",
            name="comment",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="sentiment",
                to="tickets.comment",
            ),
        ),
        migrations.AddField(
            model_name="sentimentscore", name="score", field=models.FloatField(default=0), preserve_default=False
        ),
        migrations.AddField(
            model_name="sentimentscore",
            name="label",
            field=models.CharField(
                choices=[("negative", "Negative"), ("neutral", "Neutral"), ("positive", "Positive")],
                default="neutral",
                max_length=8,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="sentimentscore",
            name="model_version",
            field=models.CharField(
                default=VADER_VERSION, help_text="The model that scored it (feedback.sentiment).", max_length=40
            ),
            preserve_default=False,
        ),
        migrations.RunPython(label_vader_scores, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="sentimentscore",
            name="channel",
            field=models.CharField(choices=tickets.models.channel_choices, max_length=16),
        ),
        migrations.AlterField(
            model_name="sentimentscore",
            name="created_at",
            field=models.DateTimeField(help_text="When it was written."),
        ),
        migrations.AddConstraint(
            model_name="sentimentscore",
            constraint=models.CheckConstraint(
                condition=Q(source="message", message__isnull=False, comment__isnull=True)
                | Q(source="comment", comment__isnull=False, message__isnull=True)
                | Q(source="description", incident__isnull=False, message__isnull=True, comment__isnull=True),
                name="sentiment_score_one_source",
            ),
        ),
        migrations.AddConstraint(
            model_name="sentimentscore",
            constraint=models.UniqueConstraint(
                condition=Q(source="description"), fields=("incident",), name="sentiment_one_per_description"
            ),
        ),
        migrations.AddConstraint(
            model_name="sentimentscore",
            constraint=models.CheckConstraint(
                condition=Q(label__in=["negative", "neutral", "positive"]), name="sentiment_label_valid"
            ),
        ),
    ]
