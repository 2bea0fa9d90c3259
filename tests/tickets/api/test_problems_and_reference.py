"""Problems (link, unlink, lifecycle), the service catalogue, contacts and me/."""

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tickets import services
from tickets.models import Contact, IncidentStatus, Problem, ProblemStatus
from tickets.representations import PROBLEM_FIELDS

from ...factories import IncidentFactory, ProblemFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_a_problem_opens_with_its_incidents(as_agent, contact):
    first, second = IncidentFactory(reporter=contact), IncidentFactory(reporter=contact)
    response = as_agent.post(
        "/api/v1/problems/",
        {"title": "VPN concentrator overloaded", "incidents": [first.number, second.number]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == "PRB0000001"
    assert body["incidents"] == [first.number, second.number]
    assert list(body) == list(PROBLEM_FIELDS)


def test_unknown_incident_numbers_are_named(as_agent):
    response = as_agent.post("/api/v1/problems/", {"title": "X", "incidents": ["INC0000042"]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"incidents": ["No incident INC0000042."]}
    assert not Problem.objects.exists()


def test_link_and_unlink(as_agent, contact):
    problem = ProblemFactory()
    incident = IncidentFactory(reporter=contact)
    response = as_agent.post(
        f"/api/v1/problems/{problem.number}/link/", {"incidents": [incident.number]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["incidents"] == [incident.number]
    response = as_agent.post(
        f"/api/v1/problems/{problem.number}/unlink/", {"incidents": [incident.number]}, format="json"
    )
    assert response.json()["incidents"] == []
    incident.refresh_from_db()
    assert incident.problem is None


def test_an_incident_already_linked_elsewhere_is_refused(as_agent, contact):
    incident = IncidentFactory(reporter=contact)
    first = ProblemFactory(incidents=[incident])
    second = ProblemFactory()
    response = as_agent.post(f"/api/v1/problems/{second.number}/link/", {"incidents": [incident.number]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "incidents": [f"{incident.number} is already linked to {first.number}; unlink it first."]
    }


def test_unlinking_what_is_not_linked_is_refused(as_agent, contact):
    problem = ProblemFactory()
    incident = IncidentFactory(reporter=contact)
    response = as_agent.post(
        f"/api/v1/problems/{problem.number}/unlink/", {"incidents": [incident.number]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"incidents": [f"{incident.number} is not linked to {problem.number}."]}


def test_a_known_error_needs_a_workaround_and_resolving_resolves_its_incidents(as_agent, contact):
    incident = IncidentFactory(reporter=contact)
    problem = ProblemFactory(incidents=[incident])
    url = f"/api/v1/problems/{problem.number}/"
    response = as_agent.patch(url, {"status": "known_error"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"workaround": ["A known error needs a workaround."]}
    response = as_agent.patch(url, {"status": "known_error", "workaround": "Use the web client"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["known_error"] is True
    response = as_agent.patch(
        url,
        {"status": "resolved", "root_cause": "Bad firmware", "resolve_incidents_note": "Firmware updated"},
        format="json",
    )
    assert response.json()["status"] == ProblemStatus.RESOLVED
    incident.refresh_from_db()
    assert (incident.status, incident.resolution) == (IncidentStatus.RESOLVED, "Firmware updated")


def test_problems_filter_by_status(as_agent):
    ProblemFactory(title="Open one")
    investigating = ProblemFactory(title="Being looked at")
    services.problem_transition(problem=investigating, to_status="investigating", actor=None)
    response = as_agent.get("/api/v1/problems/?status=investigating")
    assert [p["title"] for p in response.json()["results"]] == ["Being looked at"]


def test_customers_see_only_active_services_and_agents_all(as_customer, as_agent):
    ServiceFactory(name="Email")
    ServiceFactory(name="Fax", active=False)
    assert [s["name"] for s in as_customer.get("/api/v1/services/").json()["results"]] == ["Email"]
    assert [s["name"] for s in as_agent.get("/api/v1/services/").json()["results"]] == ["Email", "Fax"]


def test_contacts_are_added_and_found_by_email(as_agent):
    response = as_agent.post("/api/v1/contacts/", {"name": "Jo Bloggs", "email": "jo@example.org"}, format="json")
    assert response.status_code == 201
    assert response.json()["email"] == "jo@example.org"
    response = as_agent.get("/api/v1/contacts/?email=JO@example.org")
    assert [c["name"] for c in response.json()["results"]] == ["Jo Bloggs"]
    assert Contact.objects.filter(name="Jo Bloggs").count() == 1


def test_me_says_who_the_token_belongs_to(as_customer, customer):
    body = as_customer.get("/api/v1/me/").json()
    assert body == {
        "id": customer.pk,
        "username": "alice",
        "name": "Alice Andrews",
        "email": "alice@example.com",
        "roles": ["customer"],
        "is_agent": False,
        "contact": services.contact_for_user(user=customer).pk,
    }


def test_a_user_without_a_role_learns_it_from_me(as_outsider):
    body = as_outsider.get("/api/v1/me/").json()
    assert (body["roles"], body["is_agent"]) == ([], False)


def test_drf_create_token_makes_a_working_token(agent, capsys):
    call_command("drf_create_token", "agent")
    key = Token.objects.get(user=agent).key
    assert key in capsys.readouterr().out
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/me/").json()["username"] == "agent"


def test_a_browser_session_works_and_needs_its_csrf_token(agent, contact):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(agent)
    assert client.get("/api/v1/incidents/").status_code == 200
    response = client.post("/api/v1/incidents/", {"title": "From the browser"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]
