"""Polling, for accounts without webhooks: each platform's `poll` stores what it reads through
the same store-first intake as the webhooks, so a poll overlapping a webhook stores nothing twice."""

from .models import SocialAccount
from .platforms import platform_module


def poll_account(*, account: SocialAccount) -> int:
    """Read what is new for `account`; the number of new events stored."""
    return platform_module(account.channel, "poll").poll(account=account)
