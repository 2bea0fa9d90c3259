"""The rollups equal a direct computation over the same rows, after a rebuild and after every
incremental refresh, in the desk's time zone; refreshing is idempotent."""

import math
from collections import Counter, defaultdict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db.models import Sum

from feedback.models import SentimentScore
from feedback.rollup_models import ALL_AGENTS, INCIDENT_COUNTERS, IncidentRollup, MessageRollup, RollupCursor
from feedback.rollups import buckets
from feedback.rollups.refresh import rollups_rebuild, rollups_refresh
from tickets import services
from tickets.models import Incident, IncidentStatus

from ...factories import IncidentFactory
from ...social.factories import InboundMessageFactory
from ..conftest import at, backdate

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def paris_day(moment):
    return moment.astimezone(PARIS).date() if moment else None


def key(period, dims):
    return (period, *dims)


def direct_incident_counts(grain: str) -> dict[tuple, Counter]:
    """Counted straight from the incidents, without the rollups' code."""
    expected: dict[tuple, Counter] = defaultdict(Counter)
    for incident in Incident.objects.all():
        dims = (
            incident.service_id or 0,
            incident.channel,
            incident.assignment_group_id or 0,
            incident.assignee_id or 0,
        )

        def period(moment):
            return buckets.period_start(paris_day(moment), grain)

        expected[key(period(incident.created_at), dims)]["opened"] += 1
        # Closed as not an incident: counted apart, on the day it opened; never resolved work.
        expected[key(period(incident.created_at), dims)]["not_incidents"] += int(bool(incident.not_incident))
        exit_at = incident.resolved_at or (incident.updated_at if incident.status == IncidentStatus.CANCELLED else None)
        if exit_at:
            expected[key(period(exit_at), dims)]["exited"] += 1
        if incident.first_response_at:
            row = expected[key(period(incident.first_response_at), dims)]
            row["responded"] += 1
            late = incident.first_response_at > incident.response_due_at or incident.response_breached
            row["response_breached"] += int(late)
            minutes = (incident.first_response_at - incident.created_at).total_seconds() / 60
            row[f"response_bin_{buckets.duration_bin(minutes * 60):02d}"] += 1
        if incident.resolved_at:
            row = expected[key(period(incident.resolved_at), dims)]
            row["resolved"] += 1
            late = incident.resolved_at > incident.resolution_due_at or incident.resolution_breached
            row["resolution_breached"] += int(late)
            seconds = (incident.resolved_at - incident.created_at).total_seconds()
            row[f"resolution_bin_{buckets.duration_bin(seconds):02d}"] += 1
    return {k: +v for k, v in expected.items()}


def rolled_up_incident_counts(grain: str, *, all_agents: bool = False) -> dict[tuple, Counter]:
    rows = {}
    agents = {"agent_id": ALL_AGENTS} if all_agents else {"agent_id__gte": 0}
    for row in IncidentRollup.objects.filter(grain=grain, **agents).values():
        dims = (row["service_id"], row["channel"], row["group_id"], row["agent_id"])
        counts = +Counter({name: row[name] for name in INCIDENT_COUNTERS})
        if counts:
            rows[key(row["period"], dims)] = counts
    return rows


def direct_message_counts(grain: str) -> dict[tuple, tuple[int, int, float]]:
    expected = defaultdict(lambda: [0, 0, 0.0])
    for score in SentimentScore.objects.select_related("incident"):
        incident = score.incident
        dims = (
            incident.service_id or 0 if incident else 0,
            score.channel,
            incident.assignment_group_id or 0 if incident else 0,
            incident.assignee_id or 0 if incident else 0,
        )
        row = expected[key(buckets.period_start(paris_day(score.created_at), grain), dims)]
        row[0] += 1
        row[1] += int(score.label == "negative")
        row[2] += score.score
    return {k: (m, n, round(s, 6)) for k, (m, n, s) in expected.items()}


def rolled_up_message_counts(grain: str):
    return {
        key(r.period, (r.service_id, r.channel, r.group_id, r.agent_id)): (
            r.messages,
            r.negative,
            round(r.sentiment_sum, 6),
        )
        for r in MessageRollup.objects.filter(grain=grain, agent_id__gte=0)
    }


def summed_over_agents(counts: dict[tuple, Counter]) -> dict[tuple, Counter]:
    totals: dict[tuple, Counter] = defaultdict(Counter)
    for (period, service, channel, group, _agent), row in counts.items():
        totals[(period, service, channel, group, ALL_AGENTS)] += row
    return dict(totals)


def assert_rollups_match():
    for grain in buckets.GRAINS:
        direct = direct_incident_counts(grain)
        assert rolled_up_incident_counts(grain) == direct, grain
        # The rows every default view reads: the sums over the agents.
        assert rolled_up_incident_counts(grain, all_agents=True) == summed_over_agents(direct), grain
        assert rolled_up_message_counts(grain) == direct_message_counts(grain), grain
        assert MessageRollup.objects.filter(grain=grain, agent_id=ALL_AGENTS).aggregate(n=Sum("messages"))["n"] == sum(
            m for m, _, _ in direct_message_counts(grain).values()
        ), grain


