"""Scoring messages (feedback.services): inbound words only, once each, in bulk."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback import services
from feedback.models import SentimentScore
from feedback.services import sentiment_score_messages, sentiment_score_unscored
from tickets.models import Channel

from ..factories import IncidentFactory
from ..social.factories import InboundMessageFactory, SocialMessageFactory

pytestmark = pytest.mark.django_db


def test_a_message_is_scored_with_its_channel_incident_and_time(contact):
    incident = IncidentFactory(reporter=contact, channel=Channel.FACEBOOK)
    message = InboundMessageFactory(channel="facebook", incident=incident, text="Thank you, it works perfectly now!")
    assert sentiment_score_messages(message_ids=[message.pk]) == 1
    stored = SentimentScore.objects.get(message=message)
    assert stored.compound > 0.5
    assert (stored.channel, stored.incident, stored.created_at) == ("facebook", incident, message.created_at)
    assert stored.positive + stored.neutral + stored.negative == pytest.approx(1, abs=0.01)
    assert message.__class__.objects.get(pk=message.pk).sentiment == stored  # the reverse one-to-one


def test_scoring_twice_stores_one_score():
    message = InboundMessageFactory(text="Broken again.")
    assert sentiment_score_messages(message_ids=[message.pk, message.pk]) == 1
    assert sentiment_score_messages(message_ids=[message.pk]) == 0
    assert SentimentScore.objects.filter(message=message).count() == 1


def test_outbound_deleted_and_wordless_messages_are_skipped():
    outbound = SocialMessageFactory(direction="outbound", text="Sorry to hear that, we are on it.")
    deleted = InboundMessageFactory(deleted=True, text="")
    deleted_with_text = InboundMessageFactory(deleted=True, text="Awful")
    empty = InboundMessageFactory(text="")
    kept = InboundMessageFactory(text="@desk https://t.co/x")  # words of nobody, but a message: neutral
    ids = [outbound.pk, deleted.pk, deleted_with_text.pk, empty.pk, kept.pk, 999999]
    assert sentiment_score_messages(message_ids=ids) == 1
    assert list(SentimentScore.objects.values_list("message_id", "compound")) == [(kept.pk, 0.0)]


def test_a_batch_is_two_queries(django_assert_num_queries):
    messages = [InboundMessageFactory(text=f"Still broken after {n} days, terrible") for n in range(30)]
    with django_assert_num_queries(2):  # read the batch, insert the scores
        assert sentiment_score_messages(message_ids=[m.pk for m in messages]) == 30
    assert sentiment_score_messages(message_ids=[]) == 0


def test_a_score_another_worker_stored_meanwhile_is_kept_and_no_error(monkeypatch):
    message = InboundMessageFactory(text="Great")

    def score_while_another_worker_stores_first(text):
        # Between this worker's read and its insert, another one stores its score.
        SentimentScore.objects.create(
            message=message,
            compound=0.123,
            positive=1,
            neutral=0,
            negative=0,
            scored_at=timezone.now(),
            channel=message.channel,
            created_at=message.created_at,
        )
        return real_score(text)

    real_score = services.score
    monkeypatch.setattr(services, "score", score_while_another_worker_stores_first)
    sentiment_score_messages(message_ids=[message.pk])
    assert list(SentimentScore.objects.values_list("message_id", "compound")) == [(message.pk, 0.123)]


def test_the_sweep_scores_what_was_left_unscored_recently():
    recent = [InboundMessageFactory(text=f"bad {n}") for n in range(5)]
    old = InboundMessageFactory(text="old and bad", created_at=timezone.now() - timedelta(days=30))
    SocialMessageFactory(direction="outbound", text="our answer")
    sentiment_score_messages(message_ids=[recent[0].pk])
    assert sentiment_score_unscored(batch_size=2) == 4
    assert set(SentimentScore.objects.values_list("message_id", flat=True)) == {m.pk for m in recent}
    assert not SentimentScore.objects.filter(message=old).exists()
    assert sentiment_score_unscored() == 0
