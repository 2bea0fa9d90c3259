"""`/api/v1/metrics/…`: the dashboards' figures as JSON, per role, in constant queries, in the schema."""

import pytest

from feedback.rollups.refresh import rollups_rebuild

from ...queries import get_queries
from ...tickets.api.conftest import client_for

pytestmark = pytest.mark.django_db
NOVEMBER = "grain=week&until=2026-11-29&periods=4"


@pytest.fixture
def rolled_up(desk):
    rollups_rebuild()
    return desk


def test_service_metrics_per_period_with_the_previous_period_and_links(manager, rolled_up):
    answer = client_for(manager).get(f"/api/v1/metrics/service/?{NOVEMBER}").json()
    assert answer["grain"] == "week" and answer["time_zone"] == "Europe/Paris"
    assert [p["start"] for p in answer["periods"]] == ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]
    assert answer["previous_periods"][0]["start"] == "2026-10-05"
    assert answer["total"]["opened"] == 12 and answer["previous_total"]["opened"] == 0
    assert sum(p["figures"]["opened"] for p in answer["periods"]) == 12
    assert answer["periods"][-1]["figures"]["backlog"] == answer["total"]["backlog"]
    first = answer["periods"][0]
    assert first["link"].startswith("http://testserver/incidents/?status=&opened=2026-11-02..2026-11-08")
    assert set(first["figures"]["first_response_minutes"]) == {"median", "p90"}
    assert 0 <= answer["total"]["response_met"] <= 1


def test_sentiment_metrics_and_a_breakdown(manager, rolled_up):
    answer = client_for(manager).get(f"/api/v1/metrics/sentiment/?{NOVEMBER}&by=channel").json()
    assert answer["total"] == {
        "messages": 6,
        "negative": 3,
        "negative_share": 0.5,
        "average_sentiment": pytest.approx(0.025),
    }
    assert {row["value"]: row["figures"]["messages"] for row in answer["breakdown"]} == {"facebook": 3, "twitter": 3}
    assert answer["periods"][0]["link"].startswith("http://testserver/dashboards/messages/?since=2026-11-02")


def test_agents_get_their_own_figures_and_customers_none(agent, customer, rolled_up):
    ana = rolled_up["ana"]
    mine = client_for(ana).get(f"/api/v1/metrics/service/?{NOVEMBER}&agent={rolled_up['ben'].pk}").json()
    assert mine["filters"] == {"agent": ana.pk}
    assert mine["total"]["opened"] == sum(1 for i in rolled_up["incidents"] if i.assignee_id == ana.pk)
    assert client_for(agent).get(f"/api/v1/metrics/service/?{NOVEMBER}").json()["total"]["opened"] == 0
    for path in ("/api/v1/metrics/service/", "/api/v1/metrics/sentiment/"):
        assert client_for(customer).get(path).status_code == 403
        assert client_for(None).get(path).status_code == 401


def test_bad_parameters_are_a_400_that_says_which(manager, db):
    answer = client_for(manager).get("/api/v1/metrics/service/?grain=year&periods=0")
    assert answer.status_code == 400
    assert "grain" in str(answer.json()) and "periods" in str(answer.json())


@pytest.mark.parametrize("query", ["service=vpn", "group=-1", "agent=1.5", "channel=pigeon", "service=9999999999"])
def test_a_filter_it_cannot_use_is_a_400_not_every_row(manager, db, query):
    answer = client_for(manager).get(f"/api/v1/metrics/sentiment/?{query}")
    assert answer.status_code == 400
    assert query.split("=")[0] in answer.json()["errors"]


def test_an_empty_parameter_is_one_not_given_as_the_schema_says(manager, rolled_up):
    client = client_for(manager)
    empty = client.get(f"/api/v1/metrics/service/?{NOVEMBER}&service=&channel=&group=&agent=&by=")
    assert empty.status_code == 200
    assert empty.json() == client.get(f"/api/v1/metrics/service/?{NOVEMBER}").json()
    parameters = {
        parameter["name"]: parameter["schema"]
        for parameter in client.get("/api/schema/?format=json").json()["paths"]["/api/v1/metrics/service/"]["get"][
            "parameters"
        ]
    }
    assert "" in parameters["by"]["enum"] and "" in parameters["channel"]["enum"]
    assert parameters["service"]["oneOf"] == [
        {"type": "string", "pattern": "^(none|[1-9][0-9]{0,8})$"},
        {"type": "string", "maxLength": 0},
    ]


@pytest.mark.parametrize("path", ["/api/v1/metrics/service/", "/api/v1/metrics/sentiment/"])
def test_query_counts_do_not_depend_on_the_window_or_the_data(manager, desk, path):
    client = client_for(manager)
    empty = get_queries(client, f"{path}?grain=day&periods=7")
    rollups_rebuild()
    assert {
        get_queries(client, f"{path}?{q}") for q in ("grain=day&periods=90", NOVEMBER, "grain=month&periods=36")
    } == {empty}
    assert (
        get_queries(client, f"{path}?{NOVEMBER}&by=agent") == empty + 4
    )  # the breakdown, and the names of services, groups and people


def test_the_metrics_are_in_the_openapi_schema(client, db):
    schema = client.get("/api/schema/?format=json").json()
    for path in ("/api/v1/metrics/service/", "/api/v1/metrics/sentiment/"):
        operation = schema["paths"][path]["get"]
        assert {p["name"] for p in operation["parameters"]} >= {"grain", "periods", "until", "service", "by"}
    assert "ServiceMetrics" in schema["components"]["schemas"]


def test_a_window_out_of_the_calendar_is_a_400_and_on_the_pages_ignored(client, manager, db):
    answer = client_for(manager).get("/api/v1/metrics/service/?grain=month&periods=36&until=0001-01-01")
    assert answer.status_code == 400 and "until" in answer.json()["errors"]
    client.force_login(manager)
    assert client.get("/dashboards/service/?grain=month&until=9999-12-31").status_code == 200


def test_a_breakdowns_rows_answer_every_figure(manager, rolled_up):
    vpn = rolled_up["vpn"].pk
    answer = client_for(manager).get(f"/api/v1/metrics/service/?{NOVEMBER}&service={vpn}&by=service").json()
    [row] = answer["breakdown"]
    assert row["value"] == str(vpn)
    assert row["figures"] | {"backlog": None} == answer["total"] | {"backlog": None}
    assert row["figures"]["resolution_minutes"]["median"] is not None
