"""On PostgreSQL the database itself refuses to change or delete audit events, so not even
a raw query or a future bug can rewrite history."""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION tickets_event_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are immutable (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER tickets_event_immutable
    BEFORE UPDATE OR DELETE ON tickets_event
    FOR EACH ROW EXECUTE FUNCTION tickets_event_immutable();
"""
ALLOW = """
DROP TRIGGER IF EXISTS tickets_event_immutable ON tickets_event;
DROP FUNCTION IF EXISTS tickets_event_immutable();
"""


def forbid(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID, params=None)


def allow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW, params=None)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_reference_data_and_roles")]

    operations = [migrations.RunPython(forbid, allow)]
