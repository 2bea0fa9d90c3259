"""Scoring happens in workers: on the social app's signal, once committed, and on a schedule
for what a lost task left behind."""

import pytest
from django.conf import settings

from feedback.models import SentimentScore
from feedback.tasks import score_messages, score_unscored
from servicedesk.celery import app
from social.signals import inbound_messages_stored
from tickets import services as tickets

from ..factories import IncidentFactory
from ..social.factories import InboundMessageFactory

pytestmark = pytest.mark.django_db


def test_stored_messages_are_scored_once_committed(django_capture_on_commit_callbacks):
    messages = [InboundMessageFactory(text="Nothing works, I am furious"), InboundMessageFactory(text="Thanks!")]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        inbound_messages_stored.send(sender=None, message_ids=[m.pk for m in messages])
    assert not SentimentScore.objects.exists()  # nothing before the commit
    assert len(callbacks) == 2  # scoring, and recording survey answers (none here)
    for callback in callbacks:
        callback()  # the commit: the tasks run (in-process in tests)
    labels = dict(SentimentScore.objects.values_list("message_id", "label"))
    assert labels == {messages[0].pk: "negative", messages[1].pk: "positive"}


def test_an_empty_signal_enqueues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        inbound_messages_stored.send(sender=None, message_ids=[])
    assert callbacks == []


def test_the_tasks_are_thin_and_idempotent():
    message = InboundMessageFactory(text="Lovely")
    assert score_messages.delay([message.pk]).get() == 1
    assert score_messages.delay([message.pk]).get() == 0
    InboundMessageFactory(text="Dreadful")
    assert score_unscored.delay().get() == 1


def test_the_sweep_is_scheduled_and_registered():
    entry = settings.CELERY_BEAT_SCHEDULE["score-unscored-messages"]
    assert entry["task"] == "feedback.tasks.score_unscored" == score_unscored.name
    app.loader.import_default_modules()
    assert {
        "feedback.tasks.score_unscored",
        "feedback.tasks.score_messages",
        "feedback.tasks.score_descriptions",
        "feedback.tasks.score_comments",
    } <= set(app.tasks)


def test_an_incident_opened_on_the_portal_is_scored_once_committed(django_capture_on_commit_callbacks, contact):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        incident = tickets.incident_create(
            reporter=contact, title="VPN", description="VPN down again, this is awful", channel="web", actor=None
        )
    assert not SentimentScore.objects.exists()
    for callback in callbacks:
        callback()
    assert SentimentScore.objects.get(source="description").incident == incident


def test_a_reporters_comment_is_scored_once_committed_and_an_update_enqueues_nothing(
    django_capture_on_commit_callbacks, contact
):
    incident = IncidentFactory(reporter=contact, description="")
    with django_capture_on_commit_callbacks(execute=True):
        comment = tickets.comment_create(
            incident=incident, author=contact, body="Thank you, all good now!", visibility="public"
        )
    assert SentimentScore.objects.get(comment=comment).label == "positive"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tickets.incident_update(incident=incident, actor=None, title="VPN down")
    assert not [c for c in callbacks if "score" in getattr(c, "__qualname__", "")]
