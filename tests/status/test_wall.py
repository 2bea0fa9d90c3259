"""The wall (/status/wall/): the desk's public broadcasts and its public answers on social media,
newest first, refreshing itself, cached; nothing private, nothing a person wrote."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from broadcasts import services as broadcasts
from social.events import Kind
from social.models import Direction, MessageState
from tickets import services as tickets
from tickets.models import Channel, Visibility

from ..factories import IncidentFactory, ServiceFactory
from ..queries import assert_queries, get_queries
from ..social.factories import InboundMessageFactory, SocialIdentityFactory, SocialMessageFactory

pytestmark = pytest.mark.django_db
# The broadcasts, their posts, and the desk's answers.
WALL_QUERIES = 3


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def desk_words(agent, manager, django_capture_on_commit_callbacks):
    """A published broadcast, a public reply on X, and, around them, what must never show: a
    direct message answered, a draft broadcast, a person's own message, an internal note, a
    reply still queued and one deleted at the platform."""
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        published = broadcasts.broadcast_create(
            by=agent,
            kind="maintenance",
            title="Printers offline on Saturday",
            text="The print servers are upgraded on Saturday from 8 to 10.",
            channels=["status"],
            services=[ServiceFactory(name="Printing")],
        )
        broadcasts.broadcast_submit(broadcast=published, by=agent)
    with django_capture_on_commit_callbacks(execute=True):
        broadcasts.broadcast_approve(broadcast=published, by=manager)
    broadcasts.broadcast_create(
        by=agent, kind="news", title="Draft tip", text="Not yet approved tip.", channels=["status"]
    )
    person = SocialIdentityFactory(handle="@jess_private", display_name="Jess Privatename")
    incident = IncidentFactory(channel=Channel.TWITTER, title="VPN broken at home for Jess Privatename")
    InboundMessageFactory(identity=person, incident=incident, text="@desk my VPN is broken, call me on 0612345678")
    SocialMessageFactory(
        incident=incident, state=MessageState.SENT, text="We have restarted the VPN gateway: please try again.",
        created_at=now - timedelta(minutes=5),
    )  # fmt: skip
    SocialMessageFactory(kind=Kind.DM, state=MessageState.SENT, text="Your one-time password is 4711.")
    SocialMessageFactory(state=MessageState.QUEUED, text="Queued, not yet published.")
    SocialMessageFactory(state=MessageState.SENT, deleted=True, text="A reply deleted at the platform.")
    tickets.comment_create(
        incident=incident,
        body="Internal: Jess is the CFO, handle with care",
        visibility=Visibility.INTERNAL,
        author=agent,
    )
    return published


def test_the_wall_shows_the_desks_public_words_newest_first_and_nothing_private(client, desk_words):
    response = client.get("/status/wall/")
    assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=15"
    page = response.content.decode()
    broadcast = page.index("The print servers are upgraded on Saturday from 8 to 10.")
    answer = page.index("We have restarted the VPN gateway: please try again.")
    assert broadcast < answer  # the broadcast is newer
    assert "Reply on X" in page and "Maintenance or change" in page
    for private in (
        "one-time password",  # a direct message
        "Not yet approved tip",  # a draft
        "0612345678",  # what the person wrote
        "Jess",  # the person's name or handle: the desk's words above do not say it
        "CFO",  # an internal note
        "Queued, not yet published",
        "deleted at the platform",
        "Sam",  # the agent's name
    ):
        assert private not in page, private


def test_it_refreshes_itself_without_a_cdn(client, desk_words):
    page = client.get("/status/wall/").content.decode()
    assert 'hx-get="/status/wall/items/"' in page and 'hx-trigger="every 30s"' in page
    assert "//cdn" not in page and "https://" not in page.split("<body", 1)[0]
    fragment = client.get("/status/wall/items/").content.decode()
    assert "We have restarted the VPN gateway" in fragment and "<html" not in fragment


def test_it_is_read_in_a_fixed_number_of_queries_and_then_served_from_the_cache(client, desk_words):
    with assert_queries(WALL_QUERIES):
        client.get("/status/wall/")
    assert get_queries(client, "/status/wall/") == 0
    for n in range(5):
        SocialMessageFactory(state=MessageState.SENT, text=f"Answer {n}", direction=Direction.OUTBOUND)
    cache.clear()
    with assert_queries(WALL_QUERIES):
        page = client.get("/status/wall/").content.decode()
    assert "Answer 4" in page
