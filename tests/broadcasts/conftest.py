import pytest

from broadcasts import services
from broadcasts.models import BroadcastPolicy

from ..factories import AgentFactory, ManagerFactory


@pytest.fixture
def second_manager(db):
    return ManagerFactory(username="manager2")


@pytest.fixture
def other_agent(db):
    return AgentFactory(username="agent2")


@pytest.fixture
def rule(db):
    """`rule(kind="outage", channel="twitter", banned_phrases="ASAP")`: a stored policy rule."""

    def make(*, kind: str = "", channel: str = "", drafters=(), approvers=(), **fields) -> BroadcastPolicy:
        policy, _ = BroadcastPolicy.objects.update_or_create(kind=kind, channel=channel, defaults=fields)
        policy.drafters.set(drafters)
        policy.approvers.set(approvers)
        return policy

    return make


@pytest.fixture
def draft(agent):
    """`draft(text=..., channels=[...])`: a broadcast drafted by the agent."""

    def make(*, by=None, kind: str = "maintenance", text: str = "Mail is down for maintenance tonight.", **kw):
        kw.setdefault("channels", ["status"])
        return services.broadcast_create(by=by or agent, kind=kind, text=text, **kw)

    return make
