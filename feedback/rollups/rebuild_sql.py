# ruff: noqa: S608  (the SQL is built from this module's constants and model column names; values are parameters)
"""The rebuild on PostgreSQL, in a few INSERT … SELECT statements: at 1,000,000 incidents and
10,000,000 scores, reading rows into Python and recounting day by day takes most of an hour;
the database does it in minutes.

Every statement computes what `refresh.fact_of`, `incident_days_recount`,
`message_days_recount` and `recount_longer_periods` compute, in SQL: the desk's days by
`AT TIME ZONE`, the duration bins by `width_bucket` over the same bounds (it returns how many
bounds are at most the value, as `bisect_right` does), the negative condition through the
ORM (`negativity.negative_q`, compiled here). tests/feedback/rollups compare both paths with a
direct count.
"""

from django.conf import settings
from django.db import connection

from ..models import SentimentScore
from ..negativity import negative_q
from ..rollup_models import ALL_AGENTS, INCIDENT_COUNTERS, MESSAGE_COUNTERS, RESOLUTION_BIN_FIELDS, RESPONSE_BIN_FIELDS
from .buckets import DURATION_BOUNDS_MINUTES, GRAIN_DAY, GRAIN_MONTH, GRAIN_WEEK

DIMS = "service_id, channel, group_id, agent_id"


def _local(column: str) -> str:
    return f"(({column}) AT TIME ZONE %(tz)s)::date"


def _bin(end: str) -> str:
    return (
        f"CASE WHEN {end} IS NOT NULL THEN "
        f"width_bucket(greatest(extract(epoch FROM {end} - created_at), 0) / 60.0, %(bounds)s::float8[]) END"
    )


FACTS = f"""
INSERT INTO feedback_incidentfact (incident_id, source_updated_at, {DIMS}, opened_on, exited_on, responded_on,
    response_bin, response_breached, resolved_on, resolution_bin, resolution_breached, not_incident)
SELECT id, updated_at, coalesce(service_id, 0), channel, coalesce(assignment_group_id, 0), coalesce(assignee_id, 0),
    {_local("created_at")},
    {_local("CASE WHEN resolved_at IS NOT NULL THEN resolved_at WHEN status = 'cancelled' THEN updated_at END")},
    {_local("first_response_at")},
    {_bin("first_response_at")},
    coalesce(first_response_at IS NOT NULL
        AND (response_breached OR (response_due_at IS NOT NULL AND first_response_at > response_due_at)), false),
    {_local("resolved_at")},
    {_bin("resolved_at")},
    coalesce(resolved_at IS NOT NULL
        AND (resolution_breached OR (resolution_due_at IS NOT NULL AND resolved_at > resolution_due_at)), false),
    not_incident <> ''
FROM tickets_incident
"""


def _incident_days_sql() -> str:
    def branch(day: str, counts: dict) -> str:
        columns = []
        for name in INCIDENT_COUNTERS:
            columns.append(f"{counts.get(name, '0')} AS {name}")
        return (
            f"SELECT {day} AS period, {DIMS}, {', '.join(columns)} FROM feedback_incidentfact WHERE {day} IS NOT NULL"
        )

    response_bins = {name: f"(response_bin = {k})::int" for k, name in enumerate(RESPONSE_BIN_FIELDS)}
    resolution_bins = {name: f"(resolution_bin = {k})::int" for k, name in enumerate(RESOLUTION_BIN_FIELDS)}
    branches = [
        branch("opened_on", {"opened": "1", "not_incidents": "not_incident::int"}),
        branch("exited_on", {"exited": "1"}),
        branch("responded_on", {"responded": "1", "response_breached": "response_breached::int", **response_bins}),
        branch("resolved_on", {"resolved": "1", "resolution_breached": "resolution_breached::int", **resolution_bins}),
    ]
    sums = ", ".join(f"sum({name})" for name in INCIDENT_COUNTERS)
    return (
        f"INSERT INTO feedback_incidentrollup (grain, period, {DIMS}, {', '.join(INCIDENT_COUNTERS)}) "
        f"SELECT '{GRAIN_DAY}', period, {DIMS}, {sums} FROM ({' UNION ALL '.join(branches)}) AS counted "
        f"GROUP BY period, {DIMS}"
    )


