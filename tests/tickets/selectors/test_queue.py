"""The triage queue: what each filter keeps, the sort orders, and keyset pages that cover
every row exactly once, forwards and backwards."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tickets import selectors, services
from tickets.models import Incident
from tickets.selectors import QUEUE_SORTS, QueueFilters

from ...factories import AgentFactory, ContactFactory, IncidentFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def titles(user, **filters) -> list[str]:
    page = selectors.incident_queue(user=user, filters=QueueFilters(**filters), now=timezone.now())
    return [i.title for i in page.incidents]


def test_new_and_unassigned_incidents_come_first_then_priority_then_the_oldest(agent, contact):
    now = timezone.now()
    old_low = IncidentFactory(reporter=contact, title="old low", opened_at=now - timedelta(hours=5))
    taken = IncidentFactory(reporter=contact, title="taken critical", impact=1, urgency=1)
    services.incident_assign(incident=taken, assignee=agent, actor=agent)
    IncidentFactory(reporter=contact, title="new high", impact=1, urgency=2)
    IncidentFactory(reporter=contact, title="newer low")
    worked = IncidentFactory(reporter=contact, title="worked", impact=1, urgency=1)
    services.incident_transition(incident=worked, to_status="in_progress", actor=agent)
    assert Incident.objects.get(pk=old_low.pk).triage_rank == 1
    assert Incident.objects.get(pk=taken.pk).triage_rank == 2

    assert titles(agent) == ["new high", "old low", "newer low", "taken critical", "worked"]


def test_each_filter_keeps_what_it_says(agent, contact):
    other_agent = AgentFactory()
    vpn = ServiceFactory(name="VPN")
    mine = IncidentFactory(reporter=contact, title="mine", service=vpn, channel="twitter")
    services.incident_assign(incident=mine, assignee=agent, actor=agent)
    theirs = IncidentFactory(reporter=contact, title="theirs", impact=1, urgency=1)
    services.incident_assign(incident=theirs, assignee=other_agent, actor=agent)
    IncidentFactory(reporter=contact, title="nobody's", channel="facebook")
    done = IncidentFactory(reporter=contact, title="done", service=vpn)
    services.incident_transition(incident=done, to_status="resolved", resolution="ok", actor=agent)

    assert set(titles(agent)) == {"mine", "theirs", "nobody's"}  # open by default
    assert set(titles(agent, status="")) == {"mine", "theirs", "nobody's", "done"}
    assert titles(agent, status="resolved") == ["done"]
    assert titles(agent, priority=1) == ["theirs"]
    assert titles(agent, channel="twitter") == ["mine"]
    assert set(titles(agent, service=vpn.pk, status="")) == {"mine", "done"}
    assert titles(agent, assignee="me") == ["mine"]
    assert titles(agent, assignee="none") == ["nobody's"]
    assert set(titles(agent, assignee="")) == {"mine", "theirs", "nobody's"}


def test_the_sla_filters_find_breached_and_soon_due_incidents(agent, contact):
    now = timezone.now()
    # P5 resolution target: 10 days (reference data); response: 1 day.
    IncidentFactory(reporter=contact, title="fresh")
    IncidentFactory(reporter=contact, title="overdue", opened_at=now - timedelta(days=11))
    soon = IncidentFactory(reporter=contact, title="soon", opened_at=now - timedelta(days=1) + timedelta(minutes=30))
    flagged = IncidentFactory(reporter=contact, title="flagged", opened_at=now - timedelta(days=2))
    services.sla_flag_breaches()
    waiting = IncidentFactory(reporter=contact, title="paused", opened_at=now - timedelta(days=11))
    services.incident_transition(incident=waiting, to_status="on_hold", hold_reason="vendor", actor=agent)

    breached = set(titles(agent, sla="breached"))
    assert {"overdue", "flagged"} <= breached and "fresh" not in breached and "soon" not in breached
    assert titles(agent, sla="due_soon") == ["soon"]
    assert soon.response_due_at - now < timedelta(hours=1)
    assert flagged.pk


def test_breached_incidents_come_first_assigned_or_not(agent, contact):
    now = timezone.now()
    IncidentFactory(reporter=contact, title="untriaged critical", impact=1, urgency=1)
    late = IncidentFactory(reporter=contact, title="late, assigned", opened_at=now - timedelta(days=2))
    services.incident_assign(incident=late, assignee=agent, actor=agent)
    services.incident_transition(incident=late, to_status="in_progress", actor=agent)
    IncidentFactory(reporter=contact, title="late, nobody's", opened_at=now - timedelta(days=3))
    services.sla_flag_breaches(now=now)

    assert titles(agent) == ["late, nobody's", "late, assigned", "untriaged critical"]
    assert set(titles(agent, sla="breached")) == {"late, nobody's", "late, assigned"}


@pytest.mark.parametrize("sort", list(QUEUE_SORTS))
def test_keyset_pages_cover_every_incident_once_forwards_and_backwards(agent, contact, sort):
    now = timezone.now()
    for n in range(11):
        incident = IncidentFactory(
            reporter=contact,
            title=f"#{n}",
            impact=1 + n % 3,
            urgency=1 + n % 2,
            # Several incidents opened at the same moment: the id breaks the tie.
            opened_at=now - timedelta(minutes=n // 3),
        )
        if n % 4 == 0:
            services.incident_assign(incident=incident, assignee=agent, actor=agent)
    filters = QueueFilters(sort=sort)
    everything = [i.pk for i in selectors.incident_queue(user=agent, filters=filters, now=now, size=100).incidents]
    assert len(everything) == 11

    pages, after = [], None
    while True:
        page = selectors.incident_queue(user=agent, filters=filters, now=now, after=after, size=4)
        pages.append([i.pk for i in page.incidents])
        if page.next_after is None:
            break
        after = page.next_after
    assert [pk for p in pages for pk in p] == everything
    assert [len(p) for p in pages] == [4, 4, 3]

    # And back from the last page, with the "previous" links.
    back, before = [pages[-1]], page.previous_before
    while before is not None:
        page = selectors.incident_queue(user=agent, filters=filters, now=now, before=before, size=4)
        back.insert(0, [i.pk for i in page.incidents])
        before = page.previous_before
    assert back == pages


def test_a_cursor_to_an_unknown_incident_starts_over(agent, contact):
    IncidentFactory.create_batch(3, reporter=contact)
    page = selectors.incident_queue(user=agent, filters=QueueFilters(), now=timezone.now(), after=999_999)
    assert len(page.incidents) == 3 and page.previous_before is None


def test_a_customer_sees_nothing_of_the_queue(customer, contact):
    IncidentFactory(reporter=contact)
    assert titles(customer) == []


def test_search_finds_words_in_the_title_the_description_and_the_comments(agent, contact):
    IncidentFactory(reporter=contact, title="Printer jams", description="On the second floor")
    IncidentFactory(reporter=contact, title="Mail bounces", description="Every message to sales")
    commented = IncidentFactory(reporter=contact, title="Slow laptop", description="Since the update")
    services.comment_create(
        incident=commented, body="The antivirus scans the whole disk", visibility="internal", author=agent
    )
    retitled = IncidentFactory(reporter=contact, title="Something", description="")
    services.incident_update(incident=retitled, actor=agent, title="Keyboard missing keys")

    assert titles(agent, q="printer") == ["Printer jams"]
    assert titles(agent, q="sales") == ["Mail bounces"]
    assert titles(agent, q="antivirus") == ["Slow laptop"]
    assert titles(agent, q="keyboard") == ["Keyboard missing keys"]
    assert titles(agent, q="something") == []
    assert titles(agent, q="printer floor") == ["Printer jams"]
    assert titles(agent, q="printer sales") == []
    assert titles(agent, q=commented.number.lower()) == ["Slow laptop"]


def test_search_reads_phrases_and_excluded_words_on_every_database(agent, contact):
    IncidentFactory(reporter=contact, title="Printer jams", description="Paper stuck in tray two")
    IncidentFactory(reporter=contact, title="Printer offline", description="No network since Monday")
    IncidentFactory(reporter=contact, title="Tray missing", description="Two desks share one tray")

    assert sorted(titles(agent, q="printer")) == ["Printer jams", "Printer offline"]
    assert titles(agent, q="printer -jams") == ["Printer offline"]
    assert titles(agent, q='printer -"paper stuck"') == ["Printer offline"]
    assert titles(agent, q='"share one tray"') == ["Tray missing"]
    assert titles(agent, q='"tray two" printer') == ["Printer jams"]


@pytest.mark.postgres
def test_postgres_search_stems_words_and_reads_the_gin_index(agent, contact):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL full-text search; SQLite uses the LIKE fallback")
    incident = IncidentFactory(reporter=contact, title="Printers jamming", description="")
    services.comment_create(incident=incident, body="Replaced the rollers", visibility="public", author=agent)
    assert titles(agent, q="printer jam") == ["Printers jamming"]
    assert titles(agent, q="roller") == ["Printers jamming"]
    assert titles(agent, q='"replaced the rollers"') == ["Printers jamming"]
    assert titles(agent, q="printer -roller") == []
    IncidentFactory(reporter=contact, title="App dies with <NullReferenceException>")
    assert titles(agent, q="nullreferenceexception") == ["App dies with <NullReferenceException>"]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM tickets_incident WHERE search_document @@ websearch_to_tsquery('english', 'x')"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "incident_search_idx" in plan


def test_the_live_count_tells_new_and_changed_incidents_apart(agent, contact):
    before = IncidentFactory(reporter=contact, title="before")
    untouched = IncidentFactory(reporter=contact, title="untouched")
    since, last_id = timezone.now(), selectors.incident_latest_id()
    services.incident_assign(incident=before, assignee=agent, actor=agent)
    IncidentFactory(reporter=contact, title="arrived")
    IncidentFactory(reporter=ContactFactory(), title="arrived too", channel="twitter")

    changes = selectors.incident_queue_changes(
        user=agent, filters=QueueFilters(), now=timezone.now(), last_id=last_id, since=since, seen=since
    )
    assert (changes.new, changes.updated, changes.since_seen) == (2, 1, 3)
    twitter = selectors.incident_queue_changes(
        user=agent,
        filters=QueueFilters(channel="twitter"),
        now=timezone.now(),
        last_id=last_id,
        since=since,
        seen=timezone.now(),
    )
    assert (twitter.new, twitter.updated, twitter.since_seen) == (1, 0, 0)
    assert untouched.pk <= last_id
