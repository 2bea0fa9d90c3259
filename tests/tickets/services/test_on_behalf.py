"""An agent raising an incident for somebody (tickets/services/on_behalf.py): for a contact or a
new person, on the channels agents hear of incidents by, with the audit trail of any incident;
"This is the same" as an internal note on the open one; every refusal leaves nothing behind."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tickets import services
from tickets.models import (
    Channel,
    Contact,
    Event,
    EventKind,
    Impact,
    Incident,
    IncidentStatus,
    Priority,
    Urgency,
    Visibility,
)

from ...factories import ContactFactory, IncidentFactory, ServiceFactory, SupportGroupFactory

pytestmark = pytest.mark.django_db


def raise_for(actor, reporter, **fields):
    defaults = {"channel": Channel.PHONE, "title": "Cannot print", "impact": Impact.LOW, "urgency": Urgency.LOW}
    return services.incident_raise_on_behalf(actor=actor, reporter=reporter, **{**defaults, **fields})


def test_an_agent_raises_for_a_contact_with_the_impact_they_judge(agent, contact):
    network = SupportGroupFactory(name="Network")
    vpn = ServiceFactory(name="VPN", owner_group=network)
    incident = raise_for(
        agent,
        contact,
        channel=Channel.WALK_IN,
        title="  VPN down for the whole floor ",
        description="Since 9.",
        service=vpn,
        impact=Impact.HIGH,
        urgency=Urgency.HIGH,
    )
    assert (incident.reporter, incident.channel, incident.title) == (contact, "walk_in", "VPN down for the whole floor")
    assert (incident.impact, incident.priority, incident.assignment_group) == (Impact.HIGH, Priority.CRITICAL, network)
    created = Event.objects.get(incident=incident)
    assert (created.kind, created.actor_user) == (EventKind.CREATED, agent)


def test_a_new_person_becomes_a_contact_with_their_incident(agent):
    incident = raise_for(agent, services.NewContact(name=" Dana Kim ", email="dana@example.org"))
    assert (incident.reporter.name, incident.reporter.email) == ("Dana Kim", "dana@example.org")
    assert incident.reporter.user is None


def test_a_refused_incident_leaves_no_new_contact_behind(agent, customer):
    with pytest.raises(ValidationError) as refused:
        raise_for(agent, services.NewContact(name="Dana Kim"), assignee=customer)
    assert "assignee" in refused.value.message_dict
    assert not Contact.objects.filter(name="Dana Kim").exists() and not Incident.objects.exists()


def test_an_e_mail_a_contact_already_has_is_refused_naming_them(agent):
    ContactFactory(name="Dana Kim", email="dana@example.org")
    with pytest.raises(ValidationError) as refused:
        raise_for(agent, services.NewContact(name="D. Kim", email="DANA@example.org"))
    assert "Dana Kim is already a contact" in refused.value.message_dict["reporter_email"][0]
    assert Contact.objects.count() == 1 and not Incident.objects.exists()


def test_a_new_person_needs_a_name_and_a_real_e_mail(agent):
    with pytest.raises(ValidationError) as nameless:
        raise_for(agent, services.NewContact(name="  ", email="dana@example.org"))
    with pytest.raises(ValidationError) as bad_email:
        raise_for(agent, services.NewContact(name="Dana", email="not an address"))
    assert "reporter_name" in nameless.value.message_dict
    assert "reporter_email" in bad_email.value.message_dict
    assert not Contact.objects.exists()


def test_only_agents_raise_for_somebody_and_only_by_phone_walk_in_or_chat(agent, customer, contact):
    with pytest.raises(PermissionDenied):
        raise_for(customer, contact)
    with pytest.raises(ValidationError) as web:
        raise_for(agent, contact, channel=Channel.WEB)
    assert web.value.message_dict["channel"] == ["Choose how they told you: phone, walk-in, chat."]
    assert not Incident.objects.exists()


def test_a_manager_raises_for_somebody_too(manager, contact):
    assert raise_for(manager, contact, channel=Channel.CHAT).reporter == contact


def test_a_contact_merged_away_reports_as_its_survivor(agent):
    survivor, merged = ContactFactory(name="Dana Kim"), ContactFactory(name="Dana K")
    services.contact_merge(source=merged, target=survivor, actor=agent)
    merged.refresh_from_db()
    assert raise_for(agent, merged).reporter == survivor


# --- "This is the same" ----------------------------------------------------------------------


def test_the_same_adds_the_person_as_an_internal_note_and_raises_nothing(agent, contact):
    existing = IncidentFactory(title="VPN drops every hour")
    note = services.incident_also_reported(
        incident=existing,
        actor=agent,
        reporter=services.NewContact(name="Dana Kim", email="dana@example.org"),
        channel=Channel.PHONE,
        title="VPN keeps dropping",
        description="Every hour or so, at home.",
    )
    assert note.visibility == Visibility.INTERNAL and note.author_user == agent
    assert note.body == (
        "Also reported by Dana Kim <dana@example.org> (phone):\n\nVPN keeps dropping\n\nEvery hour or so, at home."
    )
    assert Incident.objects.count() == 1 and Contact.objects.filter(email="dana@example.org").exists()
    trail = Event.objects.filter(incident=existing, kind=EventKind.COMMENT)
    assert [(e.actor_user, e.comment) for e in trail] == [(agent, note)]


def test_the_same_is_refused_on_an_incident_no_longer_open(agent, contact):
    existing = IncidentFactory()
    services.incident_transition(incident=existing, to_status=IncidentStatus.CANCELLED, actor=agent)
    with pytest.raises(ValidationError) as refused:
        services.incident_also_reported(
            incident=existing,
            actor=agent,
            reporter=services.NewContact(name="Dana Kim"),
            channel=Channel.PHONE,
            title="Same here",
        )
    assert "is cancelled now: raise a new incident instead" in refused.value.message_dict["same_as"][0]
    assert not Contact.objects.filter(name="Dana Kim").exists() and not existing.comments.exists()


def test_the_same_is_for_agents_and_needs_what_they_said(agent, customer, contact):
    existing = IncidentFactory()
    with pytest.raises(PermissionDenied):
        services.incident_also_reported(
            incident=existing, actor=customer, reporter=contact, channel=Channel.PHONE, title="x"
        )
    with pytest.raises(ValidationError) as empty:
        services.incident_also_reported(
            incident=existing, actor=agent, reporter=contact, channel=Channel.PHONE, title=" "
        )
    assert "title" in empty.value.message_dict and not existing.comments.exists()
