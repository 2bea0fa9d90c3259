"""Fixtures of the outbox's tests: a Facebook page with a token to post with, Graph mocked at
HTTP (the Facebook client underneath is the real one), and a visitor's post processed into an
incident, whose acknowledgement waits in the outbox."""

import pytest
import responses
from django.utils import timezone

from social.events import SHARDS, Kind, ParsedEvent
from social.inbox.claim import process_pending
from social.inbox.store import inbound_store
from social.models import Direction, SocialMessage
from social.outbox import send as outbox_send
from tickets.models import Incident

from ..factories import SocialAccountFactory

PAGE = "2000"
GRAPH = "https://graph.facebook.com/v25.0"


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.FACEBOOK_GRAPH_VERSION = "v25.0"


@pytest.fixture
def page(db):
    return SocialAccountFactory(
        channel="facebook", external_id=PAGE, handle="Desk", app_secret="s", page_access_token="page-token"
    )


@pytest.fixture
def graph():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def visitor_post(external_id="2000_1", kind=Kind.POST, **fields) -> Incident:
    fields.setdefault("thread_key", external_id)
    inbound_store(
        events=[
            ParsedEvent(
                channel="facebook",
                account_id=PAGE,
                external_id=external_id,
                kind=kind,
                author_id="77",
                author_name="Pat",
                text="The wifi is down",
                created_at=timezone.now(),
                **fields,
            )
        ]
    )
    for shard in range(SHARDS):
        process_pending(shard=shard)
    return Incident.objects.get()


def the_acknowledgement() -> SocialMessage:
    return SocialMessage.objects.get(direction=Direction.OUTBOUND, comment__isnull=True)


def send(message: SocialMessage) -> SocialMessage:
    outbox_send.message_send(message_id=message.pk)
    message.refresh_from_db()
    return message


def make_due(message: SocialMessage) -> None:
    SocialMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
