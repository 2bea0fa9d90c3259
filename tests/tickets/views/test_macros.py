"""The saved replies' pages and the reply box's picker, with their exact query counts."""

import pytest
from django.urls import reverse

from tickets import services
from tickets.models import Macro

from ...factories import AgentFactory, IncidentFactory, ProblemFactory, ServiceFactory
from ...queries import get_queries

pytestmark = pytest.mark.django_db


def macros(manager, agent, n):
    for i in range(n):
        services.macro_create(actor=manager, name=f"Shared {i}", body="Hi {{reporter_name}}", shared=True)
        services.macro_create(actor=agent, name=f"Mine {i}", body="Bye {{agent_name}}", set_status="in_progress")
    services.macro_create(actor=AgentFactory(), name="Somebody else's", body="Not shown")


@pytest.mark.parametrize("n", [2, 12])
def test_the_list_and_the_picker_make_the_same_queries_for_few_and_many(agent_client, agent, manager, n):
    macros(manager, agent, n)
    incident = IncidentFactory(service=ServiceFactory(name="VPN"))
    for i in range(n):
        problem = ProblemFactory(actor=agent, title=f"Known {i}", service=incident.service)
        services.problem_transition(problem=problem, to_status="known_error", workaround=f"Do {i}", actor=agent)
    assert get_queries(agent_client, reverse("macro_list")) == 5
    assert get_queries(agent_client, reverse("incident_macros", args=[incident.number])) == 7

    page = agent_client.get(reverse("incident_macros", args=[incident.number])).text
    assert f"Hi {incident.reporter.name}" in page and "Somebody else" not in page
    assert "Workaround: Known 0" in page and "Do 0" in page
    listed = agent_client.get(reverse("macro_list")).text
    assert "Mine 0" in listed and "Shared 0" in listed and "Somebody else" not in listed


def test_an_agent_adds_edits_and_deletes_their_own_but_not_a_shared_one(agent_client, agent, manager):
    refused = agent_client.post(reverse("macro_create"), {"name": "Bad", "body": "{{nope}}"})
    assert refused.status_code == 400 and "Unknown placeholder" in refused.text
    agent_client.post(reverse("macro_create"), {"name": "Mine", "body": "Hello", "shared": "on"})
    mine = Macro.objects.get(name="Mine")
    assert mine.owner == agent  # "shared" is not offered to an agent, so it is ignored
    agent_client.post(reverse("macro_update", args=[mine.pk]), {"name": "Mine", "body": "Hello again"})
    assert Macro.objects.get(pk=mine.pk).body == "Hello again"
    shared = services.macro_create(actor=manager, name="Shared", body="Hi", shared=True)
    assert agent_client.post(reverse("macro_delete", args=[shared.pk])).status_code == 403
    agent_client.post(reverse("macro_delete", args=[mine.pk]))
    assert list(Macro.objects.values_list("name", flat=True)) == ["Shared"]


def test_a_reply_posted_with_a_macro_does_what_it_says(agent_client, agent, manager):
    macro = services.macro_create(actor=manager, name="Fixed", body="x", shared=True, set_status="resolved")
    incident = IncidentFactory()
    agent_client.post(
        reverse("incident_comment", args=[incident.number]),
        {"body": "Cleared the cache", "visibility": "public", "macro": macro.pk},
    )
    incident.refresh_from_db()
    assert incident.status == "resolved" and incident.resolution == "Cleared the cache"
