"""Which accounts `manage.py watch_accounts` watches: those of platforms that can push (IMAP
IDLE, a stream), active, with polling on (the watches themselves are tested on a real IMAP
server in tests/social/email/test_idle.py, and on a recorded stream in
tests/social/mastodon/test_stream.py)."""

import pytest

from social.inbox.watch import AccountWatchers

from ..factories import SocialAccountFactory

pytestmark = pytest.mark.django_db


def test_only_active_accounts_with_polling_on_of_platforms_that_push_are_watched():
    mailbox = SocialAccountFactory(channel="email", external_id="desk@example.org", poll_enabled=True)
    SocialAccountFactory(channel="email", external_id="off@example.org", poll_enabled=False)
    SocialAccountFactory(channel="email", external_id="gone@example.org", poll_enabled=True, active=False)
    instance = SocialAccountFactory(channel="mastodon", external_id="desk@mastodon.example", poll_enabled=True)
    SocialAccountFactory(channel="bluesky", external_id="desk.bsky.social", poll_enabled=True)  # polled only

    assert set(AccountWatchers.wanted()) == {mailbox.pk, instance.pk}


def test_a_changed_mailbox_is_a_new_watch():
    account = SocialAccountFactory(channel="email", external_id="desk@example.org", poll_enabled=True)
    before = AccountWatchers.wanted()[account.pk]
    account.password = "imaps://desk:new-password@mail.example.org/INBOX"
    account.save()
    assert AccountWatchers.wanted()[account.pk] != before
