"""The proof of the platform contract: Parley, a platform written only in these tests and
named by no shared module of the desk, is registered, and one signed webhook delivery of it
travels the whole way — stored, processed into an incident, acknowledged, answered — with the
platform called outside any transaction, and no migration to write for it.

Committed for real (a transactional test), so that "outside any transaction" means it."""

import json
from io import StringIO

import pytest
import responses
from django.core.management import call_command
from django.urls import reverse

from social import tasks
from social.models import Direction, InboundEvent, InboundState, MessageState, SocialMessage
from tickets import services as tickets
from tickets.models import Comment, Incident

from ..factories import SocialAccountFactory
from . import parley

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SECRET = "parley-signing-secret"


@pytest.fixture
def desk(parley_registered):
    return SocialAccountFactory(
        channel=parley.CHANNEL, external_id="desk-1", handle="Desk", app_secret=SECRET, access_token="bot-token"
    )


@pytest.fixture
def parley_api():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as api:
        yield api


def deliver(client, *messages: dict):
    body, headers = parley.delivery(account="desk-1", secret=SECRET, messages=list(messages))
    return client.post(
        reverse("social:webhook", args=[parley.CHANNEL]), body, content_type="application/json", **headers
    )


JESS = {"id": "u-7", "name": "Jess Doe"}


def test_a_signed_delivery_travels_from_the_webhook_to_the_agents_answer(desk, parley_api, client, agent):
    acknowledged = parley_api.post(f"{parley.API}/messages", json={"id": "p-100"})

    response = deliver(
        client, {"id": "p-1", "from": JESS, "text": "The printer on floor 3 smells of smoke", "sent_at": 1767225600}
    )

    # Stored, then processed into an incident on the Parley channel.
    assert response.status_code == 200 and response.json() == {"received": 1, "stored": 1}
    event = InboundEvent.objects.get()
    assert (event.channel, event.dedup_key, event.state) == ("parley", "p-1", InboundState.DONE)
    incident = Incident.objects.get()
    assert (incident.channel, incident.get_channel_display()) == ("parley", "Parley")
    assert incident.title == "The printer on floor 3 smells of smoke" and incident.reporter.name == "Jess Doe"
    mention = SocialMessage.objects.get(direction=Direction.INBOUND)
    assert (mention.state, mention.incident, mention.identity.external_id) == (
        MessageState.NEW_INCIDENT,
        incident,
        "u-7",
    )

    # Acknowledged on Parley, with the incident's number, in answer to the message.
    acknowledgement = SocialMessage.objects.get(direction=Direction.OUTBOUND)
    assert (acknowledgement.state, acknowledgement.external_id) == (MessageState.SENT, "p-100")
    sent = json.loads(acknowledged.calls[0].request.body)
    assert sent["reply_to"] == "p-1" and incident.number in sent["text"] and "Jess Doe" in sent["text"]
    assert acknowledged.calls[0].request.headers["Authorization"] == "Bearer bot-token"

    # The person answers in the thread: a comment on the incident.
    deliver(client, {"id": "p-2", "from": JESS, "text": "Now it beeps too", "reply_to": "p-100"})
    reply = SocialMessage.objects.get(external_id="p-2")
    assert (reply.state, reply.incident) == (MessageState.JOINED, incident)
    assert Comment.objects.get(incident=incident, body="Now it beeps too").author_contact == incident.reporter

    # The agent's public answer goes back on Parley, to their latest message.
    answered = parley_api.post(f"{parley.API}/messages", json={"id": "p-101"})
    comment = tickets.comment_create(
        incident=incident, body="Please step away, we are on our way.", visibility="public", author=agent
    )
    answer = SocialMessage.objects.get(comment=comment)
    assert (answer.state, answer.external_id, answer.in_reply_to) == (MessageState.SENT, "p-101", "p-2")
    assert json.loads(answered.calls[0].request.body)["text"] == "Please step away, we are on our way."

    # The platform was called for each step, and for nothing else, outside any transaction.
    assert [name for name, _ in parley.calls] == ["webhook", "rule_violation", "send"] * 2
    assert not any(in_transaction for _, in_transaction in parley.calls)


def test_its_messages_show_on_the_pages_under_its_badge(desk, parley_api, client, agent):
    parley_api.post(f"{parley.API}/messages", json={"id": "p-100"})
    deliver(client, {"id": "p-1", "from": JESS, "text": "Wifi down in the lab"})
    incident = Incident.objects.get()
    client.force_login(agent)

    social_page = client.get(reverse("social:inbox")).text
    assert 'class="badge text-bg-warning channel-badge">Parley</span>' in social_page
    assert client.get(reverse("incident_detail", args=[incident.number])).status_code == 200
    assert client.get(f"/api/v1/incidents/{incident.number}/").json()["channel"] == "parley"
    assert client.get("/api/v1/social/messages/?channel=parley").json()["results"][0]["channel"] == "parley"


def test_a_platform_without_polling_is_never_polled(desk):
    desk.poll_enabled = True
    desk.save(update_fields=["poll_enabled"])
    tasks.poll_accounts.apply().get()
    assert "poll" not in [name for name, _ in parley.calls]


def test_adding_a_platform_changes_no_migration(parley_registered):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)  # SystemExit(1) if a change was found
    assert "No changes detected" in out.getvalue()
