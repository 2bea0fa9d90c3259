"""Fixtures of service suggestion: a small catalogue and a history of resolved incidents."""

import pytest

from intelligence.routing.suggester import forget_loaded_model
from tickets import services as tickets
from tickets.models import IncidentStatus

from ...factories import AgentFactory, IncidentFactory, ServiceFactory

NETWORK_TITLES = [
    "VPN drops every hour",
    "cannot connect to the VPN from home",
    "wifi in building B keeps disconnecting",
    "no network on floor 3",
    "VPN client says authentication failed",
    "wifi very slow in the meeting rooms",
    "ethernet port dead in room 204",
    "remote access VPN times out",
    "guest wifi password not accepted",
    "network share unreachable over VPN",
    "wifi signal weak in the library",
    "VPN disconnects when on hotspot",
]
MAIL_TITLES = [
    "Outlook keeps asking for my password",
    "email stuck in the outbox",
    "cannot send attachments in Outlook",
    "shared mailbox missing from Outlook",
    "calendar invites not arriving by email",
    "email bounced from a customer address",
    "Outlook crashes when opening a message",
    "spam filter blocked an important email",
    "mailbox full warning in Outlook",
    "email signature disappeared",
    "out of office reply not working in Outlook",
    "email search returns nothing",
]


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    forget_loaded_model()
    yield
    forget_loaded_model()


@pytest.fixture
def catalogue(db):
    return {"network": ServiceFactory(name="Network"), "mail": ServiceFactory(name="E-mail")}


def resolve(incident, agent, service=None):
    if service is not None:
        tickets.incident_update(incident=incident, actor=agent, service=service)
    return tickets.incident_transition(
        incident=incident, to_status=IncidentStatus.RESOLVED, actor=agent, resolution="Done."
    )


@pytest.fixture
def history(catalogue):
    """24 resolved incidents, 12 a service, each with the service agents left on it."""
    agent = AgentFactory()
    for titles, service in ((NETWORK_TITLES, catalogue["network"]), (MAIL_TITLES, catalogue["mail"])):
        for title in titles:
            resolve(IncidentFactory(title=title, description=""), agent, service)
    return catalogue
