"""A merged incident's social messages follow it to the survivor (social's receiver)."""

import pytest

from social.models import Direction
from tests.factories import IncidentFactory
from tickets.merging import incident_merge

from .factories import InboundMessageFactory

pytestmark = pytest.mark.django_db


def test_the_messages_move_to_the_survivor(agent):
    survivor, duplicate = IncidentFactory(), IncidentFactory()
    message = InboundMessageFactory(incident=duplicate, direction=Direction.INBOUND)
    incident_merge(duplicate=duplicate, survivor=survivor, actor=agent)
    message.refresh_from_db()
    assert message.incident == survivor
