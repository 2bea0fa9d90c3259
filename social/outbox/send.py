"""Sending answers: queued → sending → sent (or failed).

Never posted twice: the message is marked `sending` and committed before the platform is
called, and the platform's id is stored in the same step that marks it `sent`. A message
found in `sending` was interrupted (a crash, a timeout): before trying again the platform is
asked whether it was posted after all (`find_sent`); where it cannot be asked, the message
fails with that reason and the agent decides, rather than risk a second post.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .. import platforms
from ..errors import OutcomeUnknown, RateLimited, Rejected, SendError, TokenInvalid
from ..models import Direction, MessageState, SocialAccount, SocialMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Waiting for credentials or a new token: look again this often.
RECHECK = timedelta(minutes=5)


def platform(channel: str) -> platforms.PlatformProtocol:
    return platforms.get(channel).client


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def messages_send(*, message_ids: list[int]) -> int:
    """Deliver many messages: those of an account that cannot send now (no credentials, a
    refused token, a rate limit) are told why in one update; the others are sent one by one."""
    now = timezone.now()
    pending = list(
        SocialMessage.objects.filter(
            pk__in=message_ids, direction=Direction.OUTBOUND, state__in=[MessageState.QUEUED, MessageState.SENDING]
        ).values_list("pk", "channel", "account_external_id")
    )
    accounts = {
        (a.channel, a.external_id): a
        for a in SocialAccount.objects.filter(active=True, external_id__in={account_id for _, _, account_id in pending})
    }
    held: dict[tuple[str, str], list[int]] = {}
    ready = []
    for pk, channel, account_id in pending:
        account = accounts.get((channel, account_id))
        if _hold_reason(account, now):
            held.setdefault((channel, account_id), []).append(pk)
        else:
            ready.append(pk)
    for (channel, account_id), pks in held.items():
        account = accounts.get((channel, account_id))
        limited = account is not None and account.rate_limited_until and account.rate_limited_until > now
        SocialMessage.objects.filter(pk__in=pks, state=MessageState.QUEUED).update(
            state_reason=_hold_reason(account, now)[:500],
            next_attempt_at=account.rate_limited_until if limited else now + RECHECK,
        )
    for pk in ready:
        message_send(message_id=pk)
    return len(ready)


# --- sending -----------------------------------------------------------------------------


def message_send(*, message_id: int) -> str:
    """Try to deliver one outbound message; returns its state. Safe to run twice, at once or
    after a crash: only one run gets past the row lock while it is due."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            SocialMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("identity")
            .filter(pk=message_id, direction=Direction.OUTBOUND)
            .first()
        )
        if message is None or message.state not in (MessageState.QUEUED, MessageState.SENDING):
            return message.state if message else "missing"
        if message.next_attempt_at and message.next_attempt_at > now:
            return message.state
        account = SocialAccount.objects.filter(
            channel=message.channel, external_id=message.account_external_id, active=True
        ).first()
        hold = _hold_reason(account, now)
        if hold:
            limited = account is not None and account.rate_limited_until and account.rate_limited_until > now
            return _wait(message, reason=hold, until=account.rate_limited_until if limited else now + RECHECK)
        client = platform(message.channel)
        if message.state == MessageState.SENDING:
            outcome = _reconcile(message, account, client)
            if outcome:
                return outcome
        violation = _rule_violation(message, account, client)
        if violation:
            return _fail(message, violation)
        message.state = MessageState.SENDING
        message.attempts += 1
        message.next_attempt_at = now + backoff(message.attempts)
        message.save(update_fields=["state", "attempts", "next_attempt_at"])
    # Committed as `sending`: whatever happens now, a later run knows it may have been posted.
    try:
        ids = client.send(account=account, message=message)
    except SendError as error:
        return _failed_attempt(message, account, error)
    return _mark_sent(message, ids)


def _hold_reason(account: SocialAccount | None, now) -> str:
    if account is None:
        return "No active account is configured for this channel; the message waits for one."
    if not account.can_send:
        return account.missing_credentials + " The message waits for it."
    if account.token_error:
        return f"The platform refused the token ({account.token_error}); the message waits for a new one."
    if account.rate_limited_until and account.rate_limited_until > now:
        return f"Rate limited until {account.rate_limited_until:%H:%M:%S}."
    return ""


