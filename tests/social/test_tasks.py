"""The periodic social tasks: polling every account, and sweeping the inbox and the outbox."""

import pytest
import responses
from django.utils import timezone

from social import tasks
from social.events import Kind, ParsedEvent
from social.inbox.store import inbound_store
from social.models import Direction, InboundEvent, MessageState, SocialMessage

from .factories import SocialAccountFactory

pytestmark = pytest.mark.django_db


def test_one_account_failing_to_poll_does_not_stop_the_others(settings, caplog):
    settings.FACEBOOK_GRAPH_VERSION = "v25.0"
    SocialAccountFactory(channel="twitter", external_id="783214", poll_enabled=True, credentials=True)
    SocialAccountFactory(channel="facebook", external_id="555", poll_enabled=True, credentials=True)
    SocialAccountFactory(channel="facebook", external_id="556", poll_enabled=False, credentials=True)
    with responses.RequestsMock() as platforms:
        platforms.get("https://graph.facebook.com/v25.0/555/feed", status=500, json={"error": {"code": 2}})
        mentions = platforms.get("https://api.twitter.com/2/users/783214/mentions", json={"meta": {"result_count": 0}})

        assert tasks.poll_accounts.apply().get() == 2

    assert mentions.call_count == 1
    assert "Polling Facebook" in caplog.text


def test_the_inbox_sweeper_re_enqueues_only_shards_left_waiting(settings):
    SocialAccountFactory(channel="twitter", external_id="1000")
    inbound_store(
        events=[
            ParsedEvent(
                channel="twitter",
                account_id="1000",
                external_id="t1",
                kind=Kind.MENTION,
                author_id="42",
                text="@desk help",
                created_at=timezone.now(),
            )
        ]
    )
    settings.SOCIAL_SWEEP_GRACE_SECONDS = 60
    assert tasks.sweep_inbox.apply().get() == []  # just stored: its own task is on the way

    settings.SOCIAL_SWEEP_GRACE_SECONDS = 0
    [shard] = tasks.sweep_inbox.apply().get()  # eager: processed right here
    assert shard == InboundEvent.objects.get().shard
    assert InboundEvent.objects.get().state == "done"
    ack = SocialMessage.objects.get(direction=Direction.OUTBOUND)
    assert ack.state == MessageState.QUEUED  # no tokens: it waits, and says why
    SocialMessage.objects.filter(pk=ack.pk).update(next_attempt_at=timezone.now())
    assert tasks.sweep_outbox.apply().get() == 1
