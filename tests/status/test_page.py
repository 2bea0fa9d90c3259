"""The public page and its feeds: no login, nothing private, cached, parsed by real parsers."""

from datetime import timedelta

import feedparser
import pytest
from django.core.cache import cache
from django.utils import timezone
from icalendar import Calendar

from broadcasts import services as broadcasts
from broadcasts.changes import change_create
from status import services
from status.models import PublicKnownError

from ..factories import IncidentFactory, ProblemFactory, ServiceFactory
from ..queries import get_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def outage(agent, manager, django_capture_on_commit_callbacks):
    """Mail down: a major incident with an internal title, and a published public update."""
    mail = ServiceFactory(name="Mail")
    incident = IncidentFactory(service=mail, major=True, title="Exchange DAG split-brain on MBX03 (ask Sam Agent)")
    with django_capture_on_commit_callbacks(execute=True):
        broadcast = broadcasts.broadcast_create(
            by=agent,
            kind="outage",
            title="Mail is down",
            text="Mail cannot be sent or received. We are working on it.",
            channels=["status"],
            services=[mail],
            incident=incident,
        )
        broadcasts.broadcast_submit(broadcast=broadcast, by=agent)
    with django_capture_on_commit_callbacks(execute=True):
        broadcasts.broadcast_approve(broadcast=broadcast, by=manager)
    services.state_changes_record()
    return mail, incident, broadcast


def test_anyone_reads_the_state_and_the_public_update_and_nothing_private(client, outage):
    _mail, incident, _broadcast = outage
    response = client.get("/status/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Major outage" in page
    assert "Mail cannot be sent or received. We are working on it." in page
    assert incident.title not in page and "MBX03" not in page
    assert incident.number not in page
    assert "Sam" not in page and "manager" not in page  # no names
    assert response["Cache-Control"] == "public, max-age=15"


def test_the_page_is_cached_and_rendered_afresh_when_a_state_changes(
    client, outage, agent, django_capture_on_commit_callbacks
):
    mail, _incident, _ = outage
    client.get("/status/")
    assert get_queries(client, "/status/") == 0  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        services.override_set(service=mail, by=agent, state="degraded", reason="Recovering: mail arrives late.")
    page = client.get("/status/").content.decode()
    assert "Recovering: mail arrives late." in page


def test_the_page_takes_the_same_queries_for_few_and_many_services(client, agent):
    for _ in range(3):
        ProblemFactory(service=ServiceFactory())
    few = get_queries(client, "/status/")
    cache.clear()
    for _ in range(12):
        IncidentFactory(service=ServiceFactory(), major=True)
    services.state_changes_record()
    cache.clear()
    assert get_queries(client, "/status/") == few


def test_upcoming_maintenance_and_public_known_errors_are_shown_in_public_words(client, agent):
    erp = ServiceFactory(name="ERP")
    start = timezone.now() + timedelta(days=2)
    change = change_create(by=agent, title="ERP upgrade", planned_start=start, planned_end=start + timedelta(hours=2))
    change.services.set([erp])
    problem = ProblemFactory(service=erp, description="Internal: the AP-7 cluster leaks file handles.")
    PublicKnownError.objects.create(
        problem=problem, title="Reports time out", description="Large reports may time out.", workaround="Export."
    )
    page = client.get("/status/").content.decode()
    assert "ERP upgrade" in page and "Reports time out" in page and "Export." in page
    assert "AP-7" not in page


def test_the_history_shows_90_days(client, outage):
    page = client.get("/status/").content.decode()
    assert page.count('class="day state-') == 90
    assert 'class="day state-major_outage"' in page


def test_the_atom_feeds_parse_and_carry_the_updates(client, outage):
    mail, _, _broadcast = outage
    quiet = ServiceFactory(name="Printing")
    parsed = feedparser.parse(client.get("/status/feed/").content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.title == "Service status"
    titles = [entry.title for entry in parsed.entries]
    assert "Outage: Mail is down" in titles
    assert "Mail: Major outage" in titles
    per_service = feedparser.parse(client.get(f"/status/feed/{mail.pk}/").content)
    assert not per_service.bozo and per_service.feed.title == "Mail status"
    assert "Outage: Mail is down" in [e.title for e in per_service.entries]
    other = feedparser.parse(client.get(f"/status/feed/{quiet.pk}/").content)
    assert not other.bozo and other.entries == []
    assert client.get("/status/feed/999999/").status_code == 404


def test_the_maintenance_calendar_parses(client, agent):
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    change = change_create(
        by=agent, title="Network upgrade", planned_start=start, planned_end=start + timedelta(hours=4)
    )
    change.services.set([ServiceFactory(name="Network")])
    response = client.get("/status/maintenance.ics")
    assert response["Content-Type"].startswith("text/calendar")
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]) == "Network upgrade"
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == start + timedelta(hours=4)
    assert "Network" in str(event["description"])
