"""A small desk with three weeks of history in November 2026, in Paris: incidents opened,
answered and resolved at various speeds (some late, one cancelled, some at 23:30 UTC, the next
Paris day), and scored messages on incidents and not."""

from datetime import UTC, datetime, timedelta

import pytest

from feedback.models import SentimentScore
from tickets.models import Incident, IncidentStatus

from ..factories import AgentFactory, IncidentFactory, ServiceFactory, SupportGroupFactory
from ..social.factories import InboundMessageFactory


@pytest.fixture(autouse=True)
def _desk_in_paris(settings):
    settings.TIME_ZONE = "Europe/Paris"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A UTC instant in November 2026 (Paris is UTC+1 then: 23:30 UTC is the next Paris day)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def backdate(incident: Incident, **times) -> None:
    """Place an incident's history in the past (services stamp "now")."""
    Incident.objects.filter(pk=incident.pk).update(**times)


@pytest.fixture
def desk(db):
    network = SupportGroupFactory(name="Network")
    vpn = ServiceFactory(name="VPN", owner_group=network)
    mail = ServiceFactory(name="Mail")
    ana, ben = AgentFactory(username="ana"), AgentFactory(username="ben")
    incidents = []
    # Twelve incidents over three weeks and a month boundary, some opened at 23:30 UTC
    # (the next day in Paris), answered and resolved at various speeds, some late.
    for n in range(12):
        opened = at(2 + 2 * n, 23 if n % 3 == 0 else 9, 30)
        incident = IncidentFactory(
            service=vpn if n % 2 else mail,
            channel="web" if n % 4 else "api",
            assignee=ana if n % 3 else (ben if n % 5 else None),
            impact=1 + n % 3,
            urgency=1 + n % 3,
        )
        times = {"created_at": opened, "updated_at": opened}
        times["response_due_at"] = opened + timedelta(hours=2)
        times["resolution_due_at"] = opened + timedelta(days=2)
        if n % 4 != 3:
            times["first_response_at"] = opened + timedelta(minutes=7 * n + 3)
            times["status"] = IncidentStatus.IN_PROGRESS
        if n % 4 in (0, 1):
            times["resolved_at"] = opened + timedelta(hours=5 * n + 1)
            times["status"] = IncidentStatus.RESOLVED
        if n == 10:
            times["status"] = IncidentStatus.CANCELLED
            times["not_incident"] = "spam"
            times["updated_at"] = opened + timedelta(days=1)
        backdate(incident, **times)
        incidents.append(Incident.objects.get(pk=incident.pk))
    # Scored messages, on incidents and not, one at 23:30 UTC.
    for n, compound in enumerate([-0.8, -0.05, 0.0, 0.4, -0.3, 0.9]):
        message = InboundMessageFactory(
            incident=incidents[n] if n < 4 else None,
            channel="twitter" if n % 2 else "facebook",
            created_at=at(3 + n, 23 if n == 2 else 12, 30),
        )
        SentimentScore.objects.create(
            message=message,
            score=compound,
            label="negative" if compound <= -0.05 else "positive" if compound >= 0.05 else "neutral",
            model_version="test",
            compound=compound,
            positive=0,
            neutral=1,
            negative=0,
            scored_at=at(3 + n, 23 if n == 2 else 12, 31),
            channel=message.channel,
            incident=message.incident,
            created_at=message.created_at,
        )
    return {"incidents": incidents, "ana": ana, "ben": ben, "vpn": vpn, "mail": mail}
