"""tickets/services/intake.py: many incidents and replies at once, for social intake. Same
rules as one at a time (validated, numbered, SLA set, audited), in a few queries."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets import services
from tickets.models import Channel, Comment, Event, EventKind, Incident, Visibility

from ...factories import ContactFactory, IncidentFactory
from ...queries import assert_queries

pytestmark = pytest.mark.django_db

WRITTEN = datetime(2026, 3, 2, 8, 15, tzinfo=UTC)


def test_a_batch_is_numbered_in_order_with_due_times_and_a_created_line_each(contact):
    before = IncidentFactory(reporter=contact)
    drafts = [
        services.IncidentDraft(reporter=contact, title=f"  Outage {n}  ", channel=Channel.WEB, opened_at=WRITTEN)
        for n in range(3)
    ]
    incidents = services.incidents_create_bulk(drafts=drafts)
    numbers = [int(i.number.removeprefix("INC")) for i in incidents]
    assert numbers == [int(before.number.removeprefix("INC")) + n for n in (1, 2, 3)]
    stored = Incident.objects.filter(pk__in=[i.pk for i in incidents]).order_by("id")
    assert [i.title for i in stored] == ["Outage 0", "Outage 1", "Outage 2"]
    assert all(i.created_at == WRITTEN and i.response_due_at and i.priority for i in stored)
    created = Event.objects.filter(incident__in=stored, kind=EventKind.CREATED)
    assert created.count() == 3 and {e.actor_user for e in created} == {None}


def test_a_batch_costs_the_same_few_queries_whatever_its_size(contact):
    services.incidents_create_bulk(drafts=[services.IncidentDraft(reporter=contact, title="warm up")])

    def batch(size):
        return [services.IncidentDraft(reporter=contact, title=f"#{n}") for n in range(size)]

    with CaptureQueriesContext(connection) as small:
        services.incidents_create_bulk(drafts=batch(2))
    with assert_queries(len(small)):
        services.incidents_create_bulk(drafts=batch(50))


def test_one_bad_draft_refuses_the_batch_before_anything_is_stored(contact):
    drafts = [
        services.IncidentDraft(reporter=contact, title="fine"),
        services.IncidentDraft(reporter=contact, title=""),
    ]
    with pytest.raises(ValidationError):
        services.incidents_create_bulk(drafts=drafts)
    assert not Incident.objects.exists()
    assert services.incidents_create_bulk(drafts=[]) == []


def test_a_merged_reporter_is_followed_to_the_survivor(agent):
    source, target = ContactFactory(), ContactFactory()
    services.contact_merge(source=source, target=target, actor=agent)
    source.refresh_from_db()
    [incident] = services.incidents_create_bulk(drafts=[services.IncidentDraft(reporter=source, title="Hi")])
    assert incident.reporter == target


def test_replies_are_public_with_their_own_time_and_a_line_each(contact):
    first, second = IncidentFactory(reporter=contact), IncidentFactory(reporter=contact)
    comments = services.comments_create_bulk(
        replies=[(second, contact, " still down ", WRITTEN), (first, contact, "me too", None)]
    )
    stored = Comment.objects.filter(pk__in=[c.pk for c in comments]).order_by("id")
    assert [(c.incident_id, c.body, c.visibility) for c in stored] == [
        (second.pk, "still down", Visibility.PUBLIC),
        (first.pk, "me too", Visibility.PUBLIC),
    ]
    assert stored[0].created_at == WRITTEN
    lines = Event.objects.filter(kind=EventKind.COMMENT).order_by("id")
    assert [(e.comment_id, e.actor_contact) for e in lines] == [(c.pk, contact) for c in stored]
    assert services.comments_create_bulk(replies=[]) == []
