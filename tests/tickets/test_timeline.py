"""The incident timeline's registry: another app adds entries without `tickets` importing it
(the social app registers its messages this way), rendered with the source's template."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tickets import services
from tickets.models import Comment
from tickets.timeline import (
    TimelineEntry,
    build_timeline,
    register_timeline_source,
    timeline_sources,
    unregister_timeline_source,
)

from ..factories import IncidentFactory
from ..files import LOG, upload

pytestmark = pytest.mark.django_db


@dataclass
class Probe:
    text: str


@pytest.fixture
def probe_templates(settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], Path(__file__).parent.parent / "templates"]}
    ]


@pytest.fixture
def probe_source(probe_templates):
    """A source as another app would write it: one query, whatever the incident's length;
    a private entry for agents only."""

    def probe(*, incident, viewer_is_agent):
        count = Comment.objects.filter(incident=incident).count()  # its one query
        entries = [
            TimelineEntry(
                at=incident.created_at + timedelta(seconds=1),
                kind="probe",
                template="tests/_timeline_probe.html",
                item=Probe(f"<b>{count} comments</b>"),
            )
        ]
        if viewer_is_agent:
            entries.append(
                TimelineEntry(
                    at=incident.created_at + timedelta(seconds=2),
                    kind="probe",
                    template="tests/_timeline_probe.html",
                    item=Probe("agents only"),
                )
            )
        return entries

    register_timeline_source(probe)
    register_timeline_source(probe)  # a second ready() changes nothing
    yield probe
    unregister_timeline_source(probe)


def test_tickets_registers_the_description_the_comments_the_attachments_and_the_audit_trail():
    names = [source.__name__ for source in timeline_sources()]
    assert names[:4] == ["description_source", "comments_source", "attachments_source", "events_source"]


def test_a_file_sent_with_a_reply_comes_right_after_it(customer, agent):
    incident = IncidentFactory(reporter=services.contact_for_user(user=customer))
    reply = services.incident_reply_with_attachments(
        incident=incident, author=customer, body="Log attached", files=[upload("vpn.log", LOG)]
    )
    services.comment_create(incident=incident, body="Thanks", visibility="public", author=agent)
    timeline = build_timeline(incident=incident, user=agent)
    kinds = [(entry.kind, getattr(entry.item, "name", None)) for entry in timeline if entry.kind != "event"]
    assert kinds == [("description", None), ("comment", None), ("attachment", "vpn.log"), ("comment", None)]
    assert timeline[[e.kind for e in timeline].index("comment")].item == reply


def test_a_registered_source_joins_the_timeline_in_time_order(probe_source, agent, contact):
    incident = IncidentFactory(reporter=contact)
    services.comment_create(
        incident=incident,
        body="later",
        visibility="public",
        author=agent,
        created_at=incident.created_at + timedelta(minutes=5),
    )
    entries = build_timeline(incident=incident, user=agent)
    assert [e.kind for e in entries] == ["description", "event", "probe", "probe", "comment"]
    assert sum(source is probe_source for source in timeline_sources()) == 1


def test_source_entries_render_with_their_template_escaped_and_respect_who_is_looking(
    probe_source, agent_client, agent, customer, client
):
    incident = IncidentFactory(reporter=services.contact_for_user(user=customer))
    page = agent_client.get(reverse("incident_detail", args=[incident.number])).text
    assert "Probe says &lt;b&gt;0 comments&lt;/b&gt;" in page and "agents only" in page

    client.force_login(customer)
    portal = client.get(reverse("portal_incident", args=[incident.number])).text
    assert "Probe says" in portal and "agents only" not in portal


def test_each_source_adds_a_constant_number_of_queries(probe_source, agent_client, agent, contact):
    incident = IncidentFactory(reporter=contact)
    url = reverse("incident_detail", args=[incident.number])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            agent_client.get(url)
        return len(captured)

    few = queries()
    for n in range(15):
        services.comment_create(incident=incident, body=f"n{n}", visibility="internal", author=agent)
    assert queries() == few
    unregister_timeline_source(probe_source)
    assert queries() == few - 1
