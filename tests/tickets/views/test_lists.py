"""List pages make the same number of queries whatever their length: no N+1 can land."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tickets import services

from ...factories import IncidentFactory, ServiceFactory, SupportGroupFactory

pytestmark = pytest.mark.django_db


def make_incidents(count: int, *, reporter, agent):
    team = SupportGroupFactory(name="Network")
    service = ServiceFactory(name="VPN", owner_group=team)
    for _ in range(count):
        incident = IncidentFactory(reporter=reporter, service=service)
        services.incident_assign(incident=incident, assignee=agent, actor=agent)


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# session, user, groups/permissions (2), count, page of rows
AGENT_LIST_QUERIES = 6


@pytest.mark.parametrize("rows", [10, 50])
def test_the_agent_list_query_count_does_not_grow(agent_client, agent, contact, rows, django_assert_num_queries):
    make_incidents(rows, reporter=contact, agent=agent)
    with django_assert_num_queries(AGENT_LIST_QUERIES):
        response = agent_client.get(reverse("incident_list"))
    assert response.text.count('href="/incidents/INC') >= rows


def test_ten_and_a_hundred_rows_cost_the_same(agent_client, agent, contact):
    make_incidents(10, reporter=contact, agent=agent)
    ten = queries_for(agent_client, reverse("incident_list") + "?status=")
    make_incidents(90, reporter=contact, agent=agent)
    hundred = queries_for(agent_client, reverse("incident_list") + "?status=")
    assert ten == hundred == AGENT_LIST_QUERIES


def test_the_portal_list_query_count_does_not_grow(customer_client, customer, agent):
    reporter = services.contact_for_user(user=customer)
    make_incidents(10, reporter=reporter, agent=agent)
    ten = queries_for(customer_client, reverse("portal_home"))
    make_incidents(90, reporter=reporter, agent=agent)
    assert queries_for(customer_client, reverse("portal_home")) == ten


def test_the_incident_page_query_count_does_not_grow_with_the_timeline(agent_client, agent, contact):
    incident = IncidentFactory(reporter=contact)
    services.comment_create(incident=incident, body="one", visibility="public", author=agent)
    few = queries_for(agent_client, reverse("incident_detail", args=[incident.number]))
    for n in range(30):
        services.comment_create(incident=incident, body=f"note {n}", visibility="internal", author=agent)
        services.incident_update(incident=incident, actor=agent, title=f"Title {n}")
    assert queries_for(agent_client, reverse("incident_detail", args=[incident.number])) == few
