"""The same limits as pages and the API (issue 10, item 8): a social message of any length
opens an incident whose description is cut at 20,000 characters (comments at 10,000), saying
so; the message itself keeps the whole text."""

import pytest

from social.events import Action
from tickets.models import Comment, Incident

from .conftest import deliver, message, tweet

pytestmark = pytest.mark.django_db

LONG = "The VPN drops. " * 7000  # 105,000 characters, as the probe sent


def test_a_long_message_opens_an_incident_with_the_description_cut_and_keeps_its_text():
    deliver(tweet("t1", "@desk " + LONG))
    stored = message("t1")
    assert stored.text.strip() == ("@desk " + LONG).strip()  # all of it
    description = stored.incident.description
    assert len(description) <= Incident._meta.get_field("description").max_length == 20_000
    assert description.startswith("@desk The VPN drops.")
    assert description.endswith("[… cut at 20,000 characters]")


def test_a_long_reply_becomes_a_comment_cut_at_its_limit():
    deliver(tweet("t1"))
    deliver(tweet("t2", "@desk " + LONG, in_reply_to="t1"))
    comment = message("t2").comment
    assert len(comment.body) <= Comment._meta.get_field("body").max_length == 10_000
    assert comment.body.endswith("[… cut at 10,000 characters]")
    assert len(message("t2").text) > 100_000


def test_an_edit_that_makes_it_long_is_cut_too():
    deliver(tweet("t1"))
    deliver(tweet("t1", "@desk " + LONG, action=Action.EDIT))
    incident = message("t1").incident
    incident.refresh_from_db()
    assert len(incident.description) <= 20_000 and incident.description.endswith("[… cut at 20,000 characters]")


def test_a_description_within_the_limit_is_kept_whole():
    text = "@desk " + "x" * 19_000
    deliver(tweet("t1", text))
    assert message("t1").incident.description.startswith(text)
