"""Deleted at the source (social.inbox.redact): the words go from every copy — the message,
its raw payload, the stored event, the incident's description or the comment made from it —
and the record that the message existed stays."""

import pytest

from social.inbox.redact import redact_message
from social.models import InboundEvent, MessageState, SocialMessage
from tickets import services as tickets

from .conftest import deliver, message, tweet

pytestmark = pytest.mark.django_db


def test_every_copy_of_an_opening_message_is_redacted_once():
    deliver(tweet("t1", "@desk my password is hunter2"))
    opening = message("t1")
    assert opening.state == MessageState.NEW_INCIDENT

    redact_message(opening)
    redact_message(opening)  # twice: nothing more happens

    opening = message("t1")
    assert (opening.text, opening.raw, opening.deleted) == ("", {"redacted": True}, True)
    event = InboundEvent.objects.get(dedup_key="t1")
    assert event.payload["text"] == "" and event.payload["raw"] == {"redacted": True}
    assert "hunter2" not in opening.incident.description
    assert opening.incident.description == tickets.REDACTED_TEXT
    assert SocialMessage.objects.filter(external_id="t1").exists()  # the record stays


def test_the_comment_made_from_a_reply_is_redacted():
    deliver(tweet("t1"), tweet("t2", "@desk my PIN is 1234", in_reply_to="t1"))
    reply = message("t2")
    redact_message(reply)
    reply.comment.refresh_from_db()
    assert "1234" not in reply.comment.body
