"""Rescoring history when the model changes (feedback.services.sentiment_rescore_batch):
in place, batch by batch, resumable, idempotent."""

import pytest
from django.utils import timezone

from feedback.models import SentimentScore
from feedback.sentiment import model_version
from feedback.services import sentiment_rescore_batch, stale_scores
from tickets import services as tickets

from ..factories import IncidentFactory
from ..social.factories import InboundMessageFactory

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.now().replace(year=2024)


def old_score(*, message=None, comment=None, incident=None, source="message", compound=0.5) -> SentimentScore:
    """A score stored by VADER before the model (as the migration labelled them)."""
    return SentimentScore.objects.create(
        source=source,
        message=message,
        comment=comment,
        incident=incident,
        score=compound,
        label="positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral",
        model_version="vader-3.3.2",
        compound=compound,
        positive=0.5,
        neutral=0.5,
        negative=0.0,
        scored_at=LONG_AGO,
        channel="twitter",
        created_at=LONG_AGO,
    )


def test_stale_scores_of_every_source_are_rescored_in_place():
    # VADER read these polite complaints as positive.
    message = InboundMessageFactory(text="Thanks... still broken after 3 days, useless and awful")
    incident = IncidentFactory(description="I hate this, the printer is broken again and nobody cares")
    comment = tickets.comment_create(
        incident=incident, author=incident.reporter, body="still broken, awful", visibility="public"
    )
    rows = [
        old_score(message=message),
        old_score(incident=incident, source="description"),
        old_score(comment=comment, incident=incident, source="comment"),
    ]
    batch = sentiment_rescore_batch(after_id=0, batch_size=10)
    assert (batch.read, batch.rescored, batch.skipped, batch.done, batch.last_id) == (3, 3, 0, True, rows[-1].pk)
    for row in rows:
        row.refresh_from_db()
        assert (row.label, row.model_version) == ("negative", model_version())
        assert row.score < 0 and row.compound != 0.5
        assert row.scored_at > LONG_AGO  # the dashboards' rollups recount its day
        assert row.created_at == LONG_AGO  # when it was written does not change
    assert not stale_scores().exists()
    assert sentiment_rescore_batch(after_id=0).read == 0  # idempotent: nothing stale is left


def test_batches_resume_after_the_last_id_and_read_each_row_once(django_assert_num_queries):
    rows = [old_score(message=InboundMessageFactory(text=f"still down, day {n}")) for n in range(5)]
    with django_assert_num_queries(4):  # begin… read and lock the batch, one bulk update; savepoint pair
        first = sentiment_rescore_batch(after_id=0, batch_size=2)
    assert (first.read, first.last_id, first.done) == (2, rows[1].pk, False)
    second = sentiment_rescore_batch(after_id=first.last_id, batch_size=2)
    third = sentiment_rescore_batch(after_id=second.last_id, batch_size=2)
    assert (second.read, third.read, third.done) == (2, 1, True)
    assert set(SentimentScore.objects.values_list("model_version", flat=True)) == {model_version()}


def test_a_message_deleted_at_the_source_keeps_its_score():
    message = InboundMessageFactory(text="", deleted=True)
    row = old_score(message=message, compound=-0.7)
    batch = sentiment_rescore_batch()
    assert (batch.read, batch.rescored, batch.skipped) == (1, 0, 1)
    row.refresh_from_db()
    assert (row.model_version, row.score) == ("vader-3.3.2", -0.7)


def test_a_score_of_the_current_model_is_not_touched():
    message = InboundMessageFactory(text="fine")
    from feedback.services import sentiment_score_messages

    sentiment_score_messages(message_ids=[message.pk])
    before = SentimentScore.objects.get(message=message)
    assert sentiment_rescore_batch().read == 0
    assert SentimentScore.objects.get(message=message).scored_at == before.scored_at
