"""Filtering (django-filter), search and ordering of the incident list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tickets import services

from ...factories import AgentFactory, ContactFactory, IncidentFactory, ProblemFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(agent, contact):
    """Five incidents that differ in every filtered field."""
    now = timezone.now()
    vpn, email = ServiceFactory(name="VPN"), ServiceFactory(name="Email")
    other_agent = AgentFactory(username="agent2")
    bob = ContactFactory(name="Bob")
    incidents = {
        "old_vpn": IncidentFactory(
            reporter=contact, title="VPN drops", service=vpn, impact=1, urgency=1, opened_at=now - timedelta(days=10)
        ),
        "twitter": IncidentFactory(reporter=bob, title="Email bounces", service=email, channel="twitter"),
        "major": IncidentFactory(reporter=contact, title="Everything is down", major=True, impact=1, urgency=2),
        "assigned": IncidentFactory(reporter=bob, title="Printer jam", assignee=other_agent),
        "linked": IncidentFactory(reporter=contact, title="VPN slow", service=vpn),
    }
    services.incident_transition(incident=incidents["old_vpn"], to_status="in_progress", actor=agent)
    problem = ProblemFactory(incidents=[incidents["linked"]])
    return {"incidents": incidents, "vpn": vpn, "agent2": other_agent, "bob": bob, "problem": problem, "now": now}


def titles(client, query: str) -> list[str]:
    response = client.get(f"/api/v1/incidents/?{query}")
    assert response.status_code == 200, response.json()
    return [i["title"] for i in response.json()["results"]]


def test_filters(as_agent, desk):
    assert titles(as_agent, "status=in_progress") == ["VPN drops"]
    assert titles(as_agent, "status=in_progress&status=new&ordering=number") == [
        "VPN drops",
        "Email bounces",
        "Everything is down",
        "Printer jam",
        "VPN slow",
    ]
    assert titles(as_agent, "priority=1") == ["VPN drops"]
    assert titles(as_agent, "priority=1&priority=2") == ["Everything is down", "VPN drops"]
    assert titles(as_agent, "channel=twitter") == ["Email bounces"]
    assert titles(as_agent, f"service={desk['vpn'].pk}") == ["VPN slow", "VPN drops"]
    assert titles(as_agent, f"assignee={desk['agent2'].pk}") == ["Printer jam"]
    assert titles(as_agent, "unassigned=false") == ["Printer jam"]
    assert titles(as_agent, f"reporter={desk['bob'].pk}") == ["Printer jam", "Email bounces"]
    assert titles(as_agent, f"problem={desk['problem'].number}") == ["VPN slow"]
    assert titles(as_agent, "major=true") == ["Everything is down"]


@pytest.mark.parametrize("query", ["major=null", "major=maybe", "unassigned=yes please"])
def test_a_yes_or_no_filter_that_is_neither_is_a_400_not_every_row(as_agent, desk, query):
    response = as_agent.get(f"/api/v1/incidents/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["errors"]


def test_date_ranges(as_agent, desk):
    yesterday = (desk["now"] - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert titles(as_agent, f"created_before={yesterday}") == ["VPN drops"]
    assert "VPN drops" not in titles(as_agent, f"created_after={yesterday}")
    assert titles(as_agent, f"updated_after={yesterday}&created_before={yesterday}") == ["VPN drops"]
    assert titles(as_agent, f"updated_before={yesterday}") == []


def test_times_with_any_offset_are_compared_in_utc(as_agent, desk):
    """ISO 8601 allows offsets PostgreSQL does not (beyond ±15:59): they still work."""
    in_ten_days = desk["now"] + timedelta(days=10)
    far_offset = in_ten_days.astimezone(timezone.get_fixed_timezone(-(17 * 60 + 37))).isoformat()
    assert titles(as_agent, f"created_before={far_offset.replace('+', '%2B')}")[-1] == "VPN drops"
    assert titles(as_agent, "created_after=0102-06-21T13:52:31.8-17:37")[-1] == "VPN drops"


def test_search_matches_the_number_exactly_or_words_as_the_console_does(as_agent, desk, agent):
    assert titles(as_agent, "search=vpn") == ["VPN slow", "VPN drops"]
    assert titles(as_agent, "search=vpn slow") == ["VPN slow"]
    assert titles(as_agent, "search=vpn -slow") == ["VPN drops"]
    services.comment_create(
        incident=desk["incidents"]["assigned"], body="Toner smudges", visibility="internal", author=agent
    )
    assert titles(as_agent, "search=toner") == ["Printer jam"]
    number = desk["incidents"]["assigned"].number
    assert titles(as_agent, f"search={number}") == ["Printer jam"]
    assert titles(as_agent, "search=INC000000") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=sleeping", "Select a valid choice. sleeping is not one of the available choices."),
        ("priority=9", "Select a valid choice. 9 is not one of the available choices."),
        ("service=abc", "Enter a whole number."),
        ("service=99999999999999999999", "Ensure this value is less than or equal to 9223372036854775807."),
        ("created_after=yesterday", "Enter a valid date/time."),
        ("created_after=0001-01-01T00:00:00%2B05:00", "Enter a valid date/time."),
    ],
)
def test_a_filter_value_it_cannot_use_is_a_400(as_agent, desk, query, message):
    response = as_agent.get(f"/api/v1/incidents/?{query}")
    assert response.status_code == 400
    name = query.split("=")[0]
    assert response.json()["errors"] == {name: [message]}


def test_ordering(as_agent, desk):
    assert titles(as_agent, "ordering=number") == [
        "VPN drops",
        "Email bounces",
        "Everything is down",
        "Printer jam",
        "VPN slow",
    ]
    assert titles(as_agent, "") == titles(as_agent, "ordering=-created_at")
    assert titles(as_agent, "")[-1] == "VPN drops"  # opened ten days ago
    assert titles(as_agent, "ordering=created_at")[0] == "VPN drops"
    assert titles(as_agent, "ordering=-updated_at")[0] == "VPN slow"  # just linked to a problem
    # Priority, most urgent first, then newest first within a priority.
    assert titles(as_agent, "ordering=priority") == [
        "VPN drops",
        "Everything is down",
        "VPN slow",
        "Printer jam",
        "Email bounces",
    ]
    assert titles(as_agent, "ordering=-priority") == list(reversed(titles(as_agent, "ordering=priority")))


def test_an_unknown_ordering_is_a_400(as_agent, desk):
    response = as_agent.get("/api/v1/incidents/?ordering=title")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "ordering": ["Order by one of created_at, updated_at, priority, number, or its reverse with -."]
    }
