"""Full-text search for the console, on PostgreSQL.

Each incident carries one `search_document` (tsvector) made of its title, description and
comments, behind a GIN index; the console matches it with `websearch_to_tsquery`. One
column rather than a join to the comments lets PostgreSQL either read the GIN index (a rare
word) or walk the queue's sort index and test each row (a common word), whichever is
cheaper; an OR across two tables leaves it neither.

Triggers keep the column current: an incident's title or description change rebuilds it,
a new comment appends to it. It is not a model field on purpose: nothing reads it but the
search, and loading a tsvector with every incident would only cost. SQLite has no such
column; the console searches there with LIKE (see `tickets.selectors`).
"""

from django.db import migrations

# tsvector values are limited to 1 MB; past ~900 kB a comment is no longer indexed rather
# than refused.
FORWARD = """
ALTER TABLE tickets_incident ADD COLUMN search_document tsvector;

CREATE FUNCTION tickets_incident_search_rebuild() RETURNS trigger AS $$
BEGIN
    NEW.search_document := to_tsvector('english', NEW.title || ' ' || NEW.description) || COALESCE(
        (SELECT to_tsvector('english', left(string_agg(c.body, ' ' ORDER BY c.id), 500000))
           FROM tickets_comment c WHERE c.incident_id = NEW.id),
        ''::tsvector);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tickets_incident_search_rebuild
    BEFORE INSERT OR UPDATE OF title, description ON tickets_incident
    FOR EACH ROW EXECUTE FUNCTION tickets_incident_search_rebuild();

CREATE FUNCTION tickets_comment_search_append() RETURNS trigger AS $$
BEGIN
    IF NEW.incident_id IS NOT NULL THEN
        UPDATE tickets_incident
           SET search_document = search_document || to_tsvector('english', NEW.body)
         WHERE id = NEW.incident_id AND pg_column_size(search_document) < 900000;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tickets_comment_search_append
    AFTER INSERT ON tickets_comment
    FOR EACH ROW EXECUTE FUNCTION tickets_comment_search_append();

UPDATE tickets_incident SET title = title;

CREATE INDEX incident_search_idx ON tickets_incident USING gin (search_document);
"""

BACKWARD = """
DROP TRIGGER IF EXISTS tickets_comment_search_append ON tickets_comment;
DROP FUNCTION IF EXISTS tickets_comment_search_append();
DROP TRIGGER IF EXISTS tickets_incident_search_rebuild ON tickets_incident;
DROP FUNCTION IF EXISTS tickets_incident_search_rebuild();
ALTER TABLE tickets_incident DROP COLUMN IF EXISTS search_document;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0004_incident_triage_rank_and_keyset_indexes")]

    operations = [migrations.RunPython(forward, backward)]
