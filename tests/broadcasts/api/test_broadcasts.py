"""POST /api/v1/broadcasts/ and its moves, exactly as the issue names them, with the policy's
403s and 400s naming their rule, and list and detail in a constant number of queries."""

import json

import pytest
import responses
from django.db import connection
from django.test.utils import CaptureQueriesContext

from broadcasts import services
from broadcasts.models import Broadcast, BroadcastState
from tickets.models import Channel

from ...factories import IncidentFactory, ServiceFactory
from ...queries import assert_queries
from ...social.factories import SocialAccountFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/broadcasts/"
X_API = "https://api.twitter.com/2"


def created(client, **body):
    body = {"kind": "maintenance", "text": "Mail maintenance tonight 22:00-23:00.", "channels": ["status"], **body}
    return client.post(URL, body, format="json")


def test_an_agent_drafts_and_gets_its_id(as_agent, agent):
    service = ServiceFactory(name="Mail")
    incident = IncidentFactory()
    response = created(
        as_agent,
        channels=["twitter", "facebook", "status"],
        services=[service.pk],
        incident=incident.number,
        links=["https://status.example.org/mail"],
        scheduled_for="2099-01-01T22:00:00Z",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    broadcast = Broadcast.objects.get(pk=body["id"])
    assert (broadcast.state, broadcast.created_by) == (BroadcastState.DRAFT, agent)
    assert body["state"] == "draft"
    assert body["channels"] == ["twitter", "facebook", "status"]
    assert body["services"] == [{"id": service.pk, "name": "Mail"}]
    assert body["incident"] == incident.number
    assert body["scheduled_for"] == "2099-01-01T22:00:00Z"
    assert [r["kind"] for r in body["records"]] == ["drafted"]


def test_a_customer_is_refused_with_the_policys_reason(as_customer):
    response = created(as_customer)
    assert response.status_code == 403
    assert response.json() == {
        "message": "Under the policy for any kind on any channel, only agents and managers may draft or submit "
        "broadcasts for the status page.",
        "code": "policy_drafter",
        "errors": {},
    }
    assert not Broadcast.objects.exists()


def test_bad_input_is_a_400_naming_the_field(as_agent):
    response = created(as_agent, channels=["myspace"], kind="gossip")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"kind", "channels.0"}


def test_submit_approve_reject_move_it_and_the_policy_answers_403_or_400(
    as_agent,
    as_manager,
    agent,
    rule,
    django_capture_on_commit_callbacks,
):
    rule(drafter_roles=["agent", "manager"], approver_roles=["manager"], banned_phrases="sorry")
    draft_id = created(as_agent, text="Sorry, mail is down.").json()["id"]
    refused = as_agent.post(f"{URL}{draft_id}/submit/")
    assert refused.status_code == 400
    assert refused.json()["code"] == "policy_banned_phrase"
    assert refused.json()["message"] == "The policy for any kind on any channel bans the phrase “sorry”."

    good_id = created(as_agent).json()["id"]
    assert as_agent.post(f"{URL}{good_id}/submit/").json()["state"] == "submitted"
    refused = as_agent.post(f"{URL}{good_id}/approve/", {}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "policy_approver"
    assert "only managers may approve" in refused.json()["message"]
    with django_capture_on_commit_callbacks(execute=True):
        approved = as_manager.post(f"{URL}{good_id}/approve/", {"note": "Fine"}, format="json")
    assert approved.status_code == 200
    assert approved.json()["approvals"][0]["user"]["username"] == "manager"
    assert approved.json()["approvals"][0]["note"] == "Fine"
    detail = as_agent.get(f"{URL}{good_id}/").json()
    assert detail["state"] == "published"
    assert detail["posts"][0]["channel"] == "status" and detail["posts"][0]["state"] == "published"

    other_id = created(as_agent).json()["id"]
    as_agent.post(f"{URL}{other_id}/submit/")
    assert as_manager.post(f"{URL}{other_id}/reject/", {}, format="json").status_code == 400
    rejected = as_manager.post(f"{URL}{other_id}/reject/", {"reason": "Wrong night"}, format="json")
    assert (rejected.json()["state"], rejected.json()["rejection_reason"]) == ("rejected", "Wrong night")


def test_posts_show_their_platform_ids(as_agent, as_manager, agent, manager, django_capture_on_commit_callbacks):
    SocialAccountFactory(channel=Channel.TWITTER, external_id="783214", handle="ITdesk", credentials=True)
    with responses.RequestsMock() as x_api:
        x_api.post(f"{X_API}/tweets", json={"data": {"id": "1456012973835788293", "text": "x"}}, status=201)
        broadcast_id = created(as_agent, channels=["twitter", "facebook"]).json()["id"]
        as_agent.post(f"{URL}{broadcast_id}/submit/")
        with django_capture_on_commit_callbacks(execute=True):
            as_manager.post(f"{URL}{broadcast_id}/approve/", {}, format="json")
    posts = {p["channel"]: p for p in as_agent.get(f"{URL}{broadcast_id}/").json()["posts"]}
    assert posts["twitter"]["platform_id"] == "1456012973835788293"
    assert posts["twitter"]["url"] == "https://x.com/ITdesk/status/1456012973835788293"
    assert (posts["twitter"]["state"], posts["twitter"]["delivery"]) == ("published", "sent")
    assert (posts["facebook"]["state"], posts["facebook"]["delivery"]) == ("queued", "queued")
    assert "No active account is configured" in posts["facebook"]["delivery_reason"]


def test_reading_is_for_agents_and_managers(as_customer, as_anonymous):
    assert as_customer.get(URL).status_code == 403
    assert as_anonymous.get(URL).status_code == 401
    assert as_customer.post(f"{URL}1/approve/").status_code in (403, 404)


def test_an_unknown_broadcast_is_404(as_manager):
    assert as_manager.get(f"{URL}999999/").status_code == 404
    assert as_manager.post(f"{URL}999999/approve/").status_code == 404


def _make(agent, manager, n):
    for i in range(n):
        broadcast = services.broadcast_create(
            by=agent, kind="news", text=f"Tip {i}", channels=["status", "twitter"], services=[ServiceFactory()]
        )
        services.broadcast_submit(broadcast=broadcast, by=agent)
        services.broadcast_approve(broadcast=broadcast, by=manager)
        services.broadcast_publish(broadcast_id=broadcast.pk)


def test_the_list_takes_the_same_queries_for_3_and_for_9(as_agent, agent, manager):
    _make(agent, manager, 3)
    with CaptureQueriesContext(connection) as three:
        assert len(as_agent.get(URL).json()["results"]) == 3
    _make(agent, manager, 6)
    with assert_queries(len(three)):
        assert len(as_agent.get(URL).json()["results"]) == 9
    newest = Broadcast.objects.first().pk
    # Token and permissions (3), the broadcast, its services, approvals, posts and records.
    with assert_queries(8):
        as_agent.get(f"{URL}{newest}/")


def test_the_schema_documents_the_endpoints(as_agent):
    schema = json.loads(as_agent.get("/api/schema/?format=json").content)
    paths = schema["paths"]
    for path in ("/api/v1/broadcasts/", "/api/v1/broadcasts/{id}/", "/api/v1/broadcasts/{id}/submit/"):
        assert path in paths
    assert "403" in paths["/api/v1/broadcasts/{id}/approve/"]["post"]["responses"]