def test_a_rebuild_equals_a_direct_count_in_the_desks_days_weeks_and_months(desk):
    rollups_rebuild()
    assert_rollups_match()
    # 23:30 UTC on 2 November is 3 November in Paris.
    assert IncidentRollup.objects.filter(grain="day", period=date(2026, 11, 3), opened=1).exists()
    assert not IncidentRollup.objects.filter(grain="day", period=date(2026, 11, 2)).exists()
    assert IncidentRollup.objects.filter(grain="month", agent_id=ALL_AGENTS).aggregate(n=Sum("opened"))["n"] == 12
    assert {r.period.weekday() for r in IncidentRollup.objects.filter(grain="week")} == {0}


def test_the_first_refresh_counts_everything_and_a_second_one_changes_nothing(desk):
    first = rollups_refresh()
    assert first.incidents_changed == 12 and first.scores_read == 6
    assert_rollups_match()
    rows = sorted(IncidentRollup.objects.values_list("grain", "period", "opened", "resolved", "agent_id"))
    again = rollups_refresh()
    # Only what lies in the overlap behind the mark is read again, and counted the same.
    assert (again.incidents_read, again.incidents_changed, again.scores_read) == (1, 0, 1)
    assert sorted(IncidentRollup.objects.values_list("grain", "period", "opened", "resolved", "agent_id")) == rows


def test_changes_after_the_mark_are_rolled_up_incrementally(desk):
    rollups_refresh()
    incidents = desk["incidents"]
    ben = desk["ben"]
    agent = User.objects.get(username="ana")
    # A reassignment moves the incident's counts and its messages' to another agent.
    services.incident_assign(incident=incidents[1], assignee=ben, actor=agent)
    # A resolution today; a reopening that takes back an old resolution.
    services.incident_transition(
        incident=Incident.objects.get(pk=incidents[2].pk), to_status="resolved", resolution="Done", actor=agent
    )
    services.incident_transition(
        incident=Incident.objects.get(pk=incidents[4].pk), to_status="in_progress", actor=agent
    )
    # A thanks closed as not an incident.
    services.incident_close_not_incident(incident=incidents[3], kind="thanks", reason="Only said thanks", actor=agent)
    # A new incident and a new score.
    IncidentFactory(service=desk["vpn"], assignee=ben)
    message = InboundMessageFactory(incident=incidents[3], channel="twitter")
    SentimentScore.objects.create(
        message=message,
        score=-0.6,
        label="negative",
        model_version="test",
        compound=-0.6,
        positive=0,
        neutral=0.5,
        negative=0.5,
        scored_at=message.created_at,
        channel="twitter",
        incident=incidents[3],
        created_at=message.created_at,
    )
    result = rollups_refresh()
    assert result.incidents_changed == 5
    assert_rollups_match()
    not_incidents = IncidentRollup.objects.filter(grain="month", agent_id=ALL_AGENTS).aggregate(n=Sum("not_incidents"))
    assert not_incidents["n"] == 2  # the spam of the desk and this thanks; neither was resolved
    assert not Incident.objects.filter(pk__in=[incidents[3].pk, incidents[10].pk], resolved_at__isnull=False).exists()
    moved = MessageRollup.objects.filter(grain="month", agent_id=ben.pk).aggregate(n=Sum("messages"))["n"]
    assert moved >= 1


def test_a_refresh_after_a_rebuild_and_a_rebuild_after_refreshes_agree(desk):
    rollups_refresh()
    refreshed = sorted(IncidentRollup.objects.values_list(*["grain", "period", "channel", *INCIDENT_COUNTERS]))
    rollups_rebuild()
    assert sorted(IncidentRollup.objects.values_list(*["grain", "period", "channel", *INCIDENT_COUNTERS])) == refreshed
    assert rollups_refresh().incidents_changed == 0


def test_a_late_commit_inside_the_overlap_is_still_seen(desk):
    rollups_refresh()
    # Written with an updated_at older than the mark (its transaction committed late).
    incident = desk["incidents"][7]
    backdate(incident, status=IncidentStatus.RESOLVED, resolved_at=at(20, 10), updated_at=at(20, 10))
    # The mark already stands 30 seconds later: within the overlap.
    RollupCursor.objects.filter(source="incidents").update(high_water=at(20, 10) + timedelta(seconds=30))
    assert rollups_refresh().incidents_changed == 1
    assert_rollups_match()


def test_percentiles_read_from_the_bins_fall_in_the_exact_percentiles_bin():
    durations_minutes = [1.5, 4, 8, 9, 12, 25, 40, 44, 61, 130, 200, 1500, 3000]
    counts = [0] * buckets.DURATION_BINS
    for minutes in durations_minutes:
        counts[buckets.duration_bin(minutes * 60)] += 1
    for fraction in (0.5, 0.9):
        # The nearest-rank percentile of the exact durations.
        exact = sorted(durations_minutes)[math.ceil(fraction * len(durations_minutes)) - 1]
        estimate = buckets.percentile_minutes(counts, fraction)
        low, high = buckets.bin_range_minutes(buckets.duration_bin(exact * 60))
        assert low <= estimate <= high, (fraction, estimate, exact)
    assert buckets.percentile_minutes([0] * buckets.DURATION_BINS, 0.5) is None
