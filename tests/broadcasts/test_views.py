"""The agents' and managers' pages: draft (from scratch or from an incident), submit,
approve, reject, and the policy edited by a manager."""

import pytest
from django.http import HttpRequest

from broadcasts import services
from broadcasts.models import Broadcast, BroadcastPolicy, BroadcastState

from ..factories import IncidentFactory, ServiceFactory
from ..queries import get_queries

pytestmark = pytest.mark.django_db


def login(client, user):
    client.login(username=user.username, password="correct horse battery staple", request=HttpRequest())
    return client


def test_broadcast_this_from_an_incident_fills_in_public_words(client, agent):
    incident = IncidentFactory(service=ServiceFactory(name="VPN"), major=True, title="Juniper SRX-2 lost HA (Sam)")
    page = login(client, agent).get(f"/broadcasts/new/?incident={incident.number}").content.decode()
    assert "VPN disruption" in page
    assert "We know VPN is not working as it should." in page
    assert "SRX-2" not in page.split('id="broadcast-form"')[1]  # the internal title stays internal


def test_an_agent_drafts_and_submits_and_a_manager_approves_on_the_pages(
    client, agent, manager, django_capture_on_commit_callbacks
):
    login(client, agent)
    response = client.post(
        "/broadcasts/new/",
        {"kind": "maintenance", "title": "", "text": "Printing is paused tonight.", "channels": ["status"]},
    )
    broadcast = Broadcast.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/broadcasts/{broadcast.pk}/"
    client.post(f"/broadcasts/{broadcast.pk}/submit/")
    page = client.post(f"/broadcasts/{broadcast.pk}/approve/", follow=True).content.decode()
    assert "only managers may approve" in page  # the rule, named
    client.logout()
    login(client, manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/broadcasts/{broadcast.pk}/approve/")
    broadcast.refresh_from_db()
    assert broadcast.state == BroadcastState.PUBLISHED
    assert "Printing is paused tonight." in client.get("/status/").content.decode()


def test_a_rejected_draft_shows_why(client, agent, manager):
    broadcast = services.broadcast_create(by=agent, kind="news", text="Tip: lock your screen", channels=["status"])
    services.broadcast_submit(broadcast=broadcast, by=agent)
    login(client, manager).post(f"/broadcasts/{broadcast.pk}/reject/", {"reason": "Add a link"})
    assert "Rejected: Add a link" in client.get(f"/broadcasts/{broadcast.pk}/").content.decode()


def test_the_page_shows_the_rules_the_words_break(client, agent):
    BroadcastPolicy.objects.filter(kind="", channel="").update(banned_phrases="asap")
    broadcast = services.broadcast_create(by=agent, kind="news", text="Fixing it ASAP", channels=["status"])
    page = login(client, agent).get(f"/broadcasts/{broadcast.pk}/").content.decode()
    assert "bans the phrase “asap”" in page


def test_the_list_takes_the_same_queries_for_few_and_many(client, agent):
    login(client, agent)
    services.broadcast_create(by=agent, kind="news", text="One", channels=["status", "twitter"])
    few = get_queries(client, "/broadcasts/")
    for n in range(8):
        services.broadcast_create(by=agent, kind="news", text=f"More {n}", channels=["status"])
    assert get_queries(client, "/broadcasts/") == few


def test_a_manager_edits_the_policy_and_an_agent_cannot(client, agent, manager):
    rule = BroadcastPolicy.objects.get(kind="", channel="")
    assert login(client, agent).get("/broadcasts/policy/").status_code == 403
    client.logout()
    login(client, manager)
    response = client.post(
        f"/broadcasts/policy/{rule.pk}/",
        {
            "drafter_roles": ["agent", "manager"],
            "approver_roles": ["manager"],
            "approval_mode": "count",
            "approvals_needed": 2,
            "banned_phrases": "ASAP",
            "required_hashtags": "#ITStatus",
            "max_length": 280,
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.approvals_needed, rule.banned_list, rule.hashtag_list, rule.max_length) == (
        2,
        ["ASAP"],
        ["#ITStatus"],
        280,
    )
