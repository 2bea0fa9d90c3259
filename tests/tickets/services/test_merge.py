"""Merging an incident into another (tickets.merging.incident_merge)."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import IncidentFactory
from tickets.merging import incident_merge
from tickets.models import Comment, Event, IncidentStatus, Visibility

pytestmark = pytest.mark.django_db


def test_the_duplicate_closes_with_a_link_and_its_comments_move(agent):
    survivor = IncidentFactory(title="VPN down")
    duplicate = IncidentFactory(title="VPN is down for me too")
    comment = Comment.objects.create(
        incident=duplicate,
        body="Still down",
        visibility=Visibility.PUBLIC,
        author_contact=duplicate.reporter,
        created_at=duplicate.created_at,
    )
    assert incident_merge(duplicate=duplicate, survivor=survivor, actor=agent) == survivor
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == survivor
    assert duplicate.status == IncidentStatus.CLOSED
    assert duplicate.resolution.startswith(f"Duplicate of {survivor.number}")
    comment.refresh_from_db()
    assert comment.incident == survivor
    assert Event.objects.filter(incident=duplicate, field="duplicate_of", new_value=survivor.number).exists()
    assert Event.objects.filter(incident=survivor, field="duplicates").exists()


def test_it_refuses_what_makes_no_sense(agent, customer):
    survivor, duplicate = IncidentFactory(), IncidentFactory()
    with pytest.raises(ValidationError):
        incident_merge(duplicate=duplicate, survivor=duplicate, actor=agent)
    with pytest.raises(ValidationError):
        incident_merge(duplicate=duplicate, survivor=survivor, actor=customer)
    incident_merge(duplicate=duplicate, survivor=survivor, actor=agent)
    with pytest.raises(ValidationError, match="closed"):
        incident_merge(duplicate=duplicate, survivor=survivor, actor=agent)
    with pytest.raises(ValidationError, match="merged"):
        incident_merge(duplicate=IncidentFactory(), survivor=duplicate, actor=agent)
