"""Inbound events → incidents: the threading rules, one test each, and what a batch promises
(the same event twice, or processed twice, makes one incident)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from social.events import Action, Kind, ParsedEvent
from social.inbox import batch
from social.inbox.store import inbound_store
from social.models import (
    AcknowledgementTemplate,
    Direction,
    InboundEvent,
    InboundState,
    MessageState,
    SocialIdentity,
    SocialMessage,
)
from tickets import services as tickets
from tickets.models import Comment, Event, EventKind, Incident, IncidentStatus

from .conftest import DESK, PAGE, deliver, drain, fb, message, tweet

pytestmark = pytest.mark.django_db


# --- new incidents ------------------------------------------------------------------------


def test_a_mention_opens_an_incident_acknowledged_with_its_number():
    deliver(tweet("t1", "@desk @it_team   my VPN drops every 5 minutes since this morning"))

    incident = Incident.objects.get()
    assert incident.channel == "twitter"
    assert incident.title == "my VPN drops every 5 minutes since this morning"
    assert incident.description.startswith("@desk @it_team")
    assert "https://x.com/jess/status/t1" in incident.description
    identity = SocialIdentity.objects.get()
    assert (identity.external_id, identity.handle, identity.display_name) == ("42", "@jess", "Jess")
    assert incident.reporter == identity.contact
    inbound = message("t1")
    assert (inbound.state, inbound.incident) == (MessageState.NEW_INCIDENT, incident)
    ack = SocialMessage.objects.get(direction=Direction.OUTBOUND)
    assert ack.kind == Kind.REPLY and ack.in_reply_to == "t1" and ack.incident == incident
    assert incident.number in ack.text
    assert ack.state == MessageState.QUEUED


def test_the_acknowledgement_posts_a_double_brace_as_one(accounts):
    AcknowledgementTemplate.objects.filter(channel="twitter").update(text="{{{number}}} {name}: on it {{}}")
    deliver(tweet("t1"))
    ack = SocialMessage.objects.get(direction=Direction.OUTBOUND)
    assert ack.text == f"{{{Incident.objects.get().number}}} Jess: on it {{}}"


def test_a_long_text_makes_a_title_cut_at_a_word():
    title = batch.title_from("@desk " + "word " * 40, fallback="x")
    assert len(title) <= 81 and title.endswith("…") and "@desk" not in title
    assert batch.title_from("@desk", fallback="Message from Jess on X") == "Message from Jess on X"


def test_a_title_drops_leading_handles_of_every_form():
    assert batch.title_from("@desk @it_team printer jammed", fallback="x") == "printer jammed"
    assert batch.title_from("@desk.bsky.social wifi down", fallback="x") == "wifi down"
    assert batch.title_from("@desk@mastodon.example @ana@localhost:3000 VPN drops", fallback="x") == "VPN drops"
    assert batch.title_from("@desk, the VPN", fallback="x") == ", the VPN"  # as before: only handles go


def test_a_direct_message_opens_an_incident_answered_by_direct_message():
    deliver(tweet("dm1", "hi, my laptop won't boot", kind=Kind.DM, thread_key="dm:42-1000", url=""))
    assert Incident.objects.get().title == "hi, my laptop won't boot"
    assert SocialMessage.objects.get(direction=Direction.OUTBOUND).kind == Kind.DM


def test_a_visitor_post_on_the_page_opens_an_incident_answered_by_a_comment():
    deliver(fb("2000_1"))
    assert Incident.objects.get().channel == "facebook"
    assert SocialMessage.objects.get(direction=Direction.OUTBOUND).kind == Kind.COMMENT


def test_a_visitor_top_level_comment_on_the_page_own_post_opens_an_incident():
    deliver(fb("2000_9", "Planned maintenance tonight", author=PAGE))
    assert not Incident.objects.exists()
    assert message("2000_9").state == MessageState.RECORDED

    deliver(fb("2000_9_c1", "Printing fails since the maintenance", kind=Kind.COMMENT, in_reply_to="2000_9"))
    deliver(fb("2000_9_c2", "Email too", kind=Kind.COMMENT, author="78", in_reply_to="2000_9"))

    # Two different visitors under the page's post: two incidents, not one.
    assert Incident.objects.count() == 2


def test_a_messenger_message_opens_an_incident():
    deliver(fb("m_1", "Can't log in to the portal", kind=Kind.MESSENGER, thread_key="messenger:77"))
    assert SocialMessage.objects.get(direction=Direction.OUTBOUND).kind == Kind.MESSENGER


# --- replies join their incident -------------------------------------------------------------


def test_a_reply_to_a_message_of_an_incident_becomes_a_public_comment():
    deliver(tweet("t1"))
    deliver(tweet("t2", "@desk still broken", in_reply_to="t1", thread_key="t1"))

    incident = Incident.objects.get()
    comment = Comment.objects.get(incident=incident)
    assert comment.body == "@desk still broken" and comment.is_public
    assert comment.author_contact == incident.reporter
    reply = message("t2")
    assert (reply.state, reply.incident, reply.comment) == (MessageState.JOINED, incident, comment)


def test_a_reply_to_the_desk_answer_joins_the_incident():
    deliver(tweet("t1"))
    ack = SocialMessage.objects.get(direction=Direction.OUTBOUND)
    ack.external_id, ack.state = "t_ack", MessageState.SENT
    ack.save()

    deliver(tweet("t3", "@desk thanks, it works now", in_reply_to="t_ack", thread_key="t1"))

    assert Incident.objects.count() == 1
    assert message("t3").state == MessageState.JOINED


def test_the_same_x_conversation_joins_the_incident_when_the_answered_tweet_is_unknown():
    deliver(tweet("t1"))
    deliver(tweet("t4", "@desk more details", in_reply_to="unknown-tweet", thread_key="t1"))
    assert Incident.objects.count() == 1
    assert message("t4").incident == Incident.objects.get()


def test_the_same_dm_conversation_joins_the_incident():
    deliver(tweet("dm1", "laptop won't boot", kind=Kind.DM, thread_key="dm:42-1000"))
    deliver(tweet("dm2", "it beeps three times", kind=Kind.DM, thread_key="dm:42-1000"))
    assert Incident.objects.count() == 1
    assert Comment.objects.get().body == "it beeps three times"


def test_a_comment_under_a_post_of_an_incident_joins_it():
    deliver(fb("2000_1"))
    deliver(fb("2000_1_c1", "Still down at noon", kind=Kind.COMMENT, in_reply_to="2000_1"))
    deliver(fb("2000_1_c2", "Same here", kind=Kind.COMMENT, author="78", in_reply_to="2000_1_c1"))
    assert Incident.objects.count() == 1
    assert Comment.objects.count() == 2


def test_the_same_messenger_thread_joins_the_incident():
    deliver(fb("m_1", "Can't log in", kind=Kind.MESSENGER, thread_key="messenger:77"))
    deliver(fb("m_2", "Error 403", kind=Kind.MESSENGER, thread_key="messenger:77"))
    assert Incident.objects.count() == 1


def test_a_reply_on_a_resolved_incident_within_the_window_reopens_it(agent):
    deliver(tweet("t1"))
    incident = Incident.objects.get()
    tickets.incident_transition(incident=incident, to_status=IncidentStatus.RESOLVED, actor=agent, resolution="Fixed")

    deliver(tweet("t2", "@desk it is broken again", in_reply_to="t1"))

    incident.refresh_from_db()
    assert incident.status == IncidentStatus.IN_PROGRESS
    assert message("t2").comment.body == "@desk it is broken again"
    assert Incident.objects.count() == 1


def test_a_reply_on_a_resolved_incident_after_the_window_opens_a_follow_up(agent, settings):
    deliver(tweet("t1"))
    incident = Incident.objects.get()
    tickets.incident_transition(incident=incident, to_status=IncidentStatus.RESOLVED, actor=agent, resolution="Fixed")
    Incident.objects.filter(pk=incident.pk).update(resolved_at=timezone.now() - timedelta(days=30))

    deliver(tweet("t2", "@desk broken again", in_reply_to="t1"))

    follow_up = Incident.objects.exclude(pk=incident.pk).get()
    assert follow_up.follow_up_of == incident
    assert message("t2").state == MessageState.NEW_INCIDENT


def test_a_reply_on_a_closed_incident_opens_a_new_one_linked_to_it(agent):
    deliver(tweet("t1"))
    incident = Incident.objects.get()
    tickets.incident_transition(incident=incident, to_status=IncidentStatus.RESOLVED, actor=agent, resolution="Fixed")
    tickets.incident_transition(incident=incident, to_status=IncidentStatus.CLOSED, actor=agent)

    deliver(tweet("t2", "@desk new trouble", in_reply_to="t1"))

    follow_up = Incident.objects.get(follow_up_of=incident)
    assert follow_up.status == IncidentStatus.NEW
    assert SocialMessage.objects.filter(direction=Direction.OUTBOUND, incident=follow_up).exists()


def test_a_reply_in_the_same_batch_as_its_parent_joins_the_incident_opened_by_it():
    # Delivered together, and in the wrong order: the parent is handled first.
    deliver(tweet("t2", "@desk adding a screenshot", in_reply_to="t1"), tweet("t1"))
    assert Incident.objects.count() == 1
    assert message("t2").incident == Incident.objects.get()


def test_a_reply_waits_for_its_parent_still_in_the_inbox():
    inbound_store(events=[tweet("t1")])
    InboundEvent.objects.update(next_attempt_at=timezone.now() + timedelta(minutes=5))  # parent delayed
    inbound_store(events=[tweet("t2", "@desk more", in_reply_to="t1")])
    drain()
    assert not Incident.objects.exists()  # the reply did not open an incident of its own

    InboundEvent.objects.update(next_attempt_at=timezone.now())
    drain()
    assert Incident.objects.count() == 1
    assert message("t2").state == MessageState.JOINED


# --- what opens nothing -----------------------------------------------------------------------


def test_the_desk_own_tweets_are_recorded_and_open_nothing():
    deliver(tweet("t9", "Planned maintenance tonight", author=DESK, handle="@desk"))
    assert not Incident.objects.exists()
    assert message("t9").state == MessageState.RECORDED


def test_retweets_and_likes_open_nothing():
    deliver(
        ParsedEvent(
            channel="twitter", account_id=DESK, external_id="rt1", action=Action.IGNORE, ignore_reason="retweet"
        ),
        ParsedEvent(
            channel="facebook", account_id=PAGE, external_id="like1", action=Action.IGNORE, ignore_reason="like"
        ),
    )
    assert not Incident.objects.exists()
    reasons = set(SocialMessage.objects.values_list("state", "state_reason"))
    assert reasons == {(MessageState.IGNORED, "retweet"), (MessageState.IGNORED, "like")}


def test_events_for_an_account_that_is_not_configured_are_stored_and_ignored():
    deliver(ParsedEvent(**{**tweet("t1").__dict__, "account_id": "999"}))
    assert not Incident.objects.exists()
    assert SocialMessage.objects.get().state_reason == "Not a configured account (999)."
    assert InboundEvent.objects.get().state == InboundState.DONE


# --- edits and deletions at the source -----------------------------------------------------------


def test_an_edit_at_the_source_updates_the_copies_with_an_audit_line():
    deliver(fb("2000_1"))
    deliver(fb("2000_1_c1", "Still down", kind=Kind.COMMENT, in_reply_to="2000_1"))
    deliver(fb("2000_1", "The wifi in building B AND C is down", action=Action.EDIT))
    deliver(fb("2000_1_c1", "Still down at 3pm", kind=Kind.COMMENT, action=Action.EDIT, in_reply_to="2000_1"))

    incident = Incident.objects.get()
    assert incident.description == "The wifi in building B AND C is down"
    assert Comment.objects.get().body == "Still down at 3pm"
    assert message("2000_1").edited_at is not None
    edits = Event.objects.filter(kind=EventKind.SOURCE_EDIT)
    assert {e.field for e in edits} == {"description", "comment"}


def test_a_deletion_at_the_source_redacts_every_copy_and_keeps_the_record():
    deliver(tweet("t1", "@desk my password is hunter2"))
    deliver(tweet("t2", "@desk and my PIN is 1234", in_reply_to="t1"))
    deliver(ParsedEvent(channel="twitter", account_id=DESK, external_id="t1", action=Action.DELETE))
    deliver(ParsedEvent(channel="twitter", account_id=DESK, external_id="t2", action=Action.DELETE))

    incident = Incident.objects.get()
    assert "hunter2" not in incident.description + incident.title
    assert "1234" not in Comment.objects.get().body
    for external_id in ("t1", "t2"):
        redacted = message(external_id)
        assert redacted.deleted and redacted.text == "" and "hunter2" not in str(redacted.raw)
        assert "hunter2" not in str(redacted.inbound_event.payload)
    assert Event.objects.filter(kind=EventKind.REDACTED).count() == 2
    # The desk's own answer stays: public bodies keep a record of what they said.
    assert SocialMessage.objects.get(direction=Direction.OUTBOUND).text


def test_a_deletion_that_overtakes_its_message_leaves_a_tombstone():
    deliver(ParsedEvent(channel="twitter", account_id=DESK, external_id="t1", action=Action.DELETE))
    deliver(tweet("t1", "@desk something I regret"))
    assert not Incident.objects.exists()
    assert message("t1").deleted


# --- idempotent ------------------------------------------------------------------------------


def test_the_same_event_twice_makes_one_incident():
    deliver(tweet("t1"))
    assert deliver(tweet("t1")) == []  # redelivered: stored once
    assert Incident.objects.count() == 1 and InboundEvent.objects.count() == 1


def test_processing_twice_makes_one_incident():
    inbound_store(events=[tweet("t1")])
    drain()
    InboundEvent.objects.update(state=InboundState.PENDING)  # as if the task ran again after a crash
    drain()
    assert Incident.objects.count() == 1
    assert SocialMessage.objects.filter(direction=Direction.OUTBOUND).count() == 1
