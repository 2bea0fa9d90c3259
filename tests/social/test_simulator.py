"""The simulator's deliveries are what the platforms send: signed right, parsed, and turned
into incidents and replies in their threads, with the duplicates stored once."""

import collections

import pytest

from social.models import Direction, InboundEvent, MessageState, SocialMessage
from social.simulator import Simulator, ensure_demo_accounts
from tickets.models import Comment, Incident

pytestmark = pytest.mark.django_db


def test_simulated_deliveries_become_incidents_and_replies(client, django_capture_on_commit_callbacks):
    x, page = ensure_demo_accounts()
    assert ensure_demo_accounts() == (x, page)  # idempotent
    simulator = Simulator(x_secret=x.consumer_secret, app_secret=page.app_secret, seed=7, duplicate_rate=0.05)

    kinds = collections.Counter()
    for _ in range(200):
        delivery = simulator.next()
        kinds[delivery.kind] += 1
        headers = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in delivery.headers.items()}
        # Processing runs when the delivery is committed, in-process here.
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(delivery.path, delivery.body, content_type="application/json", **headers)
        assert response.status_code == 200, response.content

    assert set(kinds) == {"mention", "reply", "dm", "post", "comment", "messenger", "duplicate"}
    stored = InboundEvent.objects.count()
    assert stored == 200 - kinds["duplicate"]
    inbound = SocialMessage.objects.filter(direction=Direction.INBOUND)
    assert inbound.count() == stored
    assert not inbound.filter(state=MessageState.IGNORED).exists()
    assert (
        Comment.objects.filter(author_contact__isnull=False).count()
        == inbound.filter(state=MessageState.JOINED).count()
    )
    # Every incident was acknowledged; without tokens the answers wait, saying why.
    assert Incident.objects.count() == inbound.filter(state=MessageState.NEW_INCIDENT).count()
    acks = SocialMessage.objects.filter(direction=Direction.OUTBOUND)
    assert acks.count() == Incident.objects.count()
    assert all(ack.state == MessageState.QUEUED and "waits" in ack.state_reason for ack in acks)


def test_a_wrong_secret_is_refused(client):
    ensure_demo_accounts()
    simulator = Simulator(x_secret="not-the-secret", app_secret="nor-this", seed=1)
    delivery = simulator.next()
    headers = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in delivery.headers.items()}
    response = client.post(delivery.path, delivery.body, content_type="application/json", **headers)
    assert response.status_code == 403
    assert not InboundEvent.objects.exists()
