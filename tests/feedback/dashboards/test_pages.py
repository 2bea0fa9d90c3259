"""The dashboards: who sees what, constant query counts, figures equal to the incidents and
messages their links lead to, CSV export."""

import csv
import io
import re
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from feedback.dashboards.figures import Window, service_series
from feedback.dashboards.links import incidents_url
from feedback.rollups.refresh import rollups_rebuild
from tickets.forms import QueueFilterForm
from tickets.selectors import incident_queue_filtered

from ...queries import get_queries

pytestmark = pytest.mark.django_db
NOVEMBER_WEEKS = "grain=week&until=2026-11-29&periods=4"  # Monday 2 to Sunday 29 November


@pytest.fixture
def rolled_up(desk):
    rollups_rebuild()
    return desk


def login(client, user):
    client.login(username=user.username, password="correct horse battery staple", request=HttpRequest())
    return client


def test_managers_land_on_the_dashboards_and_see_every_figure(client, manager, rolled_up):
    login(client, manager)
    assert client.get("/").url == "/dashboards/"
    assert client.get("/dashboards/").url == reverse("dashboards:satisfaction")
    page = client.get(f"/dashboards/service/?{NOVEMBER_WEEKS}")
    assert page.status_code == 200
    assert page.context["totals"][0]["value"] == "12"  # opened in the four weeks, every agent
    assert "Dashboards</a>" in page.content.decode()
    assert 'name="agent"' in page.content.decode()


def test_an_agent_sees_only_their_own_figures(client, rolled_up):
    ana = rolled_up["ana"]
    login(client, ana)
    assert client.get("/").url == reverse("incident_list")  # agents keep their queue
    page = client.get(f"/dashboards/service/?{NOVEMBER_WEEKS}&agent={rolled_up['ben'].pk}")
    assert page.status_code == 200
    assert page.context["window"].filters["agent"] == ana.pk  # another agent's id is ignored
    # Every incident of the desk was opened in these four weeks; eight are Ana's.
    assert page.context["totals"][0]["value"] == str(sum(1 for i in rolled_up["incidents"] if i.assignee_id == ana.pk))
    assert 'name="agent"' not in page.content.decode()
    assert "My figures" in page.content.decode()


@pytest.mark.parametrize(
    "path", ["/dashboards/", "/dashboards/service/", "/dashboards/satisfaction/", "/dashboards/messages/"]
)
def test_customers_and_people_without_a_role_get_403(client, customer, outsider, path):
    for user in (customer, outsider):
        login(client, user)
        assert client.get(path).status_code == 403
    client.logout()
    assert client.get(path).status_code == 302  # to the login page


@pytest.mark.parametrize("path", ["/dashboards/service/", "/dashboards/satisfaction/"])
def test_query_counts_do_not_depend_on_the_window_or_the_data(client, manager, desk, path):
    login(client, manager)
    empty = get_queries(client, f"{path}?grain=day&periods=7")
    rollups_rebuild()
    counts = {
        get_queries(client, f"{path}?{query}")
        for query in ("grain=day&periods=7", "grain=day&periods=90", NOVEMBER_WEEKS, "grain=month&periods=36&by=agent")
    }
    assert counts == {empty}  # the rollups' watermark (the cache key) is read either way
    # Seen again (by anybody with the same scope) until the next refresh: from the cache.
    again = {get_queries(client, f"{path}?{query}") for query in ("grain=day&periods=90", NOVEMBER_WEEKS)}
    assert len(again) == 1 and again.pop() < empty
    csv_count = get_queries(client, f"{path}?{NOVEMBER_WEEKS}&export=csv")
    assert csv_count < empty


def test_cached_figures_follow_the_next_refresh(client, manager, rolled_up):
    login(client, manager)
    url = f"/dashboards/service/?{NOVEMBER_WEEKS}"
    assert client.get(url).context["totals"][0]["value"] == "12"
    incident = rolled_up["incidents"][0]
    from tickets.models import Incident

    Incident.objects.filter(pk=incident.pk).update(created_at=timezone.now(), updated_at=timezone.now())
    assert client.get(url).context["totals"][0]["value"] == "12"  # cached: the rollups did not move
    from feedback.rollups.refresh import rollups_refresh

    rollups_refresh()
    assert client.get(url).context["totals"][0]["value"] == "11"  # moved to today


