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
# than refused. Angle brackets become spaces first: PostgreSQL's parser takes "<...>" for
# markup and drops it, and people do paste error messages like "<NullReferenceException>".
FORWARD = """
ALTER TABLE tickets_incident ADD COLUMN search_document tsvector;

CREATE OR REPLACE FUNCTION tickets_incident_search_rebuild() RETURNS trigger AS $$
BEGIN
    NEW.search_document := to_tsvector('english', translate(NEW.title || ' ' || NEW.description, '<>', '  '))
        || COALESCE(
        (SELECT to_tsvector('english', translate(left(string_agg(c.body, ' ' ORDER BY c.id), 500000), '<>', '  '))
           FROM tickets_comment c WHERE c.incident_id = NEW.id),
        ''::tsvector);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tickets_incident_search_rebuild
    BEFORE INSERT OR UPDATE OF title, description ON tickets_incident
    FOR EACH ROW EXECUTE FUNCTION tickets_incident_search_rebuild();

CREATE OR REPLACE FUNCTION tickets_comment_search_append() RETURNS trigger AS $$
BEGIN
    IF NEW.incident_id IS NOT NULL THEN
        UPDATE tickets_incident
           SET search_document = search_document || to_tsvector('english', translate(NEW.body, '<>', '  '))
         WHERE id = NEW.incident_id AND pg_column_size(search_document) < 900000;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tickets_comment_search_append
    AFTER INSERT ON tickets_comment
    FOR EACH ROW EXECUTE FUNCTION tickets_comment_search_append();

-- The console's search asks this first (see tickets.selectors.incident_search_q). A common
-- word is best found by walking the queue's sort index and testing each row; a rare one
-- by the GIN index, but walking for a rare word reads the whole table. The planner
-- guesses the rarity of a word it has no statistics for, and guesses wrong both ways; a
-- sample of the table does not: NULL means common, else the ids of every match.
CREATE OR REPLACE FUNCTION tickets_incident_search_rare_ids(query text, cap integer) RETURNS bigint[]
LANGUAGE plpgsql STABLE
-- Within this function only: read the GIN index, never the whole table.
SET enable_seqscan = off
AS $$
DECLARE
    q tsquery := websearch_to_tsquery('english', translate(query, '<>', '  '));
    sampled integer;
    ids bigint[];
BEGIN
    IF numnode(q) = 0 THEN
        RETURN '{}';  -- only stop words: nothing matches
    END IF;
    SELECT count(*) INTO sampled FROM tickets_incident TABLESAMPLE SYSTEM (0.1) WHERE search_document @@ q;
    IF sampled >= 2 THEN
        RETURN NULL;
    END IF;
    SELECT array_agg(id) INTO ids FROM (SELECT id FROM tickets_incident WHERE search_document @@ q LIMIT cap + 1) m;
    IF coalesce(array_length(ids, 1), 0) > cap THEN
        RETURN NULL;
    END IF;
    RETURN coalesce(ids, '{}');
END;
$$;

UPDATE tickets_incident SET title = title;

CREATE INDEX incident_search_idx ON tickets_incident USING gin (search_document);
"""

BACKWARD = """
DROP FUNCTION IF EXISTS tickets_incident_search_rare_ids(text, integer);
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
