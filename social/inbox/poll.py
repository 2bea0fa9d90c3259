"""Polling, for accounts without webhooks: each platform's `poll` stores what it reads through
the same store-first intake as the webhooks (`social.inbox.store`), so a poll overlapping a
webhook stores nothing twice."""

from .. import platforms
from ..models import SocialAccount


def poll_account(*, account: SocialAccount) -> int:
    """Read what is new for `account`; the number of new events stored."""
    return platforms.get(account.channel).client.poll(account=account)
