"""A survey answered on X: social intake hands the reply to the survey instead of the reopen
rules, and feedback records it once committed."""

from datetime import timedelta

import pytest

from feedback.surveys.models import Survey, SurveyAnswer
from feedback.surveys.services import SURVEY_ANSWER_REASON, surveys_schedule, surveys_send_due
from social.models import MessageState, SocialMessage
from tickets import services as tickets
from tickets.models import Incident, IncidentStatus

from ...social.inbox.conftest import accounts, deliver, message, tweet  # noqa: F401 (accounts: a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(agent, django_capture_on_commit_callbacks):
    """A tweeted incident, resolved, whose survey question went out as tweet q1."""
    with django_capture_on_commit_callbacks(execute=True):
        deliver(tweet("t1"))
    incident = Incident.objects.get()
    tickets.incident_transition(incident=incident, to_status=IncidentStatus.RESOLVED, actor=agent, resolution="Fixed")
    incident.refresh_from_db()
    surveys_schedule()
    surveys_send_due(now=incident.resolved_at + timedelta(hours=2))
    survey = Survey.objects.get(incident=incident)
    SocialMessage.objects.filter(pk=survey.message_id).update(external_id="q1", state=MessageState.SENT)
    return survey


def test_a_reply_to_the_survey_is_an_answer_not_a_reopen(asked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(tweet("t2", "@desk 4 - thanks", in_reply_to="q1"))
    reply = message("t2")
    assert (reply.state, reply.state_reason, reply.incident) == (
        MessageState.RECORDED,
        SURVEY_ANSWER_REASON,
        asked.incident,
    )
    asked.refresh_from_db()
    assert (asked.rating, asked.comment) == (4, "thanks")
    assert SurveyAnswer.objects.get(survey=asked).message == reply
    asked.incident.refresh_from_db()
    assert asked.incident.status == IncidentStatus.RESOLVED
    assert Incident.objects.count() == 1


def test_a_reply_that_says_the_problem_is_back_follows_the_reopen_rules(asked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(tweet("t2", "@desk it is broken again", in_reply_to="q1"))
    asked.incident.refresh_from_db()
    assert asked.incident.status == IncidentStatus.IN_PROGRESS
    assert message("t2").state == MessageState.JOINED
    assert not SurveyAnswer.objects.exists()


def test_a_score_that_says_the_problem_is_back_is_a_rating_and_a_reopen(asked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(tweet("t2", "@desk 1, it's broken again", in_reply_to="q1"))
    reply = message("t2")
    asked.incident.refresh_from_db()
    assert asked.incident.status == IncidentStatus.IN_PROGRESS  # the reopen rules applied
    assert (reply.state, reply.incident) == (MessageState.JOINED, asked.incident)
    asked.refresh_from_db()
    assert (asked.rating, asked.comment) == (1, "it's broken again")
    answer = SurveyAnswer.objects.get(survey=asked)
    assert (answer.message, answer.rating, answer.reopened) == (reply, 1, True)
    # The recording task run again records nothing twice.
    from feedback.surveys.services import survey_answers_record_from_messages

    assert survey_answers_record_from_messages(message_ids=[reply.pk]) == 0
    assert Incident.objects.count() == 1
