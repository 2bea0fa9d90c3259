"""/api/v1/social/messages/: agents read the messages in and out, filtered, keyset-paginated,
with their sentiment score, in a constant number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import SentimentScore
from social.events import Kind
from social.models import MessageState
from tickets.models import Channel

from ...factories import IncidentFactory
from ...queries import get_queries
from ..factories import InboundMessageFactory, SocialIdentityFactory, SocialMessageFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/social/messages/"
AUTH = 3  # token + user, user permissions, group permissions


def detail(message) -> str:
    return f"{LIST}{message.pk}/"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def score(message, compound: float) -> SentimentScore:
    return SentimentScore.objects.create(
        message=message,
        score=compound,
        label="negative" if compound <= -0.05 else "positive" if compound >= 0.05 else "neutral",
        model_version="test",
        compound=compound,
        positive=0.1,
        neutral=0.8,
        negative=0.1,
        scored_at=timezone.now(),
        channel=message.channel,
        incident=message.incident,
        created_at=message.created_at,
    )


# --- who may ----------------------------------------------------------------------------------


def test_anonymous_callers_are_told_to_authenticate(as_anonymous):
    message = InboundMessageFactory()
    for url in (LIST, detail(message)):
        response = as_anonymous.get(url)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated" and response["WWW-Authenticate"] == "Token"


def test_customers_and_people_without_a_role_are_refused(as_customer, as_outsider):
    message = InboundMessageFactory()
    for client in (as_customer, as_outsider):
        for url in (LIST, detail(message)):
            response = client.get(url)
            assert response.status_code == 403
            assert response.json() == {
                "message": "Only service desk agents and managers may use this.",
                "code": "permission_denied",
                "errors": {},
            }


def test_agents_and_managers_may(as_agent, as_manager):
    message = InboundMessageFactory()
    for client in (as_agent, as_manager):
        assert ids(client.get(LIST)) == [message.pk]
        assert client.get(detail(message)).status_code == 200


# --- what an item says ------------------------------------------------------------------------


def test_an_inbound_message_with_its_incident_and_sentiment(as_agent, contact):
    incident = IncidentFactory(reporter=contact, channel=Channel.TWITTER)
    jess = SocialIdentityFactory(handle="@jess", display_name="Jess", contact=contact)
    message = InboundMessageFactory(
        incident=incident, identity=jess, external_id="1850000000000000001", text="<b>VPN down</b> again"
    )
    score(message, -0.4767)
    item = as_agent.get(detail(message)).json()
    assert item == {
        "id": message.pk,
        "external_id": "1850000000000000001",
        "channel": "twitter",
        "direction": "inbound",
        "kind": "mention",
        "author": {"name": "Jess", "handle": "@jess"},
        "text": "<b>VPN down</b> again",
        "incident": incident.number,
        "state": "new_incident",
        "state_reason": "",
        "deleted": False,
        "hidden": False,
        "created_at": message.created_at.isoformat().replace("+00:00", "Z"),
        "sentiment": -0.4767,
        "sentiment_label": "negative",
        "url": "https://x.com/i/status/1850000000000000001",
    }
    assert as_agent.get(LIST).json()["results"] == [item]


def test_an_outbound_message_not_sent_and_unscored(as_agent):
    message = SocialMessageFactory(
        direction="outbound", kind=Kind.REPLY, state="failed", state_reason="Rate limited", author_name="Desk"
    )
    item = as_agent.get(detail(message)).json()
    assert item["external_id"] == "" and item["url"] == "" and item["incident"] is None
    assert item["author"] == {"name": "Desk", "handle": ""}
    assert (item["state"], item["state_reason"], item["sentiment"], item["sentiment_label"]) == (
        "failed",
        "Rate limited",
        None,
        None,
    )


def test_an_answer_is_authored_by_the_agent_not_by_the_person_it_answers(as_agent):
    jess = SocialIdentityFactory(handle="@jess", display_name="Jess")
    message = SocialMessageFactory(direction="outbound", identity=jess, author_name="Sam Agent", state="sent")
    assert as_agent.get(detail(message)).json()["author"] == {"name": "Sam Agent", "handle": ""}


def test_a_deleted_message(as_agent):
    message = InboundMessageFactory(deleted=True, text="")
    assert as_agent.get(detail(message)).json()["deleted"] is True


def test_an_unknown_message_is_a_404(as_agent):
    response = as_agent.get(f"{LIST}999999/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


# --- filters ----------------------------------------------------------------------------------


@pytest.fixture
def assorted(contact):
    incident = IncidentFactory(reporter=contact, channel=Channel.TWITTER)
    start = timezone.now() - timedelta(hours=1)

    def at(minutes, **kwargs):
        return InboundMessageFactory(created_at=start + timedelta(minutes=minutes), **kwargs)

    return {
        "mention": at(0, incident=incident, external_id="111"),
        "dm": at(1, kind=Kind.DM, state=MessageState.JOINED, incident=incident),
        "comment": at(2, channel="facebook", kind=Kind.COMMENT, state=MessageState.IGNORED),
        "messenger": at(3, channel="facebook", kind=Kind.MESSENGER, state=MessageState.RECORDED),
        "answer": at(4, direction="outbound", kind=Kind.REPLY, state=MessageState.FAILED, incident=incident),
    }, incident


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("channel=twitter", ["answer", "dm", "mention"]),
        ("channel=twitter&channel=facebook", ["answer", "messenger", "comment", "dm", "mention"]),
        ("direction=inbound", ["messenger", "comment", "dm", "mention"]),
        ("direction=outbound", ["answer"]),
        ("kind=dm&kind=messenger", ["messenger", "dm"]),
        ("kind=comment", ["comment"]),
        ("external_id=111", ["mention"]),
        ("state=ignored&state=recorded", ["messenger", "comment"]),
        ("state=failed", ["answer"]),
        ("incident={number}", ["answer", "dm", "mention"]),
        ("incident={lower}", ["answer", "dm", "mention"]),
        ("incident=INC9999999", []),
        ("channel=twitter&direction=inbound&kind=mention", ["mention"]),
    ],
)
def test_filters(as_agent, assorted, query, expected):
    made, incident = assorted
    url = f"{LIST}?{query.format(number=incident.number, lower=incident.number.lower())}"
    assert ids(as_agent.get(url)) == [made[name].pk for name in expected]


@pytest.mark.parametrize(
    "query", ["channel=web", "direction=sideways", "kind=tweet", "state=lost", "ordering=text", "page_size=0"]
)
def test_a_filter_it_cannot_use_is_a_400_naming_it(as_agent, query):
    response = as_agent.get(f"{LIST}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and list(body["errors"]) == [query.split("=")[0]]


# --- pages and cost ---------------------------------------------------------------------------


def test_pages_follow_on_newest_first_and_back(as_agent):
    start = timezone.now() - timedelta(hours=2)
    made = [InboundMessageFactory(created_at=start + timedelta(minutes=n)) for n in range(5)]
    InboundMessageFactory(created_at=made[2].created_at)  # a tie, broken by id
    first = as_agent.get(f"{LIST}?page_size=4").json()
    second = as_agent.get(first["next"]).json()
    assert second["next"] is None and len(second["results"]) == 2
    everything = [item["id"] for item in first["results"] + second["results"]]
    assert len(set(everything)) == 6
    times = [item["created_at"] for item in first["results"] + second["results"]]
    assert times == sorted(times, reverse=True)
    back = as_agent.get(second["previous"]).json()
    assert [item["id"] for item in back["results"]] == [item["id"] for item in first["results"]]
    oldest_first = as_agent.get(f"{LIST}?ordering=created_at&page_size=1").json()
    assert oldest_first["results"][0]["id"] == made[0].pk


def count_queries(client, url: str, rows: int) -> int:
    assert len(client.get(url).json()["results"]) == rows
    return get_queries(client, url)


def test_the_list_costs_the_same_for_ten_and_a_hundred_messages(as_agent, contact):
    incident = IncidentFactory(reporter=contact, channel=Channel.TWITTER)

    def add(count):
        for n in range(count):
            message = InboundMessageFactory(incident=incident)
            if n % 3:
                score(message, 0.5)
            SocialMessageFactory(direction="outbound", incident=incident if n % 2 else None)

    queries = {
        "?": (10, 100),
        f"?incident={incident.number}&direction=inbound": (5, 50),
        "?channel=twitter&kind=mention&state=new_incident": (5, 50),
    }
    add(5)
    ten = [count_queries(as_agent, f"{LIST}{query}&page_size=200", rows[0]) for query, rows in queries.items()]
    add(45)
    hundred = [count_queries(as_agent, f"{LIST}{query}&page_size=200", rows[1]) for query, rows in queries.items()]
    # The page, with identities and scores joined and the incident's number: one query.
    assert ten == hundred == [AUTH + 1] * 3
    cursor = as_agent.get(f"{LIST}?page_size=10").json()["next"]
    assert count_queries(as_agent, cursor, 10) == AUTH + 1


def test_the_detail_is_one_query(as_agent):
    message = InboundMessageFactory()
    score(message, 0.1)
    assert get_queries(as_agent, detail(message)) == AUTH + 1
