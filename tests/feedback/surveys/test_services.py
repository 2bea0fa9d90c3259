"""Surveys (feedback.surveys.services): who is asked where and when, asked once, and answers."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from feedback.surveys.models import Survey, SurveyAnswer, SurveySettings, SurveyState
from feedback.surveys.services import (
    sampled,
    survey_answer_record,
    surveys_schedule,
    surveys_send_due,
)
from social.models import Direction, SocialMessage
from tickets import services as tickets
from tickets.models import Channel, IncidentStatus

from ...factories import AgentFactory, ContactFactory, IncidentFactory
from ...social.factories import InboundMessageFactory

pytestmark = pytest.mark.django_db


def resolve(incident, *, ago=timedelta(hours=2)):
    agent = AgentFactory()
    tickets.incident_transition(incident=incident, to_status=IncidentStatus.RESOLVED, actor=agent, resolution="Fixed")
    incident.__class__.objects.filter(pk=incident.pk).update(resolved_at=timezone.now() - ago)
    incident.refresh_from_db()
    return incident


def test_a_portal_incident_is_asked_on_the_portal_and_by_email_once(django_capture_on_commit_callbacks):
    reporter = ContactFactory(email="jess@example.org")
    incident = resolve(IncidentFactory(reporter=reporter, channel=Channel.WEB))
    assert surveys_schedule() == 2
    assert surveys_schedule() == 0  # never twice
    with django_capture_on_commit_callbacks(execute=True):
        outcome = surveys_send_due()
    assert (outcome.sent, outcome.skipped) == (2, 0)
    surveys = {s.medium: s for s in Survey.objects.filter(incident=incident)}
    assert set(surveys) == {"portal", "email"}
    assert all(s.state == SurveyState.SENT and s.question.startswith("How did we do on INC") for s in surveys.values())
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jess@example.org"]
    assert incident.number in mail.outbox[0].subject
    assert surveys_send_due().sent == 0


def test_no_email_survey_without_an_address_and_the_delay_is_waited():
    incident = resolve(IncidentFactory(reporter=ContactFactory(email=""), channel=Channel.API), ago=timedelta(0))
    SurveySettings.objects.create(medium="portal", delay_minutes=30)
    assert surveys_schedule() == 1
    assert surveys_send_due().sent == 0  # resolved just now: 30 minutes to wait
    assert surveys_send_due(now=timezone.now() + timedelta(minutes=31)).sent == 1
    assert Survey.objects.get(incident=incident).medium == "portal"


def test_a_medium_turned_off_or_sampled_out_is_skipped_with_the_reason():
    SurveySettings.objects.create(medium="portal", enabled=False)
    off = resolve(IncidentFactory(channel=Channel.WEB, reporter=ContactFactory(email="")))
    surveys_schedule()
    assert Survey.objects.get(incident=off).skip_reason == "Surveys are off on portal."
    SurveySettings.objects.filter(medium="portal").update(enabled=True, sample_percent=50)
    incidents = [resolve(IncidentFactory(channel=Channel.WEB, reporter=ContactFactory(email=""))) for _ in range(20)]
    surveys_schedule()
    for incident in incidents:
        survey = Survey.objects.get(incident=incident)
        assert (survey.state == SurveyState.SKIPPED) == (not sampled(incident, 50))
    share = sum(sampled(i, 50) for i in incidents) / len(incidents)
    assert 0.2 <= share <= 0.8


def test_a_social_incident_is_asked_where_the_person_wrote_through_the_outbox(
    contact, django_capture_on_commit_callbacks
):
    incident = IncidentFactory(reporter=contact, channel=Channel.TWITTER)
    tweet = InboundMessageFactory(incident=incident, channel="twitter", text="VPN down")
    resolve(incident)
    surveys_schedule()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert surveys_send_due().sent == 1
    survey = Survey.objects.get(incident=incident)
    question = survey.message
    assert (question.direction, question.state, question.in_reply_to) == (
        Direction.OUTBOUND,
        "queued",
        tweet.external_id,
    )
    assert question.text == survey.question and question.identity == tweet.identity
    assert callbacks  # the outbox's sending task, once committed
    assert SocialMessage.objects.filter(direction=Direction.OUTBOUND).count() == 1
    assert surveys_send_due().sent == 0


def test_messenger_only_within_24_hours_of_the_persons_last_message(contact):
    late = IncidentFactory(reporter=contact, channel=Channel.FACEBOOK)
    InboundMessageFactory(
        incident=late, channel="facebook", kind="messenger", created_at=timezone.now() - timedelta(hours=30)
    )
    recent = IncidentFactory(reporter=contact, channel=Channel.FACEBOOK)
    InboundMessageFactory(
        incident=recent, channel="facebook", kind="messenger", created_at=timezone.now() - timedelta(hours=3)
    )
    resolve(late)
    resolve(recent)
    surveys_schedule()
    assert (surveys_send_due().sent, Survey.objects.get(incident=recent).state) == (1, SurveyState.SENT)
    skipped = Survey.objects.get(incident=late)
    assert skipped.state == SurveyState.SKIPPED and "within 24 hours" in skipped.skip_reason
    assert skipped.message is None


def test_a_reopened_incident_is_not_asked():
    incident = resolve(IncidentFactory(channel=Channel.WEB, reporter=ContactFactory(email="")))
    surveys_schedule()
    tickets.incident_reopen_by_reporter(incident=incident, actor=incident.reporter, note="back again")
    assert surveys_send_due().skipped == 1
    assert "reopened" in Survey.objects.get(incident=incident).skip_reason


# --- answers ---------------------------------------------------------------------------------


@pytest.fixture
def sent_survey():
    incident = resolve(IncidentFactory(channel=Channel.WEB, reporter=ContactFactory(email="")))
    surveys_schedule()
    surveys_send_due()
    return Survey.objects.get(incident=incident)


def test_a_rating_is_stored_once_and_a_later_answer_replaces_it_with_an_audit_line(sent_survey):
    survey_answer_record(survey=sent_survey, text="2 - slow")
    outcome = survey_answer_record(survey=sent_survey, text="⭐⭐⭐⭐ actually fine")
    survey = Survey.objects.get(pk=sent_survey.pk)
    assert (survey.rating, survey.good, survey.comment) == (4, True, "actually fine")
    answers = list(SurveyAnswer.objects.filter(survey=survey).values_list("text", "rating", "replaced_rating"))
    assert answers == [("2 - slow", 2, None), ("⭐⭐⭐⭐ actually fine", 4, 2)]
    assert not outcome.reopened
    assert survey.incident.status == IncidentStatus.RESOLVED  # an answer is no reopen


def test_words_without_a_score_are_a_comment_with_their_sentiment(sent_survey):
    survey_answer_record(survey=sent_survey, text="5")
    survey_answer_record(survey=sent_survey, text="This is the worst service ever, nothing works")
    survey = Survey.objects.get(pk=sent_survey.pk)
    assert (survey.rating, survey.comment_label) == (5, "negative")  # the rating stays
    assert survey.comment_score < 0


def test_an_answer_that_says_the_problem_is_back_reopens_by_the_reopen_rules(sent_survey):
    outcome = survey_answer_record(survey=sent_survey, text="1, the problem is back")
    assert outcome.reopened and outcome.survey.rating == 1
    sent_survey.incident.refresh_from_db()
    assert sent_survey.incident.status == IncidentStatus.IN_PROGRESS


def test_past_the_reopen_window_it_does_not_reopen_and_says_why(sent_survey, settings):
    sent_survey.incident.__class__.objects.filter(pk=sent_survey.incident_id).update(
        resolved_at=timezone.now() - timedelta(days=settings.INCIDENT_REOPEN_DAYS + 1)
    )
    outcome = survey_answer_record(survey=sent_survey, text="it's back")
    assert not outcome.reopened and "raise a new one" in outcome.reopen_refused


def test_a_portal_choice_and_the_answer_window(sent_survey):
    assert survey_answer_record(survey=sent_survey, rating=3).survey.rating == 3
    with pytest.raises(ValidationError):
        survey_answer_record(survey=sent_survey, rating=6)
    with pytest.raises(ValidationError, match="closed"):
        survey_answer_record(survey=sent_survey, text="5", now=sent_survey.expires_at + timedelta(seconds=1))


def test_the_periodic_task_schedules_and_sends(settings):
    from feedback.tasks import schedule_and_send_surveys

    assert settings.CELERY_BEAT_SCHEDULE["schedule-and-send-surveys"]["task"] == schedule_and_send_surveys.name
    resolve(IncidentFactory(channel=Channel.WEB, reporter=ContactFactory(email="")))
    assert schedule_and_send_surveys.delay().get() == "1 scheduled, 1 sent, 0 skipped"
    assert schedule_and_send_surveys.delay().get() == "0 scheduled, 0 sent, 0 skipped"
