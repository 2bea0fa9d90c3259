"""The everyday flows of the console and the portal, through the test client."""

import pytest
from django.urls import reverse

from tickets import services

from ...factories import IncidentFactory, SupportGroupFactory

pytestmark = pytest.mark.django_db


def test_an_agent_works_an_incident_from_its_page(agent_client, agent, contact):
    incident = IncidentFactory(reporter=contact)
    url = reverse("incident_detail", args=[incident.number])

    assert agent_client.post(reverse("incident_assign", args=[incident.number]), {"assignee": agent.pk}).url == url
    agent_client.post(reverse("incident_transition", args=[incident.number]), {"status": "in_progress"})
    agent_client.post(
        reverse("incident_comment", args=[incident.number]), {"body": "Restarting it", "visibility": "public"}
    )
    agent_client.post(
        reverse("incident_transition", args=[incident.number]), {"status": "resolved", "resolution": "Restarted"}
    )

    incident.refresh_from_db()
    assert (incident.status, incident.assignee, incident.resolution) == ("resolved", agent, "Restarted")
    page = agent_client.get(url).text
    assert "Restarting it" in page and "Resolved" in page


def test_the_incident_page_offers_the_groups_and_agents_with_its_assignment_chosen(agent_client, agent, contact):
    network = SupportGroupFactory(name="Network")
    SupportGroupFactory(name="Workplace")
    incident = IncidentFactory(reporter=contact)
    services.incident_assign(incident=incident, assignee=agent, assignment_group=network, actor=agent)
    older = IncidentFactory(reporter=contact, title="The printer again")

    page = agent_client.get(reverse("incident_detail", args=[incident.number])).text
    assert '<option value="">(no group)</option>' in page and '<option value="">(unassigned)</option>' in page
    assert f'<option value="{network.pk}" selected>Network</option>' in page and ">Workplace</option>" in page
    assert f'<option value="{agent.pk}" selected>Sam Agent</option>' in page
    assert older.number in page and "The printer again" in page and incident.number in page


def test_the_list_filters_by_status_and_assignee(agent_client, agent, contact):
    mine = IncidentFactory(reporter=contact, title="Mine")
    services.incident_assign(incident=mine, assignee=agent, actor=agent)
    IncidentFactory(reporter=contact, title="Nobody's")
    done = IncidentFactory(reporter=contact, title="Done")
    services.incident_transition(incident=done, to_status="resolved", resolution="ok", actor=agent)

    def titles(query):
        response = agent_client.get(reverse("incident_list") + query)
        return {i.title for i in response.context["page"].incidents}

    assert titles("") == {"Mine", "Nobody's"}  # open by default
    assert titles("?status=") == {"Mine", "Nobody's", "Done"}
    assert titles("?status=resolved") == {"Done"}
    assert titles("?assignee=me") == {"Mine"}
    assert titles("?assignee=none") == {"Nobody's"}


def test_user_text_is_escaped(agent_client, contact):
    incident = IncidentFactory(
        reporter=contact, title="<script>alert(1)</script>", description="<img src=x onerror=alert(1)>"
    )
    page = agent_client.get(reverse("incident_detail", args=[incident.number])).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