def _message_days_sql() -> tuple[str, list]:
    negative_sql, negative_params = _where(negative_q())
    sql = f"""
    INSERT INTO feedback_messagerollup (grain, period, {DIMS}, messages, negative, sentiment_sum)
    SELECT '{GRAIN_DAY}', (s.created_at AT TIME ZONE %s)::date, coalesce(i.service_id, 0), s.channel,
        coalesce(i.assignment_group_id, 0), coalesce(i.assignee_id, 0),
        count(*), count(*) FILTER (WHERE {negative_sql}), sum(s.score)
    FROM feedback_sentimentscore s LEFT JOIN tickets_incident i ON i.id = s.incident_id
    GROUP BY 2, 3, 4, 5, 6
    """
    return sql, negative_params


def _where(condition) -> tuple[str, list]:
    """A Q on SentimentScore as SQL over the alias `s` (how the ORM writes the condition)."""
    query = SentimentScore.objects.filter(condition).query
    compiler = query.get_compiler(connection=connection)
    where, params = query.where.as_sql(compiler, connection)
    return where.replace('"feedback_sentimentscore".', "s."), list(params)


def _longer_periods_sql(table: str, counters: list[str], grain: str) -> str:
    sums = ", ".join(f"sum({name})" for name in counters)
    return (
        f"INSERT INTO {table} (grain, period, {DIMS}, {', '.join(counters)}) "
        f"SELECT '{grain}', date_trunc('{grain}', period::timestamp)::date, {DIMS}, {sums} FROM {table} "
        f"WHERE grain = '{GRAIN_DAY}' GROUP BY 2, {DIMS}"
    )


def _all_agents_sql(table: str, counters: list[str]) -> str:
    sums = ", ".join(f"sum({name})" for name in counters)
    return (
        f"INSERT INTO {table} (grain, period, {DIMS}, {', '.join(counters)}) "
        f"SELECT grain, period, service_id, channel, group_id, {ALL_AGENTS}, {sums} FROM {table} "
        f"WHERE grain = '{GRAIN_DAY}' AND agent_id <> {ALL_AGENTS} "
        "GROUP BY grain, period, service_id, channel, group_id"
    )


def rebuild_in_sql(progress=None) -> None:
    """Empty and refill the facts and the rollups (the caller holds the transaction)."""
    params = {"tz": settings.TIME_ZONE, "bounds": [float(b) for b in DURATION_BOUNDS_MINUTES]}
    say = progress or (lambda text: None)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE feedback_incidentfact, feedback_incidentrollup, feedback_messagerollup")
        cursor.execute(FACTS, params)
        say(f"{cursor.rowcount:,} incident facts")
        cursor.execute(_incident_days_sql())
        say(f"{cursor.rowcount:,} incident rollup rows of days")
        sql, negative_params = _message_days_sql()
        cursor.execute(sql, [settings.TIME_ZONE, *negative_params])
        say(f"{cursor.rowcount:,} message rollup rows of days")
        for table, counters in (
            ("feedback_incidentrollup", INCIDENT_COUNTERS),
            ("feedback_messagerollup", MESSAGE_COUNTERS),
        ):
            cursor.execute(_all_agents_sql(table, counters))
            say(f"{cursor.rowcount:,} rows of days for all agents in {table}")
            for grain in (GRAIN_WEEK, GRAIN_MONTH):
                cursor.execute(_longer_periods_sql(table, counters, grain))
                say(f"{cursor.rowcount:,} rows of {grain}s in {table}")
