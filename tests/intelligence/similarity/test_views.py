"""The incident page's similar-incidents panel."""

import pytest

from tests.factories import ProblemFactory
from tests.queries import get_queries
from tickets import services
from tickets.models import ProblemStatus

pytestmark = pytest.mark.django_db


def test_the_incident_page_loads_the_panel(agent_client, vpn_desk):
    page = agent_client.get(f"/incidents/{vpn_desk['vpn'].number}/").content.decode()
    assert f'hx-get="/intelligence/incidents/{vpn_desk["vpn"].number}/similar/"' in page


def test_the_panel_lists_similar_incidents_with_their_known_error(agent_client, agent, vpn_desk):
    problem = ProblemFactory(title="VPN concentrator drops tunnels", actor=agent)
    services.problem_link_incidents(problem=problem, incidents=[vpn_desk["vpn2"]], actor=agent)
    services.problem_transition(
        problem=problem, actor=agent, to_status=ProblemStatus.KNOWN_ERROR, workaround="Reconnect with the TCP profile."
    )
    panel = agent_client.get(f"/intelligence/incidents/{vpn_desk['vpn'].number}/similar/").content.decode()
    assert vpn_desk["vpn2"].number in panel and vpn_desk["vpn3"].number in panel
    assert "Reconnect with the TCP profile." in panel
    assert vpn_desk["mail"].number not in panel


def test_the_panel_costs_the_same_queries_whatever_it_shows(agent_client, vpn_desk):
    # session, user, permissions (2), the incident, its known errors, the lookup's three (problems come along)
    assert get_queries(agent_client, f"/intelligence/incidents/{vpn_desk['vpn'].number}/similar/") == 9
    assert get_queries(agent_client, f"/intelligence/incidents/{vpn_desk['printer'].number}/similar/") == 9


def test_customers_do_not_see_it(customer_client, vpn_desk):
    response = customer_client.get(f"/intelligence/incidents/{vpn_desk['vpn'].number}/similar/")
    assert response.status_code in (302, 403)


def test_an_agent_merges_an_incident_from_the_panel(agent_client, vpn_desk):
    duplicate, survivor = vpn_desk["vpn2"], vpn_desk["vpn"]
    panel = agent_client.get(f"/intelligence/incidents/{duplicate.number}/similar/").content.decode()
    assert f"Merge {duplicate.number} into {survivor.number}" in panel
    response = agent_client.post(f"/intelligence/incidents/{duplicate.number}/merge/", {"into": survivor.number})
    assert response.status_code == 302 and response["Location"] == f"/incidents/{survivor.number}/"
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == survivor
    page = agent_client.get(f"/incidents/{duplicate.number}/").content.decode()
    assert f"Duplicate of {survivor.number}" in page
    # A merged incident is not proposed as similar any more.
    assert (
        duplicate.number not in agent_client.get(f"/intelligence/incidents/{survivor.number}/similar/").content.decode()
    )


def test_a_merge_into_nothing_says_why(agent_client, vpn_desk):
    response = agent_client.post(
        f"/intelligence/incidents/{vpn_desk['vpn'].number}/merge/", {"into": "INC404"}, follow=True
    )
    assert "There is no incident INC404 to merge into." in response.content.decode()
