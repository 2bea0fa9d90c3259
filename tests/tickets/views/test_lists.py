"""List pages make the same number of queries whatever their length: no N+1 can land.

Every agent page starts with four: the session, the user, and the user's and their groups'
permissions (the role check).
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tickets import services

from ...factories import (
    AgentFactory,
    ContactFactory,
    IncidentFactory,
    ProblemFactory,
    ServiceFactory,
    SupportGroupFactory,
)
from ...files import LOG, png_bytes, upload

pytestmark = pytest.mark.django_db


def make_incidents(count: int, *, reporter, agent, problem=None):
    team = SupportGroupFactory(name="Network")
    service = ServiceFactory(name="VPN", owner_group=team)
    made = []
    for n in range(count):
        incident = IncidentFactory(reporter=reporter, service=service, major=n % 7 == 0)
        services.incident_assign(incident=incident, assignee=agent, actor=agent)
        services.comment_create(incident=incident, body=f"Looking at it {n}", visibility="public", author=agent)
        made.append(incident)
    if problem is not None:
        services.problem_link_incidents(problem=problem, incidents=made, actor=agent)
    return made


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured)


# 4 + the page of rows, the newest incident id (for the live count), the agent's saved views,
# the service filter's choices and the bulk bar's agents.
QUEUE_QUERIES = 9
# ... and the anchor row of the keyset cursor.
QUEUE_NEXT_PAGE_QUERIES = 10
# The saved views' counts are not among them: the page draws those the shared cache holds and
# loads the others after it, from their own fragment: 4 + the views + one query counting every
# view the cache lacks, however many (none when it has them all).
SAVED_VIEW_COUNTS_QUERIES = 6


def search_queries() -> int:
    """PostgreSQL's search first asks whether its words are rare (tickets.selectors)."""
    return 1 if connection.vendor == "postgresql" else 0


@pytest.mark.parametrize("query", ["", "?status=&sort=newest", "?priority=5&sla=breached&assignee=me&channel=web"])
def test_the_queue_costs_the_same_for_ten_and_a_hundred_rows(agent_client, agent, contact, query):
    make_incidents(10, reporter=contact, agent=agent)
    ten = queries_for(agent_client, reverse("incident_list") + query)
    make_incidents(90, reporter=contact, agent=agent)
    hundred = queries_for(agent_client, reverse("incident_list") + query)
    assert ten == hundred == QUEUE_QUERIES


def test_the_queue_with_saved_views_draws_them_without_counting_and_loads_their_counts_after(
    agent_client, agent, contact
):
    make_incidents(10, reporter=contact, agent=agent)
    services.saved_view_create(owner=agent, name="Mine", query="assignee=me")
    services.saved_view_create(owner=agent, name="Breached", query="sla=breached", shared=True)
    services.saved_view_create(owner=AgentFactory(), name="Broken", query="q=broken&status=", shared=True)
    queue, counts = reverse("incident_list"), reverse("saved_view_counts")
    assert queries_for(agent_client, queue) == QUEUE_QUERIES
    for n in range(7):
        services.saved_view_create(owner=agent, name=f"View {n}", query=f"priority={n % 5 + 1}")
    make_incidents(20, reporter=contact, agent=agent)
    assert queries_for(agent_client, queue) == QUEUE_QUERIES
    assert queries_for(agent_client, counts) == SAVED_VIEW_COUNTS_QUERIES
    # counted now, so kept: the queue draws every count, and the fragment counts nothing
    assert queries_for(agent_client, queue) == QUEUE_QUERIES
    assert queries_for(agent_client, counts) == SAVED_VIEW_COUNTS_QUERIES - 1


def test_the_queue_draws_the_counts_it_has_and_asks_for_the_others(agent_client, agent, contact):
    make_incidents(3, reporter=contact, agent=agent)
    services.saved_view_create(owner=agent, name="Mine", query="assignee=me")
    page = agent_client.get(reverse("incident_list") + "?assignee=me").content.decode()
    assert "data-count-pending" in page and "data-count-exact" not in page
    assert f'hx-get="{reverse("saved_view_counts")}?assignee=me' in page

    fragment = agent_client.get(reverse("saved_view_counts") + "?assignee=me").content.decode()
    assert 'data-count-exact="true">3</span>' in fragment and 'aria-current="page"' in fragment
    assert "data-count-pending" not in fragment and "hx-get" not in fragment

    page = agent_client.get(reverse("incident_list")).content.decode()
    assert 'data-count-exact="true">3</span>' in page and reverse("saved_view_counts") not in page


def test_the_saved_view_counts_are_for_agents_only(customer_client):
    url = reverse("saved_view_counts")
    assert Client().get(url).status_code == 302
    assert customer_client.get(url).status_code == 403


