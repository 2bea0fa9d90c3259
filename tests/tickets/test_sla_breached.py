"""One definition of "breached": the queue's filter (`sla.breached_q`), its badge
(`queue_sla` through `sla.next_clock`) and `sla.is_breached` agree on every SLA state an
incident can be in, and the triage rank (breach flags) agrees with them once the sweep ran."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from tickets import selectors, services, sla
from tickets.models import OPEN_STATUSES, Incident
from tickets.selectors import QueueFilters
from tickets.templatetags.desk import queue_sla, response_state, sla_state

from ..factories import IncidentFactory

pytestmark = pytest.mark.django_db

STATUSES = ["new", "in_progress", "on_hold", "resolved", "closed", "cancelled"]


@pytest.fixture
def every_sla_state(contact):
    """One incident per combination of status, response given or not, each due time (none,
    passed, ahead) and each breach flag."""
    now = timezone.now()
    template = IncidentFactory(reporter=contact)
    times = {"none": None, "passed": now - timedelta(minutes=5), "ahead": now + timedelta(minutes=30)}
    rows = []
    combinations = itertools.product(STATUSES, (False, True), times, times, (False, True), (False, True))
    for n, (status, responded, response_due, resolution_due, response_flag, resolution_flag) in enumerate(
        combinations, start=1
    ):
        paused = status not in ("new", "in_progress")
        rows.append(
            Incident(
                number=f"INC9{n:06d}",
                title=f"{status} responded={responded} response={response_due} resolution={resolution_due} "
                f"flags={response_flag},{resolution_flag}",
                status=status,
                reporter_id=template.reporter_id,
                created_at=now - timedelta(hours=2),
                updated_at=now - timedelta(hours=1),
                first_response_at=now - timedelta(hours=1) if responded else None,
                response_due_at=times[response_due],
                resolution_due_at=times[resolution_due],
                sla_paused_since=now - timedelta(minutes=10) if paused else None,
                response_breached=response_flag,
                resolution_breached=resolution_flag,
            )
        )
    Incident.objects.bulk_create(rows)
    return now


def test_the_filter_and_the_badge_select_the_same_incidents(agent, every_sla_state):
    now = every_sla_state
    incidents = list(Incident.objects.filter(number__startswith="INC9"))
    assert len(incidents) == 6 * 2 * 3 * 3 * 2 * 2
    filtered = set(Incident.objects.filter(sla.breached_q(now=now)).values_list("pk", flat=True))
    queue = selectors.incident_queue_filtered(user=agent, filters=QueueFilters(status="", sla="breached"), now=now)
    assert set(queue.values_list("pk", flat=True)) - {None} >= filtered
    disagreements = [
        i.title
        for i in incidents
        if (i.pk in filtered) != sla.is_breached(i, now)
        or (i.pk in filtered) != ('data-sla="breached"' in queue_sla(i, now))
        or (i.pk in filtered) != (sla.next_clock(i, now).state == "breached")
    ]
    assert disagreements == []
    # Neither side is trivially empty or full.
    assert 0 < len(filtered) < len(incidents)


def test_once_the_sweep_ran_the_triage_rank_puts_exactly_the_breached_open_incidents_first(every_sla_state):
    now = every_sla_state
    services.sla_flag_breaches(now=now)
    wrong = [
        (i.title, i.triage_rank)
        for i in Incident.objects.filter(number__startswith="INC9", status__in=OPEN_STATUSES)
        if (i.triage_rank == 0) != sla.is_breached(i, now)
    ]
    assert wrong == []
    assert not Incident.objects.filter(triage_rank=0).exclude(status__in=OPEN_STATUSES).exists()


def test_the_clock_that_matters_is_the_response_until_somebody_answers(agent, contact):
    now = timezone.now()
    incident = IncidentFactory(reporter=contact, impact=2, urgency=2)  # P3: respond in 2 h, resolve in 3 days
    clock = sla.next_clock(incident, now)
    assert (clock.target, clock.state, clock.due) == ("response", "running", incident.response_due_at)
    assert "Respond in 1h 59m" in queue_sla(incident, now + timedelta(seconds=30))

    services.comment_create(incident=incident, body="Looking into it.", visibility="public", author=agent)
    incident.refresh_from_db()
    clock = sla.next_clock(incident, now)
    assert (clock.target, clock.state, clock.due) == ("resolution", "running", incident.resolution_due_at)
    assert "Resolve in 2d 23h" in queue_sla(incident, now + timedelta(minutes=1))


def test_a_late_response_no_longer_counts_as_breached_once_given(agent, contact):
    now = timezone.now()
    incident = IncidentFactory(reporter=contact, opened_at=now - timedelta(days=2))  # P5: respond within a day
    services.sla_flag_breaches(now=now)
    incident.refresh_from_db()
    assert incident.response_breached and incident.triage_rank == 0
    assert "Response breached 1d 0h ago" in queue_sla(incident, now)

    services.comment_create(incident=incident, body="Sorry for the wait.", visibility="public", author=agent)
    incident.refresh_from_db()
    assert not sla.is_breached(incident, timezone.now())
    assert incident.triage_rank == 1  # still new and nobody's: back among the untriaged
    assert incident.pk not in Incident.objects.filter(sla.breached_q(now=timezone.now())).values_list("pk", flat=True)


def test_an_incident_closed_as_not_an_incident_neither_met_nor_missed_its_targets(agent, contact):
    # Its clocks stopped: "Met" would count a thanks as work done on time.
    now = timezone.now()
    incident = IncidentFactory(reporter=contact, impact=2, urgency=2)
    incident = services.incident_close_not_incident(
        incident=incident, kind="thanks", reason="A thank-you.", actor=agent
    )
    assert sla.next_clock(incident, now).state == "stopped"
    assert "Stopped" in queue_sla(incident, now) and "Met" not in queue_sla(incident, now)
    assert "Stopped" in sla_state(incident, now) and "Stopped" in response_state(incident, now)
    assert not sla.is_breached(incident, now + timedelta(days=30))
