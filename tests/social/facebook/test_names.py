"""Messenger people arrive as an id ("987654321432"): with the page's token a worker asks the
Graph API for their name, and the contact is called by it. Graph is mocked at HTTP with a
recorded person object ({id, name}, the `from` of a recorded comment delivery)."""

import pytest
import responses
from django.core.cache import cache

from social.events import SHARDS
from social.facebook.inbound import parse
from social.identities import identity_names_fill
from social.inbox.claim import process_pending
from social.inbox.store import inbound_store
from social.models import SocialIdentity
from tickets.models import Channel

from ..factories import SocialAccountFactory

pytestmark = pytest.mark.django_db

MESSENGER_PAGE = "12345654332"  # the page of the recorded Messenger deliveries
PERSON = "987654321432"


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.FACEBOOK_GRAPH_VERSION = "v25.0"
    cache.clear()


def messenger_person(delivery) -> SocialIdentity:
    inbound_store(events=parse(delivery("messaging-message-basic")))
    for shard in range(SHARDS):
        process_pending(shard=shard)
    return SocialIdentity.objects.select_related("contact").get(channel=Channel.FACEBOOK, external_id=PERSON)


def test_a_person_known_by_id_gets_their_name_from_the_graph_api(graph_api, delivery):
    SocialAccountFactory(channel=Channel.FACEBOOK, external_id=MESSENGER_PAGE, app_secret="s", page_access_token="t")
    identity = messenger_person(delivery)
    assert (identity.display_name, identity.contact.name) == ("", PERSON)  # the "4004" of the issue
    recorded = delivery("feed-comment-add-211")["entry"][0]["changes"][0]["value"]["from"]
    graph_api.get(f"https://graph.facebook.com/v25.0/{PERSON}", json={**recorded, "id": PERSON})

    assert identity_names_fill() == 1

    identity.refresh_from_db()
    identity.contact.refresh_from_db()
    assert (identity.display_name, identity.contact.name) == (recorded["name"], recorded["name"])
    request = graph_api.calls[0].request
    assert "fields=name" in request.url and "appsecret_proof=" in request.url
    assert identity_names_fill() == 0  # named: nobody is asked about twice (no other call is mocked)


def test_without_a_page_token_nobody_is_asked(graph_api, delivery):
    SocialAccountFactory(channel=Channel.FACEBOOK, external_id=MESSENGER_PAGE, app_secret="s")  # no token
    identity = messenger_person(delivery)
    assert identity_names_fill() == 0
    identity.contact.refresh_from_db()
    assert identity.contact.name == PERSON


def test_a_person_graph_will_not_name_is_left_alone_for_a_day_and_a_name_given_by_an_agent_is_kept(graph_api, delivery):
    SocialAccountFactory(channel=Channel.FACEBOOK, external_id=MESSENGER_PAGE, app_secret="s", page_access_token="t")
    identity = messenger_person(delivery)
    graph_api.get(
        f"https://graph.facebook.com/v25.0/{PERSON}",
        status=400,
        json={"error": {"message": "Unsupported get request.", "type": "GraphMethodException", "code": 100}},
    )
    assert identity_names_fill() == 0
    assert identity_names_fill() == 0  # not asked again (a second request would find no mock)
    assert len(graph_api.calls) == 1

    cache.clear()
    identity.contact.name = "Ivo Petrov"
    identity.contact.save(update_fields=["name"])
    graph_api.replace(responses.GET, f"https://graph.facebook.com/v25.0/{PERSON}", json={"id": PERSON, "name": "I. P."})
    assert identity_names_fill() == 1
    identity.contact.refresh_from_db()
    assert identity.contact.name == "Ivo Petrov"  # the agent's name for them stays
    assert SocialIdentity.objects.get(pk=identity.pk).display_name == "I. P."
