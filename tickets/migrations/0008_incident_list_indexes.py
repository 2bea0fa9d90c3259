"""Indexes for the incident list's filters at a million rows (see docs/performance.md).

The title search index is PostgreSQL's trigram GIN index on upper(title), the expression
Django's `icontains` compares, so a search for a rare word reads the index instead of every
title. ANALYZE right after gives the planner statistics on that expression; without them
it would read the index even for a word half the titles contain, and sort them all.
PostgreSQL only (SQLite has no such index), like the audit trigger of 0003.
"""

from django.db import migrations, models

TRIGRAM_INDEX = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS incident_title_trgm_idx ON tickets_incident USING gin (upper(title::text) gin_trgm_ops);
ANALYZE tickets_incident;
"""
DROP_TRIGRAM_INDEX = "DROP INDEX IF EXISTS incident_title_trgm_idx;"


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGRAM_INDEX, params=None)


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGRAM_INDEX, params=None)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0007_webhooks_outbox")]

    operations = [
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(fields=["assignee", "-created_at"], name="incident_assignee_created_idx"),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(condition=models.Q(("major", True)), fields=["-created_at"], name="incident_major_idx"),
        ),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]
