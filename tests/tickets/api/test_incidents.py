"""Incidents through the API: the same services, rules, SLA clock and audit as the pages."""

import pytest

from tickets import services
from tickets.models import Event, EventKind, Incident, IncidentStatus
from tickets.representations import INCIDENT_FIELDS

from ...factories import CategoryFactory, IncidentFactory, ProblemFactory, ServiceFactory, SupportGroupFactory

pytestmark = pytest.mark.django_db


def test_an_incident_is_found_by_its_number_with_the_domains_field_names(as_agent, contact):
    incident = IncidentFactory(reporter=contact, impact=1, urgency=2)
    response = as_agent.get(f"/api/v1/incidents/{incident.number}/")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == list(INCIDENT_FIELDS)
    assert body["number"] == incident.number
    assert body["priority"] == 2
    assert body["reporter"] == {"id": contact.pk, "name": "Jess on X"}
    assert body["response_due_at"].endswith("Z")


def test_an_agent_raises_an_incident_with_everything(as_agent, agent, contact):
    team = SupportGroupFactory(name="Network")
    service = ServiceFactory(name="VPN", owner_group=team)
    category = CategoryFactory(name="Connectivity")
    response = as_agent.post(
        "/api/v1/incidents/",
        {
            "title": "  VPN down for the whole floor ",
            "description": "Since 9:00.",
            "impact": 1,
            "urgency": 1,
            "service": service.pk,
            "category": category.pk,
            "assignee": agent.pk,
            "reporter": contact.pk,
            "major": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == "VPN down for the whole floor"
    assert (body["priority"], body["channel"], body["major"]) == (1, "api", True)
    assert body["assignment_group"] == {"id": team.pk, "name": "Network"}  # from the service
    assert body["assignee"]["username"] == "agent"
    assert response["ETag"]
    incident = Incident.objects.get(number=body["number"])
    assert incident.response_due_at is not None
    assert incident.events.filter(kind=EventKind.CREATED, actor_user=agent).exists()


def test_a_customer_raises_an_incident_as_on_the_portal(as_customer, customer):
    response = as_customer.post("/api/v1/incidents/", {"title": "No email", "urgency": 1}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["reporter"]["name"] == "Alice Andrews"
    assert (body["impact"], body["urgency"], body["priority"]) == (3, 1, 3)
    assert Incident.objects.get(number=body["number"]).reporter.user == customer


@pytest.mark.parametrize("field", ["impact", "assignee", "reporter", "major", "category"])
def test_a_customer_cannot_set_what_only_agents_decide(as_customer, agent, contact, field):
    value = {"impact": 1, "assignee": agent.pk, "reporter": contact.pk, "major": True, "category": 1}[field]
    response = as_customer.post("/api/v1/incidents/", {"title": "Hm", field: value}, format="json")
    assert response.status_code == 403
    assert response.json()["message"] == f"Customers cannot set {field}."
    assert not Incident.objects.exists()


def test_a_customers_token_sees_only_their_incidents(as_customer, customer, contact):
    mine = IncidentFactory(reporter=services.contact_for_user(user=customer))
    IncidentFactory(reporter=contact)
    response = as_customer.get("/api/v1/incidents/")
    assert [i["number"] for i in response.json()["results"]] == [mine.number]


def test_patching_the_status_goes_through_the_lifecycle_sla_and_audit(as_agent, agent, contact):
    incident = IncidentFactory(reporter=contact)
    response = as_agent.patch(
        f"/api/v1/incidents/{incident.number}/",
        {"status": "on_hold", "hold_reason": "Waiting for the vendor"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "on_hold"
    assert response.json()["hold_reason"] == "Waiting for the vendor"
    incident.refresh_from_db()
    assert incident.sla_paused_since is not None  # the clock stopped
    event = incident.events.get(kind=EventKind.STATUS)
    assert (event.old_value, event.new_value, event.note, event.actor_user) == (
        "New",
        "On hold",
        "Waiting for the vendor",
        agent,
    )


def test_an_illegal_transition_is_a_409_that_says_why(as_agent, contact):
    # The request is well formed: the incident's state refuses it, and says so.
    incident = IncidentFactory(reporter=contact)
    response = as_agent.patch(f"/api/v1/incidents/{incident.number}/", {"status": "closed"}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "message": "An incident cannot go from New to Closed.",
        "code": "conflict",
        "errors": {"status": ["An incident cannot go from New to Closed."]},
    }


def test_what_a_target_state_needs_is_asked_for(as_agent, contact):
    incident = IncidentFactory(reporter=contact)
    response = as_agent.patch(f"/api/v1/incidents/{incident.number}/", {"status": "resolved"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"resolution": ["Resolving an incident needs a resolution note."]}


def test_a_patch_is_all_or_nothing(as_agent, contact):
    incident = IncidentFactory(reporter=contact, title="Before")
    events_before = Event.objects.count()
    response = as_agent.patch(
        f"/api/v1/incidents/{incident.number}/", {"title": "After", "urgency": 1, "status": "closed"}, format="json"
    )
    assert response.status_code == 409  # refused by the state, after the title and urgency were written: all undone
    incident.refresh_from_db()
    assert (incident.title, incident.urgency, incident.status) == ("Before", 3, IncidentStatus.NEW)
    assert Event.objects.count() == events_before


def test_assignment_fields_and_problem_change_together(as_agent, agent, contact):
    incident = IncidentFactory(reporter=contact)
    problem = ProblemFactory()
    response = as_agent.patch(
        f"/api/v1/incidents/{incident.number}/",
        {"assignee": agent.pk, "title": "Renamed", "urgency": 1, "problem": problem.number, "status": "in_progress"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["title"], body["priority"], body["status"]) == ("Renamed", 3, "in_progress")
    assert body["assignee"]["id"] == agent.pk
    assert body["problem"] == {"number": problem.number, "title": problem.title}
    response = as_agent.patch(f"/api/v1/incidents/{incident.number}/", {"problem": None}, format="json")
    assert response.json()["problem"] is None
    kinds = set(incident.events.values_list("kind", flat=True))
    assert {"field", "priority", "assignment", "problem_link", "problem_unlink", "status"} <= kinds


def test_only_agents_can_be_assigned(as_agent, customer, contact):
    incident = IncidentFactory(reporter=contact)
    response = as_agent.patch(f"/api/v1/incidents/{incident.number}/", {"assignee": customer.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"assignee": ["Alice Andrews is not an active agent."]}


def test_a_customer_reopens_their_resolved_incident_with_a_reason(as_customer, customer, agent):
    incident = IncidentFactory(reporter=services.contact_for_user(user=customer))
    services.incident_transition(incident=incident, to_status="resolved", resolution="Rebooted", actor=agent)
    response = as_customer.patch(
        f"/api/v1/incidents/{incident.number}/", {"status": "in_progress", "note": "Still broken"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "in_progress"
    assert incident.comments.get().body == "Still broken"


def test_a_customer_reopening_must_say_what_is_wrong(as_customer, customer, agent):
    incident = IncidentFactory(reporter=services.contact_for_user(user=customer))
    services.incident_transition(incident=incident, to_status="resolved", resolution="Rebooted", actor=agent)
    response = as_customer.patch(f"/api/v1/incidents/{incident.number}/", {"status": "in_progress"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"note": ["Tell us what is still wrong."]}


@pytest.mark.parametrize("change", [{"status": "cancelled"}, {"status": "in_progress", "title": "x"}, {"note": "hi"}])
def test_a_customer_may_not_otherwise_change_an_incident(as_customer, customer, change):
    incident = IncidentFactory(reporter=services.contact_for_user(user=customer))
    response = as_customer.patch(f"/api/v1/incidents/{incident.number}/", change, format="json")
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.NEW


def test_an_unknown_number_is_404(as_agent):
    response = as_agent.get("/api/v1/incidents/INC9999999/")
    assert response.status_code == 404
    assert response.json() == {"message": "No such incident.", "code": "not_found", "errors": {}}
