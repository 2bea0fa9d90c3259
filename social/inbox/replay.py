"""Replay: failed inbound events get another go (the Social page's and the admin's "Replay",
for managers: `social.access`)."""

from django.db import transaction
from django.utils import timezone

from .. import tasks
from ..models import InboundEvent, InboundState


def events_replay(*, event_ids: list[int]) -> int:
    """Give failed events another go (admin's "Replay"): pending again, due now."""
    now = timezone.now()
    with transaction.atomic():
        replayed = list(
            InboundEvent.objects.filter(pk__in=event_ids, state=InboundState.FAILED).values_list("pk", "shard")
        )
        InboundEvent.objects.filter(pk__in=[pk for pk, _ in replayed]).update(
            state=InboundState.PENDING, attempts=0, next_attempt_at=now
        )
        shards = sorted({shard for _, shard in replayed})
        transaction.on_commit(lambda: _enqueue(shards), robust=True)
    return len(replayed)


def _enqueue(shards: list[int]) -> None:
    for shard in shards:
        tasks.process_inbox.delay(shard=shard)
