"""`/api/v1/listening/`: heard posts with filters, per role, in constant queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from listening.services import heard_message_convert
from tickets.models import Channel

from ...factories import ServiceFactory
from ...queries import get_queries
from ...social.factories import SocialAccountFactory
from ...tickets.api.conftest import client_for
from ..factories import HeardMessageFactory, ListeningQueryFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/listening/"


@pytest.fixture
def heard(agent):
    vpn = ServiceFactory(name="VPN")
    query = ListeningQueryFactory(name="VPN", service=vpn)
    down = HeardMessageFactory(query=query, text="VPN down again", posted_at=timezone.now() - timedelta(hours=1))
    praise = HeardMessageFactory(
        channel=Channel.FACEBOOK, query=None, service=None, author_handle="", text="Great page",
        sentiment_label="positive", sentiment_score=0.9, intent="praise",
    )  # fmt: skip
    heard_message_convert(message=down, actor=agent)
    return {"vpn": vpn, "query": query, "down": down, "praise": praise}


def test_agents_list_heard_posts_newest_first(agent, heard):
    answer = client_for(agent).get(URL).json()
    rows = answer["results"]
    assert [r["id"] for r in rows] == [heard["praise"].pk, heard["down"].pk]
    down = rows[1]
    heard["down"].refresh_from_db()
    assert down == {
        "id": heard["down"].pk,
        "channel": "twitter",
        "external_id": heard["down"].external_id,
        "kind": "mention",
        "author": {
            "id": heard["down"].author_id,
            "handle": heard["down"].author_handle,
            "name": heard["down"].author_name,
        },
        "text": "VPN down again",
        "url": heard["down"].url,
        "posted_at": down["posted_at"],
        "heard_at": down["heard_at"],
        "service": heard["vpn"].pk,
        "query": "VPN",
        "sentiment": -0.8,
        "sentiment_label": "negative",
        "intent": "complaint",
        "incident": heard["down"].incident.number,
    }
    assert rows[0]["incident"] is None and rows[0]["service"] is None


def test_filters(manager, heard):
    client = client_for(manager)

    def ids(query):
        return [r["id"] for r in client.get(f"{URL}?{query}").json()["results"]]

    assert ids(f"service={heard['vpn'].pk}") == [heard["down"].pk]
    assert ids(f"query={heard['query'].pk}") == [heard["down"].pk]
    assert ids("service=abc") == [] and ids("service=²") == []
    assert ids("channel=facebook") == [heard["praise"].pk]
    assert ids("sentiment=positive") == [heard["praise"].pk]
    assert ids("intent=praise") == [heard["praise"].pk]
    assert ids("intent=complaint") == [heard["down"].pk]
    assert ids("q=vpn") == [heard["down"].pk]
    assert ids("incident=true") == [heard["down"].pk]
    assert ids("incident=false") == [heard["praise"].pk]
    since = (timezone.now() - timedelta(minutes=30)).isoformat().replace("+00:00", "Z")
    assert ids(f"since={since}") == [heard["praise"].pk]
    assert ids(f"until={since}") == [heard["down"].pk]


def test_customers_may_not(customer, heard):
    assert client_for(customer).get(URL).status_code == 403


def test_constant_queries(agent, heard):
    client = client_for(agent)
    few = get_queries(client, URL)
    account = SocialAccountFactory()
    HeardMessageFactory.create_batch(20, account=account)
    assert get_queries(client, URL) == few
