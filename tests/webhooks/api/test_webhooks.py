"""Managing webhook subscriptions through /api/v1/webhooks/ (managers)."""

import pytest

from tickets import services
from webhooks import payloads
from webhooks import services as webhook_services
from webhooks.models import WebhookSubscription

from ...factories import CategoryFactory, IncidentFactory, ProblemFactory, ServiceFactory

pytestmark = pytest.mark.django_db

HOOK = {"target_url": "https://hooks.example.com/desk", "events": ["incident.created", "comment.created"]}


def test_a_manager_subscribes_and_sees_the_secret_once(as_manager, manager):
    response = as_manager.post("/api/v1/webhooks/", {**HOOK, "description": "Chat bot"}, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert len(created["secret"]) >= 32
    subscription = WebhookSubscription.objects.get(pk=created["id"])
    assert (subscription.secret, subscription.created_by) == (created["secret"], manager)
    shown = as_manager.get(f"/api/v1/webhooks/{created['id']}/").json()
    assert "secret" not in shown
    assert shown["events"] == ["incident.created", "comment.created"]
    assert response["ETag"] == as_manager.get(f"/api/v1/webhooks/{created['id']}/")["ETag"]


def test_a_chosen_secret_is_kept_and_never_shown_back(as_manager):
    response = as_manager.post(
        "/api/v1/webhooks/", {**HOOK, "secret": "my-own-secret-of-32-characters!!"}, format="json"
    )
    assert response.json()["secret"] == "my-own-secret-of-32-characters!!"
    assert "my-own-secret" not in as_manager.get("/api/v1/webhooks/").content.decode()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({**HOOK, "events": ["incident.deleted"]}, {"events.0": ['"incident.deleted" is not a valid choice.']}),
        ({**HOOK, "events": []}, {"events": ["Ensure this field has at least 1 elements."]}),
        ({**HOOK, "target_url": "not a url"}, {"target_url": ["Enter a valid URL."]}),
        (
            {**HOOK, "target_url": "http://169.254.169.254/latest/"},
            {"target_url": ["Webhooks cannot target a private, loopback or reserved address."]},
        ),
        ({**HOOK, "secret": "short"}, {"secret": ["Ensure this field has at least 16 characters."]}),
    ],
)
def test_a_bad_subscription_is_a_400(as_manager, body, errors):
    response = as_manager.post("/api/v1/webhooks/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert not WebhookSubscription.objects.exists()


def test_a_subscription_is_changed_turned_back_on_and_deleted(as_manager):
    created = as_manager.post("/api/v1/webhooks/", HOOK, format="json").json()
    path = f"/api/v1/webhooks/{created['id']}/"
    WebhookSubscription.objects.filter(pk=created["id"]).update(
        active=False, consecutive_failures=60, disabled_reason="Disabled automatically"
    )
    etag = as_manager.get(path)["ETag"]
    response = as_manager.patch(
        path, {"active": True, "events": ["problem.updated"]}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["active"], response.json()["consecutive_failures"]) == (True, 0)
    assert response.json()["disabled_reason"] == ""
    assert as_manager.patch(path, {"description": "x"}, format="json", HTTP_IF_MATCH=etag).status_code == 412
    assert as_manager.delete(path).status_code == 204
    assert as_manager.get(path).status_code == 404


def test_the_secret_can_be_rotated(as_manager):
    created = as_manager.post("/api/v1/webhooks/", HOOK, format="json").json()
    as_manager.patch(f"/api/v1/webhooks/{created['id']}/", {"secret": "a-brand-new-secret-0123456789"}, format="json")
    assert WebhookSubscription.objects.get().secret == "a-brand-new-secret-0123456789"


def test_deliveries_are_listed_with_their_status_codes(
    as_manager, manager, contact, receiver, local_targets_allowed, django_capture_on_commit_callbacks
):
    subscription = webhook_services.webhook_subscription_create(
        target_url=receiver.url, events=["incident.created"], actor=manager
    )
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        IncidentFactory(reporter=contact)
        IncidentFactory(reporter=contact)
    results = as_manager.get(f"/api/v1/webhooks/{subscription.pk}/deliveries/").json()["results"]
    assert [(d["event_type"], d["state"], d["last_status_code"]) for d in results] == [
        ("incident.created", "delivered", 200),
        ("incident.created", "pending", 500),
    ]


def test_a_webhook_payload_is_what_the_api_answers_for_the_same_object(as_agent, agent, contact):
    """Receivers and API clients read the same fields, formats and values."""
    incident = IncidentFactory(
        reporter=contact, service=ServiceFactory(name="VPN"), category=CategoryFactory(name="Net"), assignee=agent
    )
    problem = ProblemFactory(incidents=[incident], assignee=agent)
    comment = services.comment_create(incident=incident, body="Hi", visibility="internal", author=agent)

    assert payloads.incident_payloads([incident.pk]) == [
        {"incident": as_agent.get(f"/api/v1/incidents/{incident.number}/").json()}
    ]
    assert payloads.problem_payloads([problem.pk]) == [
        {"problem": as_agent.get(f"/api/v1/problems/{problem.number}/").json()}
    ]
    [listed] = as_agent.get(f"/api/v1/incidents/{incident.number}/comments/").json()["results"]
    assert payloads.comment_payloads([comment.pk]) == [
        {"comment": {**listed, "incident": incident.number, "problem": None}}
    ]
