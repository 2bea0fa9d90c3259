"""Sending answers: queued → sending → sent (or failed), one attempt at a time.

Never posted twice. An attempt claims the message with a lease (`social.outbox.claim`), then,
outside any transaction or row lock, checks the account, reconciles a message an earlier
attempt left `sending` (`social.outbox.reconcile`), asks the platform whether it may go, marks
it `sending` and calls the platform; the platform's id is stored in the step that marks it
`sent`. Whatever happens after the message is marked `sending` — a timeout, a crash — the next
attempt knows it may have been posted, and finds out before posting it again.
"""

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from .. import platforms
from ..errors import OutcomeUnknown, RateLimited, Rejected, SendError, TokenInvalid
from ..models import Direction, MessageState, SocialAccount, SocialMessage
from .claim import SENDABLE, Claim, backoff, claim, hold_reason
from .reconcile import reconcile

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Waiting for credentials or a new token: look again this often.
RECHECK = timedelta(minutes=5)


def messages_send(*, message_ids: list[int]) -> int:
    """Deliver many messages: those of an account that cannot send now (no credentials, a
    refused token, a rate limit) are told why in one update; the others are sent one by one."""
    now = timezone.now()
    pending = list(
        SocialMessage.objects.filter(pk__in=message_ids, direction=Direction.OUTBOUND, state__in=SENDABLE).values_list(
            "pk", "channel", "account_external_id"
        )
    )
    accounts = {
        (a.channel, a.external_id): a
        for a in SocialAccount.objects.filter(active=True, external_id__in={account_id for _, _, account_id in pending})
    }
    held: dict[tuple[str, str], list[int]] = {}
    ready = []
    for pk, channel, account_id in pending:
        account = accounts.get((channel, account_id))
        if hold_reason(account, now):
            held.setdefault((channel, account_id), []).append(pk)
        else:
            ready.append(pk)
    for (channel, account_id), pks in held.items():
        account = accounts.get((channel, account_id))
        limited = account is not None and account.rate_limited_until and account.rate_limited_until > now
        # Not those another worker holds: they are being attempted.
        SocialMessage.objects.filter(
            Q(leased_until__isnull=True) | Q(leased_until__lt=now), pk__in=pks, state=MessageState.QUEUED
        ).update(
            state_reason=hold_reason(account, now)[:500],
            next_attempt_at=account.rate_limited_until if limited else now + RECHECK,
        )
    for pk in ready:
        message_send(message_id=pk)
    return len(ready)


def message_send(*, message_id: int) -> str:
    """Try to deliver one outbound message; returns its state. Safe to run twice, at once or
    after a crash: only the holder of its lease attempts it."""
    now = timezone.now()
    held = claim(message_id=message_id, now=now)
    if held is None:  # not due, not to be sent, or another worker's
        state = SocialMessage.objects.filter(pk=message_id, direction=Direction.OUTBOUND).values_list("state")
        return next(iter(state), ("missing",))[0]
    message = held.message
    account = SocialAccount.objects.filter(
        channel=message.channel, external_id=message.account_external_id, active=True
    ).first()
    hold = hold_reason(account, now)
    if hold:
        limited = account is not None and account.rate_limited_until and account.rate_limited_until > now
        held.release(state_reason=hold[:500], next_attempt_at=account.rate_limited_until if limited else now + RECHECK)
        return message.state
    platform = platforms.get(message.channel)
    if message.state == MessageState.SENDING:
        outcome = reconcile(held, account=account, platform=platform)
        if outcome:
            return outcome
    violation = _rule_violation(message, account, platform.client)
    if violation:
        return held.fail(violation)
    # From here on a later attempt must assume it may have been posted; should this worker
    # die, the message is due again when the lease ends.
    if not held.keep(state=MessageState.SENDING, attempts=message.attempts + 1, next_attempt_at=held.lease):
        return message.state
    try:
        ids = platform.client.send(account=account, message=message)
    except SendError as error:
        return _failed_attempt(held, account, error)
    return held.record_sent(ids)


def _answered(message: SocialMessage) -> SocialMessage | None:
    if not message.in_reply_to:
        return None
    return SocialMessage.objects.filter(channel=message.channel, external_id=message.in_reply_to).first()


def _rule_violation(message: SocialMessage, account: SocialAccount, client: platforms.PlatformProtocol) -> str:
    answered = _answered(message)
    last_inbound = (
        SocialMessage.objects.filter(
            channel=message.channel, thread_key=message.thread_key, direction=Direction.INBOUND
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
        if message.thread_key
        else None
    )
    return client.rule_violation(account=account, message=message, replying_to=answered, last_inbound_at=last_inbound)


def _failed_attempt(held: Claim, account: SocialAccount, error: SendError) -> str:
    now = timezone.now()
    message = held.message
    if isinstance(error, OutcomeUnknown):
        # Stays `sending`: the next attempt reconciles before anything is posted again.
        outcome = {
            "state_reason": f"No answer from the platform ({error}); checking before retrying.",
            "next_attempt_at": now + backoff(message.attempts),
        }
    elif isinstance(error, RateLimited):
        SocialAccount.objects.filter(pk=account.pk).update(rate_limited_until=error.retry_at)
        outcome = {
            "state": MessageState.QUEUED,
            "state_reason": f"Rate limited: {error}",
            "next_attempt_at": error.retry_at,
            "attempts": max(message.attempts - 1, 0),  # waiting is not failing
        }
    elif isinstance(error, TokenInvalid):
        SocialAccount.objects.filter(pk=account.pk).update(token_error=str(error)[:500], token_error_at=now)
        outcome = {
            "state": MessageState.QUEUED,
            "state_reason": f"The platform refused the token ({error}); the message waits for a new one.",
            "next_attempt_at": now + RECHECK,
        }
    elif isinstance(error, Rejected) or message.attempts >= MAX_ATTEMPTS:
        outcome = {"state": MessageState.FAILED, "state_reason": str(error), "next_attempt_at": None}
    else:  # a TemporaryFailure: it did not go out
        outcome = {
            "state": MessageState.QUEUED,
            "state_reason": f"Will retry: {error}",
            "next_attempt_at": now + backoff(message.attempts),
        }
    outcome["state_reason"] = outcome["state_reason"][:500]
    held.release(**outcome)
    logger.info("Outbound message %s: %s (%s)", message.pk, message.state, error)
    return message.state
