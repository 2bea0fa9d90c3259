"""Problems → Candidates, and /api/v1/problem-candidates/."""

import pytest

from intelligence.candidates.models import CandidateState
from tests.queries import get_queries

pytestmark = pytest.mark.django_db


def test_the_page_lists_candidates_with_members_terms_and_title(agent_client, proposed, vpn_storm):
    page = agent_client.get("/problems/candidates/").content.decode()
    for incident in vpn_storm["vpn"]:
        assert incident.number in page
    assert proposed.suggested_title in page and "Network" in page and "<code" in page


def test_the_page_costs_the_same_queries_for_any_number_of_members(agent_client, proposed, indexed_incident):
    # session, user, permissions (2), the spike banner's, candidates, their members
    before = get_queries(agent_client, "/problems/candidates/")
    indexed_incident(title="VPN disconnects all the time", description="VPN tunnel drops")
    from intelligence.candidates.services import candidates_refresh

    candidates_refresh()
    assert get_queries(agent_client, "/problems/candidates/") == before


def test_accepting_from_the_page_opens_the_problem(agent_client, proposed):
    response = agent_client.post(f"/problems/candidates/{proposed.pk}/accept/", {"title": "VPN drops"})
    proposed.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == f"/problems/{proposed.problem.number}/"
    assert proposed.problem.title == "VPN drops"


def test_dismissing_from_the_page(agent_client, proposed):
    response = agent_client.post(f"/problems/candidates/{proposed.pk}/dismiss/", follow=True)
    proposed.refresh_from_db()
    assert proposed.state == CandidateState.DISMISSED
    assert "will not be proposed together again" in response.content.decode()


def test_the_api_lists_candidates(agent_client, proposed, vpn_storm):
    response = agent_client.get("/api/v1/problem-candidates/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["suggested_title"] == proposed.suggested_title
    assert {m["number"] for m in row["members"]} == {i.number for i in vpn_storm["vpn"]}
    assert row["services"] == ["Network"] and row["top_terms"]


def test_the_api_accepts_and_dismisses(agent_client, proposed):
    response = agent_client.post(
        f"/api/v1/problem-candidates/{proposed.pk}/accept/", {}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["problem"].startswith("PRB")
    again = agent_client.post(f"/api/v1/problem-candidates/{proposed.pk}/dismiss/")
    assert again.status_code == 400 and "already accepted" in str(again.json())


def test_customers_may_not_see_candidates(customer_client, proposed):
    assert customer_client.get("/api/v1/problem-candidates/").status_code == 403
