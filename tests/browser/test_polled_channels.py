"""Mastodon and Bluesky in a real Chromium: their messages on the Social page under their own
badges beside X's and Facebook's, and the console's channel filter narrowing the queue to one
of them."""

import pytest

from social.events import Kind
from social.models import MessageState
from tickets.models import Channel

from ..factories import IncidentFactory
from ..social.factories import InboundMessageFactory, SocialIdentityFactory
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MESSAGES = {
    Channel.TWITTER: ("@jess", "@desk the VPN drops every 5 minutes"),
    Channel.FACEBOOK: ("", "The wifi in building B is down"),
    "mastodon": ("@ana@social.example", "@servicedesk@mastodon.demo the expense portal says my account is locked"),
    "bluesky": ("@ravi.bsky.social", "@servicedesk.bsky.demo Teams calls keep freezing, is something down?"),
}


def test_their_messages_show_under_their_badges_and_the_queue_filters_by_them(page, agent):
    for channel, (handle, text) in MESSAGES.items():
        person = SocialIdentityFactory(channel=channel, handle=handle, display_name=f"Person on {channel}")
        incident = IncidentFactory(channel=channel, title=text.split(" ", 1)[1][:60], reporter=person.contact)
        InboundMessageFactory(
            channel=channel,
            identity=person,
            kind=Kind.MENTION,
            text=text,
            incident=incident,
            state=MessageState.NEW_INCIDENT,
            url="https://example.test/post",
        )
    log_in(page, agent.username)

    page.goto("/social/")
    for label in ("X", "Facebook", "Mastodon", "Bluesky"):
        assert page.locator(".channel-badge", has_text=label).first.is_visible()
    page.screenshot(path="test-artifacts/polled_channels_social_page.png", full_page=True)

    assert "Messages on X, Facebook, Mastodon, Bluesky" in page.content()

    page.goto("/incidents/")
    assert page.locator("select[name=channel] option[value=bluesky]").inner_text() == "Bluesky"
    page.goto("/incidents/?channel=bluesky")
    queue = page.locator("table").first.inner_text()
    assert "Teams calls keep freezing" in queue
    assert not any(words in queue for words in ("VPN drops", "building B", "expense portal"))
    assert page.console_errors == []
