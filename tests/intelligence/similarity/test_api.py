"""GET /api/v1/incidents/{number}/similar/."""

import pytest

from tests.queries import get_queries

pytestmark = pytest.mark.django_db


def test_it_answers_numbers_and_scores_best_first(agent_client, vpn_desk):
    response = agent_client.get(f"/api/v1/incidents/{vpn_desk['vpn'].number}/similar/?limit=2")
    assert response.status_code == 200
    body = response.json()
    assert [row["number"] for row in body] and len(body) == 2
    assert {row["number"] for row in body} == {vpn_desk["vpn2"].number, vpn_desk["vpn3"].number}
    assert body[0]["score"] >= body[1]["score"] > 0


def test_its_queries_are_counted(agent_client, vpn_desk):
    # session, user, the user's permissions (2: groups and own), the incident, then the lookup's three
    assert get_queries(agent_client, f"/api/v1/incidents/{vpn_desk['vpn'].number}/similar/") == 8


def test_a_bad_limit_is_a_clear_400(agent_client, vpn_desk):
    response = agent_client.get(f"/api/v1/incidents/{vpn_desk['vpn'].number}/similar/?limit=0")
    assert response.status_code == 400
    assert "limit" in response.json()["errors"] if "errors" in response.json() else "limit" in response.json()


def test_customers_may_not_ask(customer_client, vpn_desk):
    assert customer_client.get(f"/api/v1/incidents/{vpn_desk['vpn'].number}/similar/").status_code == 403


def test_an_unknown_incident_is_a_404(agent_client, db):
    assert agent_client.get("/api/v1/incidents/INC9999999/similar/").status_code == 404


def test_it_is_in_the_schema(agent_client):
    schema = agent_client.get("/api/schema/?format=json").json()
    assert "/api/v1/incidents/{number}/similar/" in schema["paths"]
