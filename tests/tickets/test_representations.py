"""The plain representations (API answers, webhook payloads) are exactly what the API
serializers' declared fields describe: the schema cannot drift from the answers."""

import pytest
from rest_framework import serializers

from tickets import representations, selectors, services
from tickets.api.serializers import (
    CommentSerializer,
    EventSerializer,
    IncidentSerializer,
    PersonSerializer,
    ProblemSerializer,
)
from tickets.models import Comment, Event

from ..factories import CategoryFactory, ContactFactory, IncidentFactory, ProblemFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def declared(serializer_class, instance) -> dict:
    """What REST framework itself would render from the serializer's declared fields."""
    return serializers.ModelSerializer.to_representation(serializer_class(), instance)


def test_each_representation_is_its_serializers_fields(agent, settings):
    settings.TIME_ZONE = "Europe/London"  # times are written in the desk's zone, as REST framework does
    contact = ContactFactory(name="Jess")
    incident = IncidentFactory(
        reporter=contact, service=ServiceFactory(name="VPN"), category=CategoryFactory(name="Net"), assignee=agent
    )
    bare = IncidentFactory(reporter=contact)
    problem = ProblemFactory(incidents=[incident], assignee=agent, service=ServiceFactory(name="Mail"))
    services.comment_create(incident=incident, body="Note", visibility="internal", author=agent)
    services.comment_create(incident=incident, body="From X", visibility="public", author=contact)
    services.incident_transition(incident=incident, to_status="on_hold", hold_reason="Vendor", actor=agent)

    for number in (incident.number, bare.number):
        shown = selectors.incident_get_full(user=agent, number=number)
        assert representations.incident_representation(shown) == declared(IncidentSerializer, shown)
        assert tuple(representations.incident_representation(shown)) == representations.INCIDENT_FIELDS
    shown = selectors.problem_get_full(user=agent, number=problem.number)
    assert representations.problem_representation(shown) == declared(ProblemSerializer, shown)
    assert tuple(representations.problem_representation(shown)) == representations.PROBLEM_FIELDS
    # Who wrote or did something has no model field of that name: REST framework leaves it
    # out, and it is checked against its own declared shape.
    person = set(PersonSerializer().fields)
    for comment in Comment.objects.select_related("author_user", "author_contact"):
        shown = representations.comment_representation(comment)
        assert {k: v for k, v in shown.items() if k != "author"} == declared(CommentSerializer, comment)
        assert set(shown["author"]) == person
        assert tuple(shown) == representations.COMMENT_FIELDS
    for event in Event.objects.select_related("actor_user", "actor_contact"):
        shown = representations.event_representation(event)
        assert {k: v for k, v in shown.items() if k != "actor"} == declared(EventSerializer, event)
        assert set(shown["actor"]) == person
        assert tuple(shown) == representations.EVENT_FIELDS
    assert [c["author"]["name"] for c in map(representations.comment_representation, Comment.objects.all())] == [
        "Sam Agent",
        "Jess",
    ]
