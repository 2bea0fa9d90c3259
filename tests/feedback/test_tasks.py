"""Scoring happens in workers: on the social app's signal, once committed, and on a schedule
for what a lost task left behind."""

import pytest
from django.conf import settings

from feedback.models import SentimentScore
from feedback.tasks import score_messages, score_unscored
from servicedesk.celery import app
from social.signals import inbound_messages_stored

from ..social.factories import InboundMessageFactory

pytestmark = pytest.mark.django_db


def test_stored_messages_are_scored_once_committed(django_capture_on_commit_callbacks):
    messages = [InboundMessageFactory(text="Nothing works, I am furious"), InboundMessageFactory(text="Thanks!")]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        inbound_messages_stored.send(sender=None, message_ids=[m.pk for m in messages])
    assert not SentimentScore.objects.exists()  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the task runs (in-process in tests)
    scores = dict(SentimentScore.objects.values_list("message_id", "compound"))
    assert scores[messages[0].pk] < 0 < scores[messages[1].pk]


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
    assert {"feedback.tasks.score_unscored", "feedback.tasks.score_messages"} <= set(app.tasks)
