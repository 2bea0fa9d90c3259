"""Claiming an outbound message for one delivery attempt, with a lease.

A conditional UPDATE (`… WHERE state IN (queued, sending) AND due AND the lease is free`) sets
`leased_until`: one worker at a time attempts a message, and no row lock or transaction is
held while the platform is called, however long it takes (the outgoing webhooks deliver the
same way). The lease lasts what the platform declares one attempt can take at most
(`Platform.send_lease`). The worker gives it back with the outcome, in one conditional UPDATE
that only the holder of this lease can make; a worker that dies keeps it until it expires, and
the message, found `sending`, is then reconciled (`social.outbox.reconcile`) before anything
is posted again.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Case, DateTimeField, Q, Value, When
from django.utils import timezone

from tickets.services import incident_reply_delivered

from .. import platforms
from ..models import Direction, MessageState, SocialAccount, SocialMessage
from ..signals import outbound_message_sent

logger = logging.getLogger(__name__)

SENDABLE = (MessageState.QUEUED, MessageState.SENDING)
# A platform registered without a lease of its own gets this one.
DEFAULT_LEASE = timedelta(minutes=5)


def _lease_free(now: datetime) -> Q:
    return Q(leased_until__isnull=True) | Q(leased_until__lt=now)


def _due(now: datetime) -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


@dataclass
class Claim:
    """A message this worker holds until `lease` (its `leased_until`: the lease's token)."""

    message: SocialMessage
    lease: datetime

    def release(self, **fields) -> bool:
        """Write the attempt's outcome and give the lease back, if it is still ours: False
        when it expired and another worker took the message over (the write is then theirs)."""
        released = (
            SocialMessage.objects.filter(pk=self.message.pk, leased_until=self.lease)
            .exclude(state=MessageState.SENT)
            .update(**fields, leased_until=None)
        )
        for name, value in fields.items():
            setattr(self.message, name, value)
        if not released:
            logger.warning("Outbound message %s: the lease ran out before the outcome was recorded", self.message.pk)
        return bool(released)

    def fail(self, reason: str) -> str:
        """The message fails for good, with the reason the agent reads."""
        self.release(state=MessageState.FAILED, state_reason=reason[:500], next_attempt_at=None)
        logger.warning("Outbound message %s failed: %s", self.message.pk, reason)
        return self.message.state

    def keep(self, **fields) -> bool:
        """Write progress and keep the lease (the message is about to be sent)."""
        kept = SocialMessage.objects.filter(pk=self.message.pk, leased_until=self.lease).update(**fields)
        for name, value in fields.items():
            setattr(self.message, name, value)
        return bool(kept)

    def record_sent(self, ids: list[str]) -> str:
        """The message is on the platform: recorded whoever holds the lease now (a fact is not
        anybody's to overwrite), unless it is recorded already."""
        fields = {
            "state": MessageState.SENT,
            "external_id": ids[0],
            "parts": list(ids),
            "sent_at": timezone.now(),
            "state_reason": "",
            "next_attempt_at": None,
        }
        with transaction.atomic():
            recorded = (
                SocialMessage.objects.filter(pk=self.message.pk)
                .exclude(state=MessageState.SENT)
                .update(**fields, leased_until=None)
            )
            if recorded and self.message.comment_id and self.message.incident_id:
                # An agent's reply reached the reporter: that is the incident's response
                # (recorded with the message's state, so a crash loses neither).
                incident_reply_delivered(incident_id=self.message.incident_id, delivered_at=fields["sent_at"])
        for name, value in fields.items():
            setattr(self.message, name, value)
        if recorded:
            outbound_message_sent.send(sender=SocialMessage, message_id=self.message.pk)
        return MessageState.SENT


def claim(*, message_id: int, now: datetime | None = None) -> Claim | None:
    """Take the lease of a due, unleased outbound message: None when it is not due, not to be
    sent, or held by another worker. Two queries, no lock held afterwards."""
    now = now or timezone.now()
    leases = [When(channel=p.channel, then=Value(now + p.send_lease)) for p in platforms.registered()]
    taken = (
        SocialMessage.objects.filter(_due(now), _lease_free(now), pk=message_id, state__in=SENDABLE)
        .filter(direction=Direction.OUTBOUND)
        .update(leased_until=Case(*leases, default=Value(now + DEFAULT_LEASE), output_field=DateTimeField()))
    )
    if not taken:
        return None
    message = SocialMessage.objects.select_related("identity").get(pk=message_id)
    return Claim(message=message, lease=message.leased_until)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the n-th failed attempt: 30 s, doubling, at most an hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def hold_reason(account: SocialAccount | None, now: datetime) -> str:
    """Why nothing can be sent from this account now ("" when it can)."""
    if account is None:
        return "No active account is configured for this channel; the message waits for one."
    if not account.can_send:
        return account.missing_credentials + " The message waits for it."
    if account.token_error:
        return f"The platform refused the token ({account.token_error}); the message waits for a new one."
    if account.rate_limited_until and account.rate_limited_until > now:
        return f"Rate limited until {account.rate_limited_until:%H:%M:%S}."
    return ""


def due_messages(*, limit: int = 500) -> list[int]:
    """Outbound messages whose next attempt is due and whose lease is free (the sweeper
    re-enqueues them): retries whose backoff has passed, and attempts a crash interrupted."""
    now = timezone.now()
    return list(
        SocialMessage.objects.filter(direction=Direction.OUTBOUND, state__in=SENDABLE, next_attempt_at__lte=now)
        .filter(_lease_free(now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