def queue_count(user, url: str) -> int:
    """How many incidents the queue lists at `url` (the link of a figure)."""
    params = {k: v[0] for k, v in parse_qs(urlparse(url).query, keep_blank_values=True).items()}
    form = QueueFilterForm(params)
    return incident_queue_filtered(user=user, filters=form.filters(), now=timezone.now()).count()


@pytest.mark.parametrize("grain", ["day", "week", "month"])
def test_every_service_figure_counts_the_incidents_its_link_lists(manager, rolled_up, grain):
    from datetime import date

    window = Window.ending(day=date(2026, 11, 30), grain=grain, periods=6)
    series = service_series(window)
    checked = 0
    for start, figures in zip(window.starts, series.current, strict=True):
        end = window.period_end(start)
        for figure, value in (
            ("opened", figures.opened),
            ("resolved", figures.resolved),
            ("backlog", figures.backlog),
            ("response_breached", figures.response_breached),
            ("resolution_breached", figures.resolution_breached),
        ):
            url = incidents_url(figure=figure, start=start, end=end, filters={})
            assert queue_count(manager, url) == value, (figure, start, url)
            checked += value
    assert checked > 10


def test_breakdown_links_keep_the_rows_criteria(client, manager, rolled_up):
    login(client, manager)
    page = client.get(f"/dashboards/service/?{NOVEMBER_WEEKS}&by=agent")
    rows = page.context["breakdown"]
    assert {row["name"] for row in rows} >= {"Unassigned"}
    for row in rows:
        opened = row["cells"][0]
        assert queue_count(manager, opened["link"]) == int(opened["text"]), row["name"]


def test_the_queue_says_it_shows_a_figure_and_keeps_its_filters(client, manager, rolled_up):
    login(client, manager)
    page = client.get(f"/dashboards/service/?{NOVEMBER_WEEKS}")
    link = unescape(re.search(r'href="(/incidents/\?[^"]+)" data-figure="Opened"', page.content.decode()).group(1))
    queue = client.get(link)
    assert queue.status_code == 200
    body = queue.content.decode()
    assert 'id="figure-filters"' in body and "2026-11-02..2026-11-29" in body
    assert 'type="hidden" name="opened" value="2026-11-02..2026-11-29"' in body
    assert len(queue.context["page"].incidents) == 12


def test_sentiment_figures_and_the_messages_behind_them(client, manager, rolled_up):
    login(client, manager)
    page = client.get(f"/dashboards/satisfaction/?{NOVEMBER_WEEKS}")
    totals = {t["label"]: t for t in page.context["totals"]}
    assert totals["Messages"]["value"] == "6"
    assert totals["Negative messages"]["value"] == "50.0 %"  # -0.8, -0.05, -0.3 of six
    messages = client.get(totals["Negative messages"]["link"])
    assert messages.status_code == 200
    assert len(messages.context["scores"]) == 3
    assert all(negative for _, negative in messages.context["scores"])
    every = client.get(totals["Messages"]["link"])
    assert len(every.context["scores"]) == 6


def test_every_view_exports_its_figures_as_csv(client, manager, rolled_up):
    login(client, manager)
    for path in ("/dashboards/service/", "/dashboards/satisfaction/"):
        response = client.get(f"{path}?{NOVEMBER_WEEKS}&export=csv")
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][:3] == ["period_start", "period", "previous_period_start"]
        assert [row[0] for row in rows[1:]] == ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]
    service = list(
        csv.DictReader(io.StringIO(client.get(f"/dashboards/service/?{NOVEMBER_WEEKS}&export=csv").content.decode()))
    )
    assert sum(int(row["Incoming and resolved incidents: Opened"]) for row in service) == 12


def test_nonsense_parameters_are_ignored(client, manager, rolled_up):
    login(client, manager)
    page = client.get("/dashboards/service/?grain=year&periods=-3&until=soon&service=x&group=-1&by=colour")
    assert page.status_code == 200
    assert page.context["window"].grain == "week" and page.context["by"] == "service"
