"""The simulator's mails are what mail clients and servers send: taken by the webhook with
the demo token, turned into incidents; the replies to the desk's answers join them, and the
out-of-office replies and bounces open nothing."""

import collections

import pytest
from django.core import mail as outbox

from social.email.simulator import MailSimulator, ensure_demo_account
from social.models import Direction, InboundEvent, MessageState, SocialMessage
from social.outbox.send import messages_send
from tickets.models import Incident

pytestmark = pytest.mark.django_db


def deliver(client, simulator, count, kinds):
    for _ in range(count):
        delivery = simulator.next()
        kinds[delivery.kind] += 1
        headers = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in delivery.headers.items()}
        headers.pop("HTTP_CONTENT_TYPE")
        response = client.post(delivery.path, delivery.body, content_type="message/rfc822", **headers)
        assert response.status_code == 200, response.content
    drain_and_answer()


def drain_and_answer():
    from .conftest import drain

    drain()
    queued = SocialMessage.objects.filter(direction=Direction.OUTBOUND, state=MessageState.QUEUED)
    messages_send(message_ids=list(queued.values_list("pk", flat=True)))


def test_simulated_mails_become_incidents_replies_and_ignored_noise(client):
    account = ensure_demo_account()
    assert ensure_demo_account().pk == account.pk  # idempotent
    simulator = MailSimulator(token=account.bearer_token, seed=11, duplicate_rate=0.05)
    kinds = collections.Counter()

    deliver(client, simulator, 40, kinds)
    deliver(client, simulator, 120, kinds)

    assert {"mail", "mail reply", "mail auto-reply", "mail duplicate"} <= set(kinds)
    assert InboundEvent.objects.count() == 160 - kinds["mail duplicate"]
    inbound = SocialMessage.objects.filter(channel="email", direction=Direction.INBOUND)
    assert inbound.filter(state=MessageState.NEW_INCIDENT).count() == Incident.objects.count() > 0
    assert inbound.filter(state=MessageState.JOINED).count() == kinds["mail reply"]
    assert inbound.filter(state=MessageState.IGNORED).count() == kinds["mail auto-reply"] + kinds["mail bounce"]
    # Every incident was acknowledged by mail through Django's backend, and nothing else was sent.
    assert len(outbox.outbox) == Incident.objects.count()
    assert all(sent.to[0].endswith((".com", ".net", ".org")) for sent in outbox.outbox)


def test_a_wrong_token_is_refused(client):
    ensure_demo_account()
    delivery = MailSimulator(token="not-the-token", seed=1).next()

    response = client.post(
        delivery.path, delivery.body, content_type="message/rfc822", HTTP_AUTHORIZATION="Bearer not-the-token"
    )

    assert response.status_code == 403
