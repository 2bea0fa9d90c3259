"""tickets/services/sources.py: the social message behind an incident or a reply was edited
or deleted where it was posted. An edit is followed; a deletion removes the copy (the
platforms' terms) and leaves the record that something was said."""

import pytest

from tickets import services
from tickets.models import Channel, Event, EventKind

from ...factories import IncidentFactory

pytestmark = pytest.mark.django_db


def test_an_edit_at_the_source_is_followed_and_recorded(contact):
    incident = IncidentFactory(reporter=contact, description="Wifi down", channel=Channel.WEB)
    edited = services.incident_source_edited(incident=incident, description=" Wifi down on floor 2 ", actor=contact)
    assert edited.description == "Wifi down on floor 2"
    line = Event.objects.get(incident=incident, kind=EventKind.SOURCE_EDIT)
    assert (line.field, line.old_value, line.new_value, line.actor_contact) == (
        "description",
        "Wifi down",
        "Wifi down on floor 2",
        contact,
    )


def test_a_replys_edit_is_recorded_against_the_reply(agent, contact):
    incident = IncidentFactory(reporter=contact)
    reply = services.comment_create(incident=incident, body="v1", visibility="public", author=contact)
    services.comment_source_edited(comment=reply, body="v2", actor=contact)
    reply.refresh_from_db()
    line = Event.objects.get(kind=EventKind.SOURCE_EDIT)
    assert (reply.body, line.comment, line.incident, line.old_value, line.new_value) == (
        "v2",
        reply,
        incident,
        "v1",
        "v2",
    )


def test_a_deletion_removes_the_words_and_keeps_the_record(agent, contact):
    incident = IncidentFactory(reporter=contact, title="My password is hunter2", description="hunter2")
    reply = services.comment_create(incident=incident, body="hunter2 again", visibility="public", author=contact)
    answer = services.comment_create(incident=incident, body="Please change it", visibility="public", author=agent)

    redacted = services.incident_redact_source(incident=incident)
    services.comment_redact_source(comment=reply)

    reply.refresh_from_db()
    answer.refresh_from_db()
    assert redacted.description == reply.body == services.REDACTED_TEXT
    assert "hunter2" not in redacted.title
    assert answer.body == "Please change it"  # what the desk wrote stays
    lines = Event.objects.filter(kind=EventKind.REDACTED).order_by("id")
    assert [(e.field, e.comment, e.actor_user, e.actor_contact) for e in lines] == [
        ("description", None, None, None),
        ("comment", reply, None, None),
    ]
    assert not any("hunter2" in e.old_value + e.new_value + e.note for e in Event.objects.all())
