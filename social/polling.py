"""Polling, for accounts without webhooks: each platform's `poll` stores what it reads through
the same store-first intake as the webhooks, so a poll overlapping a webhook stores nothing twice."""

from importlib import import_module

from tickets.models import Channel

from .models import SocialAccount

POLL_MODULES = {Channel.TWITTER: "social.twitter.poll", Channel.FACEBOOK: "social.facebook.poll"}


def poll_account(*, account: SocialAccount) -> int:
    """Read what is new for `account`; the number of new events stored."""
    return import_module(POLL_MODULES[account.channel]).poll(account=account)
