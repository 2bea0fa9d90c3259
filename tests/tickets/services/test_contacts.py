import pytest
from django.core.exceptions import ValidationError

from tickets import services
from tickets.models import Event, EventKind

from ...factories import ContactFactory, IncidentFactory

pytestmark = pytest.mark.django_db


def test_merging_moves_incidents_comments_and_the_login(agent, customer):
    portal_contact = services.contact_for_user(user=customer)
    social_contact = ContactFactory(name="@alice_a", email="")
    portal_incident = IncidentFactory(reporter=portal_contact)
    comment = services.comment_create(
        incident=portal_incident, body="still broken", visibility="public", author=portal_contact
    )

    target = services.contact_merge(source=portal_contact, target=social_contact, actor=agent)

    portal_contact.refresh_from_db()
    portal_incident.refresh_from_db()
    comment.refresh_from_db()
    assert portal_contact.merged_into == target
    assert portal_incident.reporter == target and comment.author_contact == target
    assert target.user == customer and target.email == "alice@example.com"
    assert services.contact_for_user(user=customer) == target


def test_merged_incidents_follow_and_say_so(agent):
    source, target = ContactFactory(name="J. Doe"), ContactFactory(name="Jane Doe")
    incident = IncidentFactory(reporter=source)
    services.contact_merge(source=source, target=target, actor=agent)
    incident.refresh_from_db()
    assert incident.reporter == target
    event = Event.objects.get(incident=incident, kind=EventKind.CONTACT_MERGE)
    assert (event.old_value, event.new_value, event.actor_user) == ("J. Doe", "Jane Doe", agent)


def test_new_incidents_of_a_merged_contact_go_to_the_survivor(agent):
    source, target = ContactFactory(), ContactFactory()
    services.contact_merge(source=source, target=target, actor=agent)
    source.refresh_from_db()
    assert IncidentFactory(reporter=source).reporter == target


def test_two_portal_logins_cannot_be_merged(agent, customer, other_customer):
    a, b = services.contact_for_user(user=customer), services.contact_for_user(user=other_customer)
    with pytest.raises(ValidationError):
        services.contact_merge(source=a, target=b, actor=agent)
    a.refresh_from_db()
    assert a.merged_into is None and a.user == customer


def test_a_contact_cannot_be_merged_into_itself(agent):
    contact = ContactFactory()
    with pytest.raises(ValidationError):
        services.contact_merge(source=contact, target=contact, actor=agent)
