"""Writes of the feedback app: sentiment scores of inbound social messages."""

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from social.models import Direction, SocialMessage

from .models import SentimentScore
from .sentiment import clean_for_scoring, score

# The sweep looks this far back for messages a lost task left unscored: new messages are
# scored as they arrive, so an older gap is not worth reading the whole table every run.
SWEEP_WINDOW = timedelta(days=7)
SWEEP_BATCH = 500


def scorable_messages() -> QuerySet[SocialMessage]:
    """Inbound messages with words, not deleted at the source, and not scored yet. The
    desk's own answers say nothing about how people feel."""
    return SocialMessage.objects.filter(direction=Direction.INBOUND, deleted=False, sentiment__isnull=True).exclude(
        text=""
    )


def sentiment_score_messages(*, message_ids: Iterable[int]) -> int:
    """Score the messages of `message_ids` that are scorable; return how many were scored.

    Idempotent: scored messages are skipped, and the one-to-one key drops a score another
    worker stored meanwhile (ON CONFLICT DO NOTHING)."""
    ids = list(dict.fromkeys(message_ids))
    if not ids:
        return 0
    messages = scorable_messages().filter(pk__in=ids).only("id", "text", "channel", "incident_id", "created_at")
    now = timezone.now()
    scores = [
        SentimentScore(
            message_id=message.pk,
            channel=message.channel,
            incident_id=message.incident_id,
            created_at=message.created_at,
            scored_at=now,
            **score(clean_for_scoring(message.text)),
        )
        for message in messages
    ]
    SentimentScore.objects.bulk_create(scores, ignore_conflicts=True)
    return len(scores)


def sentiment_score_unscored(*, batch_size: int = SWEEP_BATCH, max_batches: int = 20) -> int:
    """Score what the last `SWEEP_WINDOW` left unscored (a task lost with a worker), in
    batches; return how many were scored."""
    since = timezone.now() - SWEEP_WINDOW
    total = 0
    for _ in range(max_batches):
        ids = list(
            scorable_messages()
            .filter(created_at__gte=since)
            .order_by("-created_at")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        total += sentiment_score_messages(message_ids=ids)
        if len(ids) < batch_size:
            break
    return total
