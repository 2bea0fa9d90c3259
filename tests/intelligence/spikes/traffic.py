"""Inbound messages in bulk for the live detector's tests: a steady history, then a spike.

Rows are inserted directly (the intake pipeline has its own tests): what the detector reads is
an inbound message's time, its incident's service and its sentiment score."""

import itertools
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from feedback.models import SentimentScore
from social.events import Kind
from social.models import Direction, MessageState, SocialMessage
from tickets.models import Channel, Incident

INTERVAL = timedelta(minutes=5)
# 12:02 on a Wednesday: the interval 11:55–12:00 is closed and settled (a minute past its end).
NOW = datetime(2026, 3, 4, 12, 2, tzinfo=UTC)
SPIKE_START = datetime(2026, 3, 4, 11, 55, tzinfo=UTC)
_ids = itertools.count(1)


def add_messages(
    *, at: datetime, count: int, incident: Incident | None = None, negative: int = 0, scored: int | None = None
) -> list[SocialMessage]:
    """`count` inbound messages spread over the interval from `at`, `scored` of them (all by
    default) with a sentiment, the first `negative` of those negative."""
    scored = count if scored is None else scored
    messages = SocialMessage.objects.bulk_create(
        SocialMessage(
            channel=Channel.TWITTER,
            direction=Direction.INBOUND,
            kind=Kind.MENTION,
            external_id=f"spike-test-{next(_ids)}",
            account_external_id="1",
            text=f"message {n} of {count}" + (": it is broken and I am furious" if n < negative else ""),
            incident=incident,
            state=MessageState.JOINED if incident else MessageState.RECORDED,
            created_at=at + INTERVAL * n / max(count, 1),
        )
        for n in range(count)
    )
    SentimentScore.objects.bulk_create(
        SentimentScore(
            message=message,
            score=-0.6 if n < negative else 0.3,
            label="negative" if n < negative else "positive",
            model_version="test",
            compound=-0.6 if n < negative else 0.3,
            positive=0.0,
            neutral=1.0,
            negative=0.0,
            scored_at=timezone.now(),
            channel=message.channel,
            incident=incident,
            created_at=message.created_at,
        )
        for n, message in enumerate(messages[:scored])
    )
    return messages


def steady_history(*, until: datetime, days: float, incident: Incident | None = None, per_interval: int = 3) -> None:
    """`per_interval` messages every 5 minutes for `days` before `until`, one in three negative."""
    intervals = int(timedelta(days=days) / INTERVAL)
    for n in range(intervals):
        at = until - INTERVAL * (intervals - n)
        add_messages(at=at, count=per_interval, incident=incident, negative=(per_interval + n % 3) // 3)
