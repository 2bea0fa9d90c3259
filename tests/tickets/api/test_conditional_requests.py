"""ETags on answers; If-None-Match saves a download; If-Match makes lost updates impossible."""

import pytest

from tickets import services
from tickets.models import Event, IncidentStatus

from ...factories import IncidentFactory, ProblemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(contact):
    return IncidentFactory(reporter=contact, title="Before")


def url(incident) -> str:
    return f"/api/v1/incidents/{incident.number}/"


def test_every_read_carries_an_etag_that_follows_the_content(as_agent, agent, incident):
    first = as_agent.get(url(incident))
    assert first["ETag"].startswith('"') and first["ETag"].endswith('"')
    assert as_agent.get(url(incident))["ETag"] == first["ETag"]
    services.incident_update(incident=incident, actor=agent, title="After")
    assert as_agent.get(url(incident))["ETag"] != first["ETag"]
    assert as_agent.get("/api/v1/incidents/")["ETag"]


def test_if_none_match_with_the_current_etag_is_304(as_agent, incident):
    etag = as_agent.get(url(incident))["ETag"]
    response = as_agent.get(url(incident), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert as_agent.get(url(incident), HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_a_patch_with_the_current_etag_succeeds_and_returns_the_new_one(as_agent, incident):
    etag = as_agent.get(url(incident))["ETag"]
    response = as_agent.patch(url(incident), {"title": "After"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response["ETag"] == as_agent.get(url(incident))["ETag"]


def test_a_patch_with_a_stale_etag_is_412_and_changes_nothing(as_agent, agent, incident):
    stale = as_agent.get(url(incident))["ETag"]
    services.incident_update(incident=incident, actor=agent, title="Changed by a colleague")
    incident.refresh_from_db()
    updated_at, events = incident.updated_at, Event.objects.count()

    response = as_agent.patch(
        url(incident), {"title": "Mine", "status": "in_progress"}, format="json", HTTP_IF_MATCH=stale
    )
    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    incident.refresh_from_db()
    assert (incident.title, incident.status) == ("Changed by a colleague", IncidentStatus.NEW)
    assert incident.updated_at == updated_at
    assert Event.objects.count() == events


def test_a_change_the_etag_cannot_see_coming_still_counts(as_agent, agent, incident):
    """The SLA sweep flags a breach without touching updated_at: the ETag still moves."""
    stale = as_agent.get(url(incident))["ETag"]
    type(incident).objects.filter(pk=incident.pk).update(response_breached=True)
    response = as_agent.patch(url(incident), {"title": "Mine"}, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412


@pytest.mark.parametrize("header", ["*", 'W/"weak-etags-never-match"'])
def test_if_match_star_matches_and_weak_etags_never_do(as_agent, incident, header):
    response = as_agent.patch(url(incident), {"title": "After"}, format="json", HTTP_IF_MATCH=header)
    assert response.status_code == (200 if header == "*" else 412)


def test_several_etags_may_be_named(as_agent, incident):
    etag = as_agent.get(url(incident))["ETag"]
    response = as_agent.patch(url(incident), {"title": "After"}, format="json", HTTP_IF_MATCH=f'"old", {etag}')
    assert response.status_code == 200


def test_problems_honour_if_match_too(as_agent):
    problem = ProblemFactory()
    path = f"/api/v1/problems/{problem.number}/"
    etag = as_agent.get(path)["ETag"]
    assert as_agent.patch(path, {"title": "One"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    assert as_agent.patch(path, {"title": "Two"}, format="json", HTTP_IF_MATCH=etag).status_code == 412
    problem.refresh_from_db()
    assert problem.title == "One"


def test_etags_follow_what_each_role_is_shown(as_agent, as_customer, customer, agent):
    incident = IncidentFactory(reporter=services.contact_for_user(user=customer))
    path = f"/api/v1/incidents/{incident.number}/"
    assert as_customer.get(path)["ETag"] == as_agent.get(path)["ETag"]
    assert "Authorization" in as_customer.get(path)["Vary"]
    # Linked to a problem, the incident looks different to its reporter (no problem shown).
    ProblemFactory(incidents=[incident])
    customer_etag = as_customer.get(path)["ETag"]
    assert customer_etag != as_agent.get(path)["ETag"]
    response = as_customer.patch(path, {}, format="json", HTTP_IF_MATCH=customer_etag)
    assert response.status_code == 200
