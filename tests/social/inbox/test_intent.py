"""Praise, thanks and chatter open no incident: intake keeps them as feedback (in the worker,
`social.judgement` asking intelligence.intent), and one click opens an incident from one."""

import pytest
from django.core.exceptions import ValidationError

from feedback.models import SentimentScore
from social import judgement
from social.inbox.feedback import feedback_open_incident
from social.models import Direction, MessageState, SocialMessage
from tickets import services as tickets
from tickets.models import Incident, IncidentStatus

from ...factories import CustomerFactory
from .conftest import deliver, fb, message, tweet

pytestmark = pytest.mark.django_db


def test_praise_opens_no_incident_and_is_kept_as_feedback():
    deliver(tweet("t1", "@desk great job fixing the email outage, thank you!"))

    assert not Incident.objects.exists()
    kept = message("t1")
    assert (kept.state, kept.intent, kept.incident) == (MessageState.FEEDBACK, "thanks", None)
    assert "thanks" in kept.state_reason
    assert not SocialMessage.objects.filter(direction=Direction.OUTBOUND).exists()  # nothing to acknowledge


def test_feedback_is_scored_like_every_message_so_it_counts_in_satisfaction(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(tweet("t1", "@desk you lot are brilliant, the new laptops are lovely"))
    score = SentimentScore.objects.get(message=message("t1"))
    assert score.label == "positive"


def test_a_complaint_and_a_question_open_incidents_with_their_intent():
    deliver(tweet("t1", "@desk my VPN drops every hour"), fb("2000_9", "How do I get onto the guest wifi"))

    assert Incident.objects.count() == 2
    assert (message("t1").state, message("t1").intent) == (MessageState.NEW_INCIDENT, "complaint")
    assert (message("2000_9").state, message("2000_9").intent) == (MessageState.NEW_INCIDENT, "question")


def test_a_reply_in_a_conversation_joins_its_incident_whatever_it_says():
    deliver(tweet("t1", "@desk my VPN drops every hour"))
    deliver(tweet("t2", "@desk thanks, you are brilliant", in_reply_to="t1", thread_key="t1"))

    reply = message("t2")
    assert (reply.state, reply.incident) == (MessageState.JOINED, message("t1").incident)
    assert reply.intent == ""  # not judged: it joins whatever it says
    assert Incident.objects.count() == 1


def test_a_reply_to_feedback_is_judged_on_its_own_words():
    deliver(tweet("t1", "@desk thank you all"))
    deliver(tweet("t2", "@desk actually my laptop still won't boot", in_reply_to="t1", thread_key="t1"))

    assert message("t1").state == MessageState.FEEDBACK
    assert message("t2").state == MessageState.NEW_INCIDENT


def test_thanks_after_a_closed_incident_is_feedback_on_it_not_a_follow_up(agent):
    deliver(tweet("t1", "@desk my VPN drops every hour"))
    incident = message("t1").incident
    tickets.incident_transition(incident=incident, to_status=IncidentStatus.RESOLVED, actor=agent, resolution="ok")
    tickets.incident_transition(
        incident=Incident.objects.get(pk=incident.pk), to_status=IncidentStatus.CLOSED, actor=agent
    )

    deliver(tweet("t2", "@desk cheers, all good now", in_reply_to="t1", thread_key="t1"))

    thanks = message("t2")
    assert (thanks.state, thanks.incident_id) == (MessageState.FEEDBACK, incident.pk)
    assert Incident.objects.count() == 1


def test_with_no_judge_registered_every_message_opens_an_incident_as_before():
    judgement.register_judge(None)
    try:
        deliver(tweet("t1", "@desk thank you all"))
    finally:
        from intelligence.intent.verdicts import verdict

        judgement.register_judge(verdict)
    assert message("t1").state == MessageState.NEW_INCIDENT


# --- one click: an incident from feedback --------------------------------------------------------


def test_an_agent_opens_an_incident_from_feedback_and_the_person_is_acknowledged(agent):
    deliver(tweet("t1", "@desk lovely work on the new printers"))
    kept = message("t1")

    incident = feedback_open_incident(message=kept, actor=agent)

    kept.refresh_from_db()
    assert (kept.state, kept.incident) == (MessageState.NEW_INCIDENT, incident)
    assert agent.username in kept.state_reason
    assert incident.title == "lovely work on the new printers"
    assert (incident.channel, incident.reporter) == ("twitter", kept.identity.contact)
    ack = SocialMessage.objects.get(direction=Direction.OUTBOUND)
    assert (ack.in_reply_to, ack.incident, ack.state) == ("t1", incident, MessageState.QUEUED)
    assert incident.number in ack.text


def test_a_second_click_opens_nothing_more(agent):
    deliver(tweet("t1", "@desk lovely work on the new printers"))
    feedback_open_incident(message=message("t1"), actor=agent)
    with pytest.raises(ValidationError, match="not feedback"):
        feedback_open_incident(message=message("t1"), actor=agent)
    assert Incident.objects.count() == 1


def test_only_agents_open_incidents_from_feedback():
    deliver(tweet("t1", "@desk lovely work on the new printers"))
    with pytest.raises(ValidationError, match="Only agents"):
        feedback_open_incident(message=message("t1"), actor=CustomerFactory())
    assert message("t1").state == MessageState.FEEDBACK