def test_a_search_and_a_next_page_cost_the_same_for_ten_and_a_hundred_rows(agent_client, agent, contact):
    make_incidents(10, reporter=contact, agent=agent)
    first_id = min(i.pk for i in agent_client.get(reverse("incident_list")).context["page"].incidents)
    url = reverse("incident_list") + f"?q=broken&status=&after={first_id}"
    ten = queries_for(agent_client, url)
    make_incidents(90, reporter=contact, agent=agent)
    assert ten == queries_for(agent_client, url) == QUEUE_NEXT_PAGE_QUERIES + search_queries()


def test_the_live_queue_costs_the_same_for_ten_and_a_hundred_rows(agent_client, agent, contact):
    since = "2000-01-01T00:00:00%2B00:00"
    make_incidents(10, reporter=contact, agent=agent)
    ten = queries_for(agent_client, reverse("incident_queue_live") + f"?since={since}&last_id=0")
    make_incidents(90, reporter=contact, agent=agent)
    hundred = queries_for(agent_client, reverse("incident_queue_live") + f"?since={since}&last_id=0")
    # 4 + the counts + the redrawn page of rows
    assert ten == hundred == 6


def test_the_problem_list_costs_the_same_for_ten_and_a_hundred_rows(agent_client, agent, contact):
    def make(count):
        for _ in range(count):
            problem = ProblemFactory(actor=agent, assignee=agent, service=ServiceFactory(name="VPN"))
            make_incidents(1, reporter=contact, agent=agent, problem=problem)

    make(10)
    ten = queries_for(agent_client, reverse("problem_list") + "?status=")
    make(90)
    hundred = queries_for(agent_client, reverse("problem_list") + "?status=")
    # 4 + the count for the paginator + the page of problems with their incident counts
    assert ten == hundred == 6


def test_the_contact_list_costs_the_same_for_ten_and_a_hundred_rows(agent_client, agent):
    ContactFactory.create_batch(10)
    ten = queries_for(agent_client, reverse("contact_list"))
    ContactFactory.create_batch(90)
    # 4 + the count, the page, and where the page's contacts are met (social's identities)
    assert ten == queries_for(agent_client, reverse("contact_list")) == 7


def test_the_portal_list_costs_the_same_for_ten_and_a_hundred_rows(customer_client, customer, agent):
    reporter = services.contact_for_user(user=customer)
    make_incidents(10, reporter=reporter, agent=agent)
    ten = queries_for(customer_client, reverse("portal_home"))
    make_incidents(90, reporter=reporter, agent=agent)
    # session, user, permissions (2), the paginator's count, the page
    assert queries_for(customer_client, reverse("portal_home")) == ten == 6


# 4 + the incident (with the id of its latest audit event, what the page was drawn from, and
# its reporter's other incidents: selectors.incident_for_page), the assignment form's groups and
# agents (one query), and the timeline: its comments, its attachments, its events and its social
# messages (the social app's timeline source; tests/social/test_timeline.py adds messages).
INCIDENT_PAGE_QUERIES = 10


def test_the_incident_page_query_count_does_not_grow_with_the_timeline(agent_client, agent, contact):
    incident = IncidentFactory(reporter=contact)
    services.comment_create(incident=incident, body="one", visibility="public", author=agent)
    url = reverse("incident_detail", args=[incident.number])
    assert queries_for(agent_client, url) == INCIDENT_PAGE_QUERIES
    for n in range(30):
        services.comment_create(incident=incident, body=f"note {n}", visibility="internal", author=agent)
        services.incident_update(incident=incident, actor=agent, title=f"Title {n}")
    for n in range(5):
        services.attachment_create(incident=incident, file=upload(f"trace {n}.log", LOG), actor=agent)
        services.attachment_link_create(
            incident=incident, link=services.AttachmentLink(url=f"https://example.com/{n}.jpg"), actor=contact
        )
    IncidentFactory.create_batch(5, reporter=contact)
    problem = ProblemFactory(actor=agent)
    services.problem_link_incidents(problem=problem, incidents=[incident], actor=agent)
    assert queries_for(agent_client, url) == INCIDENT_PAGE_QUERIES


def test_the_portal_incident_page_query_count_does_not_grow_with_the_timeline(customer_client, customer, agent):
    incident = IncidentFactory(reporter=services.contact_for_user(user=customer))
    url = reverse("portal_incident", args=[incident.number])
    few = queries_for(customer_client, url)
    for n in range(20):
        services.comment_create(incident=incident, body=f"reply {n}", visibility="public", author=agent)
        services.incident_reply_with_attachments(
            incident=incident, author=customer, body=f"see {n}", files=[upload(f"{n}.png", png_bytes())]
        )
    assert queries_for(customer_client, url) == few


def test_the_problem_page_query_count_does_not_grow_with_its_incidents(agent_client, agent, contact):
    problem = ProblemFactory(actor=agent)
    make_incidents(2, reporter=contact, agent=agent, problem=problem)
    url = reverse("problem_detail", args=[problem.number])
    few = queries_for(agent_client, url)
    make_incidents(20, reporter=contact, agent=agent, problem=problem)
    for n in range(10):
        services.comment_create(problem=problem, body=f"note {n}", visibility="internal", author=agent)
    assert queries_for(agent_client, url) == few
