"""The polled platforms' stand-ins (`social.standins`), as `simulate_social` and `make run`
use them: a real local HTTP server per platform, polled by the desk's real clients, whose
made-up messages become incidents, whose answers the desk posts back, and whose replies to
those answers join the incidents."""

import collections

import pytest

from social import platforms
from social.inbox.poll import poll_account
from social.models import Direction, MessageState, SocialMessage
from social.outbox import send as outbox_send
from social.standins import standins
from tickets.models import Incident

from .inbox.conftest import drain

pytestmark = pytest.mark.django_db


@pytest.fixture
def running():
    started = standins(seed=3)
    for standin in started:
        standin.start()
    yield {standin.channel: standin for standin in started}
    for standin in started:
        standin.stop()


def test_every_polled_platform_with_a_stand_in_has_one_and_none_is_named_here(running):
    polled = {p.channel for p in platforms.registered() if p.capabilities.polling and not p.capabilities.webhook}
    assert polled and polled <= set(running)


@pytest.mark.parametrize("channel", [p.channel for p in platforms.registered() if p.capabilities.polling])
def test_made_up_messages_are_polled_into_incidents_answered_and_followed_up(running, channel):
    if channel not in running:
        pytest.skip(f"{channel} has no stand-in (it takes webhooks)")
    standin = running[channel]
    account = standin.ensure_demo_account()
    assert standin.ensure_demo_account().pk == account.pk  # idempotent

    kinds = collections.Counter(standin.next() for _ in range(12))
    assert standin.pending() == 12
    assert poll_account(account=account) >= 12
    drain()
    assert standin.pending() == 0

    inbound = SocialMessage.objects.filter(channel=channel, direction=Direction.INBOUND)
    assert (
        inbound.filter(state=MessageState.NEW_INCIDENT).count() == Incident.objects.filter(channel=channel).count() > 0
    )
    # The desk answers on the stand-in: every acknowledgement is posted.
    acks = list(
        SocialMessage.objects.filter(channel=channel, direction=Direction.OUTBOUND).values_list("pk", flat=True)
    )
    outbox_send.messages_send(message_ids=acks)
    assert set(SocialMessage.objects.filter(pk__in=acks).values_list("state", flat=True)) == {MessageState.SENT}

    # People answer the desk's posts: their replies join the incidents.
    for _ in range(30):
        kinds[standin.next()] += 1
    account.refresh_from_db()
    poll_account(account=account)
    drain()
    assert kinds["reply"] > 0
    assert inbound.filter(state=MessageState.JOINED).count() >= kinds["reply"]
    assert not inbound.filter(state=MessageState.IGNORED).exists()
