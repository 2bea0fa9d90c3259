"""Every list endpoint makes the same number of queries for 10 rows as for 100: no N+1.

The counts are exact, so a change that adds a query to a list shows up here. For a token
request they are: the token and its user (1), the user's permissions and its groups'
permissions (2), then what the endpoint itself reads.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets import services
from tickets.models import Contact, Service, SupportGroup

from ...factories import CategoryFactory, IncidentFactory, ProblemFactory, ServiceFactory, SupportGroupFactory

pytestmark = pytest.mark.django_db

AUTH = 3  # token + user, user permissions, group permissions
# The page (with reporter and assignee joined), then service, category, support group and
# problem by id: see selectors.incident_list_full for why they are not joined.
INCIDENT_PAGE = 1 + 4


def count_queries(client, url: str, rows: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == rows
    return len(captured)


def incidents(count: int, *, agent, contact):
    team = SupportGroupFactory(name="Network")
    service = ServiceFactory(name="VPN", owner_group=team)
    category = CategoryFactory(name="Connectivity")
    problem = ProblemFactory()
    made = [IncidentFactory(reporter=contact, service=service, category=category, assignee=agent) for _ in range(count)]
    services.problem_link_incidents(problem=problem, incidents=made, actor=agent)


LIST_QUERIES = ["?", "?status=new&priority=5&ordering=-priority", "?search=broken", "?cursor="]


def test_the_incident_list_default_filtered_searched_and_deep(as_agent, agent, contact):
    def counts(rows):
        found = []
        for query in LIST_QUERIES:
            if query == "?cursor=":  # the second page of two-row pages: a cursor query
                first = as_agent.get("/api/v1/incidents/?page_size=2").json()
                found.append(count_queries(as_agent, first["next"].removeprefix("http://testserver"), 2))
            else:
                found.append(count_queries(as_agent, f"/api/v1/incidents/{query}&page_size=100", rows))
        return found

    incidents(10, agent=agent, contact=contact)
    ten = counts(10)
    incidents(90, agent=agent, contact=contact)
    # On PostgreSQL a search first asks the GIN index whether its matches are few (one query,
    # tickets.selectors.incident_search_q), as the console's search does.
    search = 1 if connection.vendor == "postgresql" else 0
    page = AUTH + INCIDENT_PAGE
    assert ten == counts(100) == [page, page, page + search, page]


def test_the_incident_list_of_a_customer(as_customer, customer, agent):
    reporter = services.contact_for_user(user=customer)
    incidents(10, agent=agent, contact=reporter)
    ten = count_queries(as_customer, "/api/v1/incidents/?page_size=100", 10)
    incidents(90, agent=agent, contact=reporter)
    assert ten == count_queries(as_customer, "/api/v1/incidents/?page_size=100", 100) == AUTH + INCIDENT_PAGE


def test_comments(as_agent, agent, customer, contact):
    incident = IncidentFactory(reporter=contact)

    def add(count):
        for n in range(count):
            author = agent if n % 2 else customer
            services.comment_create(incident=incident, body=f"n{n}", visibility="public", author=author)

    url = f"/api/v1/incidents/{incident.number}/comments/?page_size=100"
    add(10)
    ten = count_queries(as_agent, url, 10)
    add(90)
    assert ten == count_queries(as_agent, url, 100) == AUTH + 2  # the incident, the page


def test_events(as_agent, agent, contact):
    incident = IncidentFactory(reporter=contact)  # its "created" event is the first row

    def change(count):
        for n in range(count):
            services.incident_update(incident=incident, actor=agent, title=f"Title {n}")

    url = f"/api/v1/incidents/{incident.number}/events/?page_size=100"
    change(9)
    ten = count_queries(as_agent, url, 10)
    change(90)
    assert ten == count_queries(as_agent, url, 100) == AUTH + 2


def test_problems(as_agent, agent, contact):
    service = ServiceFactory(name="Email")

    def add(count):
        for _ in range(count):
            ProblemFactory(service=service, assignee=agent, incidents=[IncidentFactory(reporter=contact)])

    add(10)
    ten = count_queries(as_agent, "/api/v1/problems/?page_size=100", 10)
    add(90)
    assert ten == count_queries(as_agent, "/api/v1/problems/?page_size=100", 100) == AUTH + 2  # page, incidents


def test_services(as_agent):
    def add(count, offset):
        team = SupportGroup.objects.create(name=f"Team {offset}")
        Service.objects.bulk_create(Service(name=f"Service {offset + n}", owner_group=team) for n in range(count))

    add(10, 0)
    ten = count_queries(as_agent, "/api/v1/services/?page_size=100", 10)
    add(90, 100)
    assert ten == count_queries(as_agent, "/api/v1/services/?page_size=100", 100) == AUTH + 1


def test_contacts(as_agent, customer, other_customer):
    # The two customers' contacts carry users: the page shows them without a query each.
    services.contact_for_user(user=customer)
    services.contact_for_user(user=other_customer)
    Contact.objects.bulk_create(Contact(name=f"Person {n}", email=f"p{n}@example.org") for n in range(8))
    ten = count_queries(as_agent, "/api/v1/contacts/?page_size=100", 10)
    Contact.objects.bulk_create(Contact(name=f"Person {n}", email=f"p{n}@example.org") for n in range(8, 98))
    assert ten == count_queries(as_agent, "/api/v1/contacts/?page_size=100", 100) == AUTH + 1
