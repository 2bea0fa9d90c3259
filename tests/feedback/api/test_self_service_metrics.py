"""`/api/v1/metrics/self-service/`: deflections, portal incidents and the deflection rate per
period; managers only; filters it cannot honour are a 400; in constant queries and the schema."""

import pytest

from feedback.rollups.refresh import rollups_rebuild

from ...queries import get_queries
from ...tickets.api.conftest import client_for
from ..dashboards.test_self_service import deflected  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
URL = "/api/v1/metrics/self-service/"
NOVEMBER = "grain=week&until=2026-11-29&periods=4"


def test_self_service_figures_per_period_with_the_previous_period(manager, deflected):  # noqa: F811
    answer = client_for(manager).get(f"{URL}?{NOVEMBER}").json()

    assert answer["total"] == {"deflections": 3, "portal_incidents": 9, "deflection_rate": 0.25}
    assert answer["previous_total"] == {"deflections": 1, "portal_incidents": 0, "deflection_rate": 1.0}
    assert [p["figures"]["portal_incidents"] for p in answer["periods"]] == [2, 3, 3, 1]
    assert answer["periods"][0]["link"] == (
        "http://testserver/dashboards/deflections/?since=2026-11-02&until=2026-11-08"
    )
    vpn = client_for(manager).get(f"{URL}?{NOVEMBER}&service={deflected['vpn'].pk}").json()
    assert vpn["total"] == {"deflections": 2, "portal_incidents": 6, "deflection_rate": 0.25}


def test_nothing_counted_is_a_rate_of_null(manager, db):
    assert client_for(manager).get(f"{URL}?{NOVEMBER}").json()["total"]["deflection_rate"] is None


def test_agents_and_customers_are_refused(agent, customer, db):
    assert client_for(agent).get(URL).status_code == 403
    assert client_for(customer).get(URL).status_code == 403


@pytest.mark.parametrize("query", ["group=1", "agent=1", "channel=api", "by=service"])
def test_a_filter_it_cannot_honour_is_a_400_that_says_so(manager, db, query):
    answer = client_for(manager).get(f"{URL}?{query}")
    assert answer.status_code == 400
    message = answer.json()["message"]
    assert "group or agent" in message or "no breakdown" in message or '"api" is not a valid choice' in message


def test_query_counts_do_not_depend_on_the_window_or_the_data(manager, desk):
    client = client_for(manager)
    empty = get_queries(client, f"{URL}?grain=day&periods=7")
    rollups_rebuild()
    assert {
        get_queries(client, f"{URL}?{q}") for q in ("grain=day&periods=90", NOVEMBER, "grain=month&periods=36")
    } == {empty}


def test_it_is_in_the_openapi_schema(client, db):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"][URL]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"grain", "periods", "until", "service"}
    figures = schema["components"]["schemas"]["SelfServiceFigures"]["properties"]
    assert set(figures) == {"deflections", "portal_incidents", "deflection_rate"}
