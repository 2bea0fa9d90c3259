"""A contact's page and list show where the person is met (channel, handle, profile link),
their incidents and their messages; two people of the same name are told apart by their
channels. Social provides the identities and messages through tickets.contact_sources."""

import pytest
from django.urls import reverse

from tickets import services
from tickets.models import Channel

from ..factories import ContactFactory, IncidentFactory
from ..queries import get_queries
from .factories import InboundMessageFactory, SocialIdentityFactory

pytestmark = pytest.mark.django_db


def test_the_contact_page_shows_identities_incidents_and_messages(agent_client, agent):
    jess = ContactFactory(name="Jess Doe")
    SocialIdentityFactory(contact=jess, channel=Channel.TWITTER, handle="@jess_codes", display_name="Jess 🚀")
    messenger = SocialIdentityFactory(contact=jess, channel=Channel.FACEBOOK, handle="", display_name="Jess Doe")
    incident = IncidentFactory(reporter=jess, title="VPN drops every hour")
    InboundMessageFactory(identity=messenger, channel=Channel.FACEBOOK, text="Still no VPN here", incident=incident)

    page = agent_client.get(reverse("contact_detail", args=[jess.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'href="https://x.com/jess_codes"' in text  # a profile where the platform has public ones
    assert "@jess_codes" in text and "Jess 🚀" in text and ">Facebook<" in text
    assert incident.number in text and "VPN drops every hour" in text
    assert "Still no VPN here" in text


def test_the_contact_page_costs_the_same_for_few_and_many_incidents_and_messages(agent_client, agent):
    jess = ContactFactory(name="Jess Doe")
    identity = SocialIdentityFactory(contact=jess, channel=Channel.TWITTER)
    IncidentFactory(reporter=jess)
    InboundMessageFactory(identity=identity)
    url = reverse("contact_detail", args=[jess.pk])
    few = get_queries(agent_client, url)
    for _ in range(12):
        IncidentFactory(reporter=jess)
        InboundMessageFactory(identity=SocialIdentityFactory(contact=jess, channel=Channel.FACEBOOK, handle=""))
    assert get_queries(agent_client, url) == few


def test_a_merged_contact_leads_to_the_one_kept_and_an_unknown_one_is_404(agent_client, agent):
    kept, merged = ContactFactory(name="Ivo Petrov"), ContactFactory(name="Ivo P.")
    services.contact_merge(source=merged, target=kept, actor=agent)
    response = agent_client.get(reverse("contact_detail", args=[merged.pk]))
    assert response.status_code == 302 and response.url == reverse("contact_detail", args=[kept.pk])
    assert agent_client.get(reverse("contact_detail", args=[999_999])).status_code == 404


def test_two_people_of_the_same_name_are_told_apart_by_their_channels(agent_client):
    on_x = SocialIdentityFactory(channel=Channel.TWITTER, handle="@ivo_p", display_name="Ivo Petrov").contact
    on_facebook = SocialIdentityFactory(channel=Channel.FACEBOOK, handle="", display_name="Ivo Petrov").contact
    listing = agent_client.get(reverse("contact_list"), {"q": "Ivo"}).content.decode()
    assert listing.count("Ivo Petrov") >= 2
    assert "X @ivo_p" in listing and ">Facebook</span>" in listing

    merge = agent_client.post(reverse("contact_merge"), {"contacts": [on_x.pk, on_facebook.pk]})
    text = merge.content.decode()
    assert merge.status_code == 200 and "X @ivo_p" in text and ">Facebook</span>" in text


def test_the_contact_list_costs_the_same_whatever_their_identities(agent_client):
    for _ in range(3):
        SocialIdentityFactory()
    few = get_queries(agent_client, reverse("contact_list"))
    for _ in range(20):
        SocialIdentityFactory(channel=Channel.FACEBOOK, handle="")
    assert get_queries(agent_client, reverse("contact_list")) == few
