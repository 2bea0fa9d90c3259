"""`/api/v1/satisfaction/`: ratings with filters, per role, in constant queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.surveys.models import Survey

from ...factories import IncidentFactory, ServiceFactory
from ...queries import get_queries
from ...tickets.api.conftest import client_for

pytestmark = pytest.mark.django_db


def rate(incident, score: int, *, medium: str = "portal", comment: str = "", days_ago: int = 0) -> Survey:
    now = timezone.now() - timedelta(days=days_ago)
    return Survey.objects.create(
        incident=incident, medium=medium, state="answered", send_after=now, sent_at=now, rating=score,
        comment=comment, answered_at=now, created_at=now,
    )  # fmt: skip


@pytest.fixture
def ratings(agent):
    vpn = ServiceFactory(name="VPN")
    mine = IncidentFactory(service=vpn, assignee=agent)
    other = IncidentFactory()
    return {
        "vpn": vpn,
        "mine": rate(mine, 5, comment="Quick, thanks", days_ago=1),
        "other": rate(other, 2, medium="x", comment="Slow"),
        "unanswered": Survey.objects.create(
            incident=IncidentFactory(), medium="email", send_after=timezone.now(), created_at=timezone.now()
        ),
    }


def test_managers_list_every_rating_newest_first(manager, ratings):
    answer = client_for(manager).get("/api/v1/satisfaction/").json()
    assert [(r["score"], r["channel"], r["comment"]) for r in answer["results"]] == [
        (2, "x", "Slow"),
        (5, "portal", "Quick, thanks"),
    ]
    assert answer["results"][1]["incident"] == ratings["mine"].incident.number
    assert set(answer["results"][0]) == {"id", "incident", "score", "channel", "comment", "created_at"}


def test_filters_by_service_channel_agent_and_time(manager, agent, ratings):
    client = client_for(manager)

    def scores(query):
        return [r["score"] for r in client.get(f"/api/v1/satisfaction/?{query}").json()["results"]]

    assert scores(f"service={ratings['vpn'].pk}") == [5]
    assert scores("channel=x") == [2]
    assert scores(f"agent={agent.pk}") == [5]
    since = (timezone.now() - timedelta(hours=12)).isoformat().replace("+00:00", "Z")
    assert scores(f"since={since}") == [2]


def test_agents_see_the_ratings_of_their_incidents_and_customers_none(agent, customer, ratings):
    assert [r["score"] for r in client_for(agent).get("/api/v1/satisfaction/").json()["results"]] == [5]
    assert client_for(customer).get("/api/v1/satisfaction/").status_code == 403


def test_one_page_is_a_constant_number_of_queries(manager, ratings):
    client = client_for(manager)
    few = get_queries(client, "/api/v1/satisfaction/")
    for n in range(10):
        rate(IncidentFactory(), 1 + n % 5)
    assert get_queries(client, "/api/v1/satisfaction/") == few
