"""Comments and the audit trail: customers see and write public replies only, and no
representation a customer receives ever carries an internal note."""

import pytest

from tickets import services
from tickets.models import Comment, IncidentStatus

from ...factories import IncidentFactory

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Internal: the reporter's manager asked us to stall"


@pytest.fixture
def incident(customer, agent):
    incident = IncidentFactory(reporter=services.contact_for_user(user=customer))
    services.comment_create(incident=incident, body="We are looking into it.", visibility="public", author=agent)
    services.comment_create(incident=incident, body=SECRET_NOTE, visibility="internal", author=agent)
    services.incident_transition(incident=incident, to_status="in_progress", actor=agent)
    return incident


def test_agents_see_every_comment_in_order(as_agent, incident):
    response = as_agent.get(f"/api/v1/incidents/{incident.number}/comments/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(c["body"], c["visibility"]) for c in results] == [
        ("We are looking into it.", "public"),
        (SECRET_NOTE, "internal"),
    ]
    assert set(results[0]) == {"id", "body", "visibility", "author", "created_at"}
    assert results[0]["author"]["name"] == "Sam Agent"


def test_agents_filter_comments_by_visibility(as_agent, incident):
    response = as_agent.get(f"/api/v1/incidents/{incident.number}/comments/?visibility=internal")
    assert [c["body"] for c in response.json()["results"]] == [SECRET_NOTE]


def test_customers_see_public_replies_only(as_customer, incident):
    response = as_customer.get(f"/api/v1/incidents/{incident.number}/comments/")
    assert [c["body"] for c in response.json()["results"]] == ["We are looking into it."]
    # Asking for the internal ones explicitly changes nothing.
    response = as_customer.get(f"/api/v1/incidents/{incident.number}/comments/?visibility=internal")
    assert response.json()["results"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/incidents/",
        "/api/v1/incidents/{number}/",
        "/api/v1/incidents/{number}/comments/",
        "/api/v1/incidents/{number}/events/",
    ],
)
def test_no_customer_answer_embeds_an_internal_note(as_customer, incident, path):
    response = as_customer.get(path.format(number=incident.number))
    assert response.status_code == 200
    assert "stall" not in response.content.decode()
    assert "internal" not in response.content.decode()


def test_a_customer_replies_publicly(as_customer, customer, incident):
    response = as_customer.post(f"/api/v1/incidents/{incident.number}/comments/", {"body": "Thanks!"}, format="json")
    assert response.status_code == 201
    assert response.json()["visibility"] == "public"
    assert Comment.objects.get(pk=response.json()["id"]).author_user == customer


def test_a_customer_cannot_write_an_internal_note(as_customer, incident):
    response = as_customer.post(
        f"/api/v1/incidents/{incident.number}/comments/", {"body": "psst", "visibility": "internal"}, format="json"
    )
    assert response.status_code == 403
    assert not Comment.objects.filter(body="psst").exists()


def test_a_closed_incident_takes_no_more_replies_from_its_reporter(as_customer, incident, agent):
    services.incident_transition(incident=incident, to_status="cancelled", actor=agent, note="Duplicate")
    response = as_customer.post(f"/api/v1/incidents/{incident.number}/comments/", {"body": "Hello?"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["body"] == [f"{incident.number} is cancelled; please raise a new incident."]


def test_an_agents_first_public_reply_is_the_slas_response(as_agent, contact):
    incident = IncidentFactory(reporter=contact)
    as_agent.post(f"/api/v1/incidents/{incident.number}/comments/", {"body": "On it"}, format="json")
    incident.refresh_from_db()
    assert incident.first_response_at is not None


def test_agents_read_the_whole_trail(as_agent, incident):
    response = as_agent.get(f"/api/v1/incidents/{incident.number}/events/")
    kinds = [e["kind"] for e in response.json()["results"]]
    assert kinds == ["created", "comment", "comment", "status"]
    status = response.json()["results"][-1]
    assert (status["field"], status["old_value"], status["new_value"]) == ("status", "New", "In progress")
    assert status["actor"]["name"] == "Sam Agent"


def test_customers_read_the_status_changes(as_customer, incident):
    response = as_customer.get(f"/api/v1/incidents/{incident.number}/events/")
    assert [e["new_value"] for e in response.json()["results"]] == [IncidentStatus.IN_PROGRESS.label]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_trail_is_read_only(as_agent, incident, method):
    response = getattr(as_agent, method)(f"/api/v1/incidents/{incident.number}/events/", {}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_customers_do_not_see_the_problem_behind_their_incident(as_customer, as_agent, incident):
    from ...factories import ProblemFactory

    problem = ProblemFactory(title="Firewall rule pushed by the vendor", incidents=[incident])
    path = f"/api/v1/incidents/{incident.number}/"
    assert as_agent.get(path).json()["problem"] == {"number": problem.number, "title": problem.title}
    assert as_customer.get(path).json()["problem"] is None
    assert "Firewall" not in as_customer.get("/api/v1/incidents/").content.decode()
