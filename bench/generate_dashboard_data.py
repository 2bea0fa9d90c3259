"""Fill PostgreSQL for the dashboards' benchmark: 1,000,000 incidents and 10,000,000 scored messages.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/servicedesk_bench \
        .venv/bin/python bench/generate_dashboard_data.py --incidents 1000000 --messages 10000000

Incidents come from bench/generate_data.py (COPY in chunks, two years of history, every
status, channel, service, group and agent; pass --incidents 0 when they are there already).
Messages and their sentiment scores are made by PostgreSQL itself (INSERT … SELECT over
generate_series, in chunks of a million: no row crosses the wire, faster than COPY here),
spread over the same two years, two in three on an incident, X and Facebook, a score
skewed the way complaints are (about a third negative). Columns this script does not name
get the model field's default, so fields added later do not break it. Then the rollups are
rebuilt (`rollups_rebuild`), timed.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

import django

django.setup()

import generate_data  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from feedback.models import SentimentScore  # noqa: E402
from feedback.rollups.refresh import rollups_rebuild  # noqa: E402
from social.models import SocialMessage  # noqa: E402

CHUNK = 1_000_000


def defaults_for(model, named: set[str]) -> tuple[list[str], list]:
    """Columns of `model` the INSERT does not name, and their defaults (as parameters)."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.generated or field.column in named or field.attname in named:
            continue
        default = field.get_default()
        if default is None and not field.null:
            raise SystemExit(f"{model.__name__}.{field.attname} needs a value: teach this script about it")
        columns.append(field.column)
        values.append(field.get_db_prep_save(default, connection))
    return columns, values


MESSAGE_SQL = """
INSERT INTO social_socialmessage (channel, direction, kind, external_id, account_external_id, author_name, text,
    thread_key, mentions_account, incident_id, state, created_at {extra_columns})
SELECT CASE WHEN n %% 3 = 0 THEN 'facebook' ELSE 'twitter' END, 'inbound',
    CASE WHEN n %% 3 = 0 THEN 'comment' ELSE 'mention' END, 'dash-' || n, '1', 'someone', 'bench message ' || n,
    'dash-' || n, true,
    CASE WHEN n %% 3 <> 2 THEN %(first_incident)s + (hashint %% %(incidents)s) END,
    'new_incident', %(now)s - %(span)s * (1 - n::float / %(messages)s) {extra_values}
FROM (
    SELECT n, (hashtext(n::text)::bigint & 2147483647) AS hashint FROM generate_series(%(first)s, %(last)s) AS n
) AS numbers
"""

SCORE_SQL = """
INSERT INTO feedback_sentimentscore (message_id, compound, positive, neutral, negative, scored_at, channel,
    incident_id, created_at, score, label, model_version {extra_columns})
SELECT id, compound, greatest(compound, 0), 1 - abs(compound), greatest(-compound, 0), created_at, channel,
    incident_id, created_at, compound,
    CASE WHEN compound <= -0.05 THEN 'negative' WHEN compound >= 0.05 THEN 'positive' ELSE 'neutral' END,
    'generated' {extra_values}
FROM (
    SELECT id, channel, incident_id, created_at,
        round(((((hashtext(id::text)::bigint & 2147483647) %% 2000) / 1000.0 - 1.0) * 0.9 - 0.1)::numeric, 3)::float
            AS compound
    FROM social_socialmessage WHERE id BETWEEN %(first_id)s AND %(last_id)s AND external_id LIKE 'dash-%%'
) AS scored
"""


def fill_messages(messages: int) -> None:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM tickets_incident")
        first_incident, last_incident = cursor.fetchone()
        if first_incident is None:
            raise SystemExit("No incidents: run with --incidents first.")
        message_named = {
            "channel", "direction", "kind", "external_id", "account_external_id", "author_name", "text",
            "thread_key", "mentions_account", "incident_id", "state", "created_at",
        }  # fmt: skip
        extra_m, values_m = defaults_for(SocialMessage, message_named)
        score_named = {
            "message_id", "compound", "positive", "neutral", "negative", "scored_at", "channel", "incident_id",
            "created_at", "score", "label", "model_version",
        }  # fmt: skip
        extra_s, values_s = defaults_for(SentimentScore, score_named)

        def sql(template, columns, values):
            extra_columns = "".join(f", {c}" for c in columns)
            extra_values = "".join(f", %(extra_{i})s" for i in range(len(values)))
            return template.format(extra_columns=extra_columns, extra_values=extra_values), {
                f"extra_{i}": v for i, v in enumerate(values)
            }

        message_sql, message_extra = sql(MESSAGE_SQL, extra_m, values_m)
        score_sql, score_extra = sql(SCORE_SQL, extra_s, values_s)
        cursor.execute("SET session_replication_role = replica")  # no per-row foreign key checks (superuser)
        for first in range(0, messages, CHUNK):
            last = min(first + CHUNK, messages) - 1
            cursor.execute("SELECT coalesce(max(id), 0) FROM social_socialmessage")
            first_id = cursor.fetchone()[0] + 1
            cursor.execute(
                message_sql,
                {
                    "first_incident": first_incident,
                    "incidents": last_incident - first_incident + 1,
                    "now": generate_data.NOW,
                    "span": generate_data.SPAN,
                    "messages": messages,
                    "first": first,
                    "last": last,
                    **message_extra,
                },
            )
            cursor.execute("SELECT max(id) FROM social_socialmessage")
            cursor.execute(score_sql, {"first_id": first_id, "last_id": cursor.fetchone()[0], **score_extra})
            print(f"  {last + 1:>11,} scored messages  {time.perf_counter() - started:6.1f}s", flush=True)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE social_socialmessage; ANALYZE feedback_sentimentscore")
    print(f"Inserted {messages:,} scored messages in {time.perf_counter() - started:.1f}s.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=1_000_000, help="0: use the incidents already there")
    parser.add_argument("--messages", type=int, default=10_000_000)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--agents", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    if args.incidents:
        generate_data.generate(
            argparse.Namespace(
                incidents=args.incidents,
                contacts=args.contacts,
                agents=args.agents,
                rich=0,
                seed=args.seed,
                reset=False,
            )
        )
    if args.messages:
        fill_messages(args.messages)
    started = time.perf_counter()
    result = rollups_rebuild(progress=lambda text: print(f"  {text}", flush=True))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE feedback_incidentfact; ANALYZE feedback_incidentrollup; ANALYZE feedback_messagerollup")
        cursor.execute("SELECT count(*) FROM feedback_incidentrollup")
        incident_rows = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM feedback_messagerollup")
        message_rows = cursor.fetchone()[0]
    print(
        f"Rollups rebuilt in {time.perf_counter() - started:.1f}s ({result}): "
        f"{incident_rows:,} incident rollup rows, {message_rows:,} message rollup rows."
    )


if __name__ == "__main__":
    main()