def _wait(message: SocialMessage, *, reason: str, until) -> str:
    message.state_reason = reason[:500]
    message.next_attempt_at = until
    message.save(update_fields=["state_reason", "next_attempt_at"])
    return message.state


def _fail(message: SocialMessage, reason: str) -> str:
    message.state = MessageState.FAILED
    message.state_reason = reason[:500]
    message.next_attempt_at = None
    message.save(update_fields=["state", "state_reason", "next_attempt_at"])
    logger.warning("Outbound message %s failed: %s", message.pk, reason)
    return message.state


def _answered(message: SocialMessage) -> SocialMessage | None:
    if not message.in_reply_to:
        return None
    return SocialMessage.objects.filter(channel=message.channel, external_id=message.in_reply_to).first()


def _rule_violation(message: SocialMessage, account: SocialAccount, client) -> str:
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


def _reconcile(message: SocialMessage, account: SocialAccount, client) -> str:
    """An earlier attempt was interrupted after it went out: was it posted?"""
    try:
        found = client.find_sent(account=account, message=message)
    except SendError as error:
        message.next_attempt_at = timezone.now() + backoff(message.attempts)
        message.state_reason = f"Could not check whether an interrupted send went out: {error}"[:500]
        message.save(update_fields=["next_attempt_at", "state_reason"])
        return message.state
    if found:
        _mark_sent_locked(message, found)
        return message.state
    if found is None:
        return _fail(
            message,
            "An attempt was interrupted and the platform cannot tell whether it went out; "
            "check the conversation before retrying.",
        )
    return ""  # found == []: it did not go out; send it


def _mark_sent(message: SocialMessage, ids: list[str]) -> str:
    with transaction.atomic():
        message = SocialMessage.objects.select_for_update().get(pk=message.pk)
        _mark_sent_locked(message, ids)
    return message.state


def _mark_sent_locked(message: SocialMessage, ids: list[str]) -> None:
    message.state = MessageState.SENT
    message.external_id = ids[0]
    message.parts = list(ids)
    message.sent_at = timezone.now()
    message.state_reason = ""
    message.next_attempt_at = None
    message.save(update_fields=["state", "external_id", "parts", "sent_at", "state_reason", "next_attempt_at"])


def _failed_attempt(message: SocialMessage, account: SocialAccount, error: SendError) -> str:
    now = timezone.now()
    with transaction.atomic():
        message = SocialMessage.objects.select_for_update().get(pk=message.pk)
        if isinstance(error, OutcomeUnknown):
            # Stays `sending`: the next run reconciles before anything is posted again.
            message.state_reason = f"No answer from the platform ({error}); checking before retrying."[:500]
            message.next_attempt_at = now + backoff(message.attempts)
        elif isinstance(error, RateLimited):
            SocialAccount.objects.filter(pk=account.pk).update(rate_limited_until=error.retry_at)
            message.state = MessageState.QUEUED
            message.state_reason = f"Rate limited: {error}"[:500]
            message.next_attempt_at = error.retry_at
            message.attempts = max(message.attempts - 1, 0)  # waiting is not failing
        elif isinstance(error, TokenInvalid):
            SocialAccount.objects.filter(pk=account.pk).update(token_error=str(error)[:500], token_error_at=now)
            message.state = MessageState.QUEUED
            message.state_reason = f"The platform refused the token ({error}); the message waits for a new one."[:500]
            message.next_attempt_at = now + RECHECK
        elif isinstance(error, Rejected) or message.attempts >= MAX_ATTEMPTS:
            message.state = MessageState.FAILED
            message.state_reason = str(error)[:500]
            message.next_attempt_at = None
        else:  # a TemporaryFailure: it did not go out
            message.state = MessageState.QUEUED
            message.state_reason = f"Will retry: {error}"[:500]
            message.next_attempt_at = now + backoff(message.attempts)
        message.save(update_fields=["state", "state_reason", "next_attempt_at", "attempts"])
    logger.info("Outbound message %s: %s (%s)", message.pk, message.state, error)
    return message.state


def due_messages(*, limit: int = 500) -> list[int]:
    """Outbound messages whose next attempt is due (the sweeper re-enqueues them)."""
    return list(
        SocialMessage.objects.filter(
            direction=Direction.OUTBOUND,
            state__in=[MessageState.QUEUED, MessageState.SENDING],
            next_attempt_at__lte=timezone.now(),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
