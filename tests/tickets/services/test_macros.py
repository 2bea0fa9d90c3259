"""Saved replies: who keeps which, placeholders, and a reply sent with the macro's actions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tickets import services
from tickets.models import IncidentStatus, Macro

from ...factories import AgentFactory, ContactFactory, IncidentFactory, ProblemFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_agents_keep_their_own_and_managers_the_shared_ones(agent, manager):
    mine = services.macro_create(actor=agent, name="VPN steps", body="Reconnect")
    assert mine.owner == agent and not mine.shared
    with pytest.raises(PermissionDenied):
        services.macro_create(actor=agent, name="Shared", body="Hello", shared=True)
    shared = services.macro_create(actor=manager, name="Shared", body="Hello", shared=True)
    assert shared.shared
    with pytest.raises(PermissionDenied):
        services.macro_update(macro=shared, actor=agent, body="Changed")
    with pytest.raises(PermissionDenied):
        services.macro_delete(macro=mine, actor=AgentFactory())
    services.macro_update(macro=mine, actor=agent, name="VPN first steps")
    services.macro_delete(macro=shared, actor=manager)
    assert list(Macro.objects.values_list("name", flat=True)) == ["VPN first steps"]


def test_it_refuses_unknown_placeholders_and_a_second_name(agent):
    with pytest.raises(ValidationError) as refused:
        services.macro_create(actor=agent, name="Bad", body="Hi {{reporter}}")
    assert "{{reporter}}" in refused.value.message_dict["body"][0]
    services.macro_create(actor=agent, name="Hi", body="Hi")
    with pytest.raises(ValidationError) as again:
        services.macro_create(actor=agent, name="Hi", body="Hello")
    assert "already" in again.value.message_dict["name"][0]


def test_placeholders_are_filled_for_the_incident_and_the_agent(agent):
    agent.first_name, agent.last_name = "Sam", "Agent"
    incident = IncidentFactory(reporter=ContactFactory(name="Dana Whitfield"), service=ServiceFactory(name="VPN"))
    text = services.macro_render(
        text="Hi {{reporter_first_name}} ({{ reporter_name }}), {{incident_number}} on {{service}}. "
        "{{agent_first_name}} / {{agent_name}} {{unknown}}",
        incident=incident,
        agent=agent,
    )
    assert text == f"Hi Dana (Dana Whitfield), {incident.number} on VPN. Sam / Sam Agent {{{{unknown}}}}"


def test_a_reply_from_a_macro_sets_status_and_assignment_in_one_go(agent, manager):
    macro = services.macro_create(
        actor=manager, name="Fixed", body="Fixed", shared=True, set_status="resolved", assign_to_sender=True
    )
    incident = IncidentFactory()
    comment = services.macro_reply(incident=incident, macro=macro, author=agent, body="Restarted the gateway")
    incident.refresh_from_db()
    assert (incident.status, incident.assignee, incident.resolution) == ("resolved", agent, "Restarted the gateway")
    assert comment.body == "Restarted the gateway" and comment.visibility == "public"


def test_a_refused_action_sends_nothing(agent):
    macro = services.macro_create(actor=agent, name="Hold", body="x", set_status="on_hold")
    incident = IncidentFactory()
    services.incident_transition(incident=incident, to_status="cancelled", actor=agent)
    with pytest.raises(ValidationError):
        services.macro_reply(incident=incident, macro=macro, author=agent, body="Waiting", visibility="internal")
    assert not incident.comments.exists()
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CANCELLED
    with pytest.raises(PermissionDenied):  # somebody else's personal macro
        services.macro_reply(incident=IncidentFactory(), macro=macro, author=AgentFactory(), body="x")


def test_a_known_errors_workaround_reads_as_a_reply(agent):
    problem = ProblemFactory(actor=agent, title="VPN overloaded")
    problem.workaround = "Use vpn2."
    assert services.known_error_reply(problem=problem).endswith("Until it is fixed:\n\nUse vpn2.")
