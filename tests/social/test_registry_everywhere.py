"""Mastodon, Bluesky and e-mail, registered in `social.platforms` and named nowhere else, are channels
everywhere the desk lists channels: the console's filter, the Social page's badges, the API's
`channel` values and filters, the sentiment history's choices."""

import pytest
from django.urls import reverse

from feedback.models import SentimentScore
from social.events import Kind
from social.models import MessageState

from ..factories import IncidentFactory
from .factories import InboundMessageFactory

pytestmark = pytest.mark.django_db
NEW = {"mastodon": "Mastodon", "bluesky": "Bluesky", "email": "E-mail"}


def test_the_consoles_channel_filter_offers_them(agent_client):
    page = agent_client.get(reverse("incident_list")).text
    for channel, label in NEW.items():
        assert f'<option value="{channel}">{label}</option>' in page


@pytest.mark.parametrize("channel", NEW)
def test_the_social_page_shows_their_badge_and_the_api_their_channel(agent_client, channel):
    incident = IncidentFactory(channel=channel)
    InboundMessageFactory(
        channel=channel, kind=Kind.MENTION, incident=incident, state=MessageState.NEW_INCIDENT, url="https://x.test/1"
    )

    page = agent_client.get(reverse("social:inbox")).text
    assert f'channel-badge">{NEW[channel]}</span>' in page
    listed = agent_client.get(f"/api/v1/social/messages/?channel={channel}").json()["results"]
    assert [m["channel"] for m in listed] == [channel]
    found = agent_client.get(f"/api/v1/incidents/?channel={channel}").json()["results"]
    assert [i["number"] for i in found] == [incident.number]
    assert agent_client.get(f"/api/v1/incidents/{incident.number}/").json()["channel"] == channel


def test_the_api_schema_lists_them():
    from social.models import SOCIAL_CHANNELS

    assert {"mastodon", "bluesky", "email"} <= {value for value, _ in SOCIAL_CHANNELS}


def test_the_sentiment_history_takes_them():
    field = SentimentScore._meta.get_field("channel")
    for channel in NEW:
        field.validate(channel, SentimentScore())
