"""POST /api/v1/incidents/{number}/not-an-incident/: the console's "not an incident" for integrators."""

import pytest
from django.urls import reverse

from ...factories import IncidentFactory

pytestmark = pytest.mark.django_db


def test_the_api_closes_it_for_agents_only(as_agent, as_customer):
    incident = IncidentFactory()
    url = reverse("api-incident-not-incident", args=[incident.number])
    assert as_customer.post(url, {"kind": "spam", "reason": "Spam"}, format="json").status_code == 403
    bad = as_agent.post(url, {"kind": "spam", "reason": "Spam", "status": "x"}, format="json")
    assert bad.status_code == 400 and "status" in bad.json()["errors"]
    answer = as_agent.post(url, {"kind": "spam", "reason": "Spam link"}, format="json")
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert (data["status"], data["not_incident"], data["not_incident_reason"]) == ("cancelled", "spam", "Spam link")
    assert answer["ETag"]
