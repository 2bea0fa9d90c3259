"""Self-service on the service dashboard: deflections beside the incidents the portal raised
and the deflection rate, per period beside the previous one, rolled up as deflections are made,
each number leading to what it counts; managers only."""

import uuid
from datetime import UTC, datetime

import pytest
from django.http import HttpRequest

from feedback.rollup_models import DeflectionRollup
from feedback.rollups.refresh import rollups_rebuild, rollups_refresh
from tickets import services as tickets
from tickets.models import DeflectionKind

from ...factories import CustomerFactory, ProblemFactory
from ...queries import assert_queries, get_queries
from ..conftest import at

pytestmark = pytest.mark.django_db
NOVEMBER_WEEKS = "grain=week&until=2026-11-29&periods=4"


def deflect(*, when: datetime, user=None, problem=None, service=None) -> None:
    kind = DeflectionKind.KNOWN_ERROR if problem else DeflectionKind.OUTAGE
    tickets.deflection_record(
        key=uuid.uuid4(),
        kind=kind,
        text="The VPN drops every hour",
        user=user,
        problem=problem,
        service=service,
        outage_state="major_outage" if service else "",
        now=when,
    )


@pytest.fixture
def deflected(desk):
    """Three deflections in November (a VPN known error, a VPN outage, a mail outage) beside the
    desk's nine portal (web) incidents, six of them on the VPN; one in October (the previous
    period) with no portal incident there."""
    person = CustomerFactory()
    known = ProblemFactory(title="VPN drops", service=desk["vpn"])
    deflect(when=at(4, 10), user=person, problem=known)
    deflect(when=at(12, 23, 30), service=desk["vpn"])  # 13 November in Paris
    deflect(when=at(20, 9), user=person, service=desk["mail"])
    deflect(when=datetime(2026, 10, 14, 9, tzinfo=UTC), service=desk["mail"])
    rollups_rebuild()
    return desk | {"known": known, "person": person}


def login(client, user):
    client.login(username=user.username, password="correct horse battery staple", request=HttpRequest())
    return client


def totals_of(client, query: str = NOVEMBER_WEEKS) -> dict:
    return {t["label"]: t for t in client.get(f"/dashboards/service/?{query}").context["totals"]}


def test_the_deflection_rate_beside_the_previous_period(client, manager, deflected):
    totals = totals_of(login(client, manager))

    assert totals["Deflections"]["value"] == "3" and totals["Raised on the portal"]["value"] == "9"
    assert totals["Deflection rate"]["value"] == "25.0 %"  # 3 ÷ (3 + 9)
    assert totals["Deflection rate"]["previous"] == "100.0 %"  # 1 ÷ (1 + 0)
    charts = {c.key: c for c in client.get(f"/dashboards/service/?{NOVEMBER_WEEKS}").context["charts"]}
    # per week: deflections (cell 0) and portal incidents (cell 2; 1 and 3 are the previous period's)
    assert [row["cells"][0]["text"] for row in charts["self_service"].rows] == ["1", "1", "1", "0"]
    assert [row["cells"][2]["text"] for row in charts["self_service"].rows] == ["2", "3", "3", "1"]
    assert [row["cells"][0]["text"] for row in charts["deflection_rate"].rows] == [
        "33.3 %",  # 1 ÷ (1 + 2)
        "25.0 %",
        "25.0 %",
        "0.0 %",
    ]


def test_a_service_filter_counts_that_services_deflections_and_portal_incidents(client, manager, deflected):
    totals = totals_of(login(client, manager), f"{NOVEMBER_WEEKS}&service={deflected['vpn'].pk}")
    assert (totals["Deflections"]["value"], totals["Raised on the portal"]["value"]) == ("2", "6")
    assert totals["Deflection rate"]["value"] == "25.0 %"


def test_no_such_figure_for_a_group_an_agent_or_another_channel(client, manager, deflected):
    login(client, manager)
    for query in (f"group={deflected['vpn'].owner_group_id}", f"agent={deflected['ana'].pk}", "channel=api"):
        assert "Deflection rate" not in totals_of(client, f"{NOVEMBER_WEEKS}&{query}")
    assert totals_of(client, f"{NOVEMBER_WEEKS}&channel=web")["Deflection rate"]["value"] == "25.0 %"


def test_agents_see_no_self_service_figures(client, deflected):
    login(client, deflected["ana"])
    assert "Deflection rate" not in totals_of(client)
    assert client.get("/dashboards/deflections/").status_code == 403


def test_each_number_leads_to_what_it_counts(client, manager, deflected):
    totals = totals_of(login(client, manager))

    listed = client.get(totals["Deflections"]["link"])
    assert len(listed.context["deflections"]) == 3
    assert (
        deflected["known"].number in listed.content.decode()
        and 'Outage of VPN <span class="text-body-secondary">(major outage)</span>' in listed.content.decode()
    )
    assert len(client.get(totals["Deflections"]["previous_link"]).context["deflections"]) == 1
    assert "channel=web" in totals["Raised on the portal"]["link"]
    assert totals["Raised on the portal"]["link"].startswith("/incidents/?status=&opened=2026-11-02..2026-11-29")


def test_the_rollups_follow_new_deflections_incrementally(deflected):
    rollups_refresh()
    deflect(when=datetime.now(UTC), service=deflected["vpn"])
    rollups_refresh()
    rollups_refresh()  # again, within the overlap: the same counts
    total = sum(DeflectionRollup.objects.filter(grain="day", agent_id=-1).values_list("deflections", flat=True))
    assert total == 5
    assert sum(DeflectionRollup.objects.filter(grain="month", agent_id=-1).values_list("deflections", flat=True)) == 5


def test_the_deflections_page_is_for_managers_and_reads_in_a_fixed_number_of_queries(
    client, manager, customer, deflected
):
    login(client, customer)
    assert client.get("/dashboards/deflections/").status_code == 403
    login(client, manager)
    url = "/dashboards/deflections/?since=2026-11-01&until=2026-11-30"
    few = get_queries(client, url)
    for day in range(21, 27):
        deflect(when=at(day, 10), user=deflected["person"], problem=deflected["known"])
    assert get_queries(client, url) == few
    assert len(client.get(url).context["deflections"]) == 9


def test_the_deflections_behind_a_figure_are_one_query():
    from feedback.dashboards.self_service import DeflectionCriteria, deflections_behind

    with assert_queries(1):
        deflections_behind(criteria=DeflectionCriteria(since=at(1, 0).date(), until=at(30, 0).date(), service=0))


def test_the_service_dashboard_costs_two_more_queries_for_self_service(client, manager, deflected, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    login(client, manager)
    with_them = get_queries(client, f"/dashboards/service/?{NOVEMBER_WEEKS}")
    without = get_queries(client, f"/dashboards/service/?{NOVEMBER_WEEKS}&group={deflected['vpn'].owner_group_id}")
    assert with_them == without + 2
