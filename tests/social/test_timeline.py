"""The incident timeline's social source (social.selectors.timeline_source): the messages in
and out, drawn escaped, with their delivery state for agents; the reporter sees what is
theirs; one query whatever their number."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from social.events import Kind
from social.selectors import timeline_source
from tickets import services
from tickets.models import Channel
from tickets.timeline import timeline_sources

from ..factories import IncidentFactory
from ..queries import assert_queries, get_queries
from ..tickets.views.test_lists import INCIDENT_PAGE_QUERIES
from .factories import InboundMessageFactory, SocialIdentityFactory, SocialMessageFactory

pytestmark = pytest.mark.django_db

HOSTILE = "<img src=x onerror=alert(1)> & <script>alert(2)</script>"


def page_of(client, incident) -> str:
    response = client.get(reverse("incident_detail", args=[incident.number]))
    assert response.status_code == 200
    return response.text


@pytest.fixture
def social_incident(contact):
    """An incident opened by a mention, with the desk's answers in every delivery state."""
    incident = IncidentFactory(reporter=contact, channel=Channel.TWITTER)
    jess = SocialIdentityFactory(handle="@jess", display_name="Jess", contact=contact)
    start = timezone.now() - timedelta(hours=1)
    mention = InboundMessageFactory(
        incident=incident, identity=jess, text=f"@desk my VPN is down {HOSTILE}", created_at=start
    )
    sent = SocialMessageFactory(
        incident=incident,
        direction="outbound",
        kind=Kind.REPLY,
        state="sent",
        text="Thanks @jess, we're on it: INC0000001",
        created_at=start + timedelta(minutes=1),
    )
    failed = SocialMessageFactory(
        incident=incident,
        direction="outbound",
        kind=Kind.REPLY,
        state="failed",
        state_reason="X refused the post: duplicate content",
        text="Any news?",
        created_at=start + timedelta(minutes=2),
    )
    return incident, {"mention": mention, "sent": sent, "failed": failed}


def test_the_social_app_registers_its_timeline_source():
    assert timeline_source in timeline_sources()


def test_messages_come_in_time_order_in_one_query(social_incident):
    incident, made = social_incident
    with assert_queries(1):
        entries = timeline_source(incident=incident, viewer_is_agent=True)
        # The template reads the identity: already joined.
        authors = [entry.item.message.identity and entry.item.message.identity.handle for entry in entries]
    assert [entry.item.message for entry in entries] == [made["mention"], made["sent"], made["failed"]]
    assert [entry.at for entry in entries] == sorted(entry.at for entry in entries)
    assert authors == ["@jess", None, None]
    assert {entry.template for entry in entries} == {"social/_timeline_message.html"}


def test_agents_see_every_message_escaped_with_its_state_and_a_retry_for_the_failed_one(agent_client, social_incident):
    incident, made = social_incident
    page = page_of(agent_client, incident)
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "<script>alert(2)" not in page
    assert f'id="social-message-{made["mention"].pk}"' in page
    assert "Jess</strong>" in page and "@jess</span>" in page
    assert "New incident" in page and "Sent by the desk" in page and "Received" in page
    assert "X refused the post: duplicate content" in page
    retry = reverse("social:message_retry", args=[made["failed"].pk])
    assert page.count('action="/social/messages/') == 1 and f'hx-post="{retry}"' in page
    assert f'href="{made["mention"].url}"' in page and "View on X" in page


def test_markers_for_deleted_hidden_and_edited_messages(agent_client, contact):
    incident = IncidentFactory(reporter=contact, channel=Channel.FACEBOOK)
    InboundMessageFactory(incident=incident, channel="facebook", deleted=True, text="")
    InboundMessageFactory(incident=incident, channel="facebook", hidden=True, text="Rude words")
    InboundMessageFactory(incident=incident, channel="facebook", edited_at=timezone.now(), text="Now edited")
    page = page_of(agent_client, incident)
    assert "Deleted at the source" in page and "This message was deleted at the source." in page
    assert "Hidden</span>" in page and "Rude words" in page
    assert "Edited</span>" in page and "Now edited" in page
    assert "View on Facebook" in page


def test_a_link_that_is_not_a_web_address_is_not_drawn(agent_client, contact):
    incident = IncidentFactory(reporter=contact, channel=Channel.TWITTER)
    InboundMessageFactory(incident=incident, url="javascript:alert(1)")
    page = page_of(agent_client, incident)
    assert "javascript:" not in page and "View on X" not in page


def test_agents_can_read_the_raw_payload_escaped(agent_client, contact):
    incident = IncidentFactory(reporter=contact, channel=Channel.TWITTER)
    InboundMessageFactory(incident=incident, raw={"text": "<b>bold</b>", "id": "1"})
    page = page_of(agent_client, incident)
    assert "Raw payload" in page and "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page


def test_the_reporter_sees_public_messages_and_their_own_conversation_only(client, customer, agent):
    reporter = services.contact_for_user(user=customer)
    incident = IncidentFactory(reporter=reporter, channel=Channel.TWITTER)
    own = SocialIdentityFactory(handle="@alice", display_name="Alice", contact=reporter)
    stranger = SocialIdentityFactory(handle="@mallory", display_name="Mallory")
    InboundMessageFactory(incident=incident, identity=own, text="My mention", raw={"secret": "payload"})
    InboundMessageFactory(incident=incident, identity=own, kind=Kind.DM, thread_key="dm-alice", text="My DM")
    SocialMessageFactory(
        incident=incident,
        direction="outbound",
        kind=Kind.DM,
        state="sent",
        thread_key="dm-alice",
        text="Desk DM to Alice",
    )
    InboundMessageFactory(incident=incident, identity=stranger, kind=Kind.DM, thread_key="dm-m", text="Mallory DM")
    SocialMessageFactory(
        incident=incident, direction="outbound", kind=Kind.DM, thread_key="dm-m", text="Desk DM to Mallory"
    )
    InboundMessageFactory(incident=incident, identity=stranger, text="Mallory's public reply")
    InboundMessageFactory(incident=incident, identity=stranger, hidden=True, text="Mallory hidden")
    SocialMessageFactory(
        incident=incident, direction="outbound", state="failed", state_reason="token refused", text="Not sent"
    )
    client.force_login(customer)
    page = client.get(reverse("portal_incident", args=[incident.number])).text
    for shown in ("My mention", "My DM", "Desk DM to Alice", "Mallory&#x27;s public reply"):
        assert shown in page, shown
    for hidden in ("Mallory DM", "Desk DM to Mallory", "Mallory hidden", "Not sent", "token refused"):
        assert hidden not in page, hidden
    assert "Raw payload" not in page and "secret" not in page
    assert "Retry" not in page and "New incident" not in page


def test_the_incident_page_costs_the_same_with_no_message_and_with_forty(agent_client, agent, contact):
    incident = IncidentFactory(reporter=contact, channel=Channel.TWITTER)
    url = reverse("incident_detail", args=[incident.number])
    services.comment_create(incident=incident, body="one", visibility="public", author=agent)
    none = get_queries(agent_client, url)
    for n in range(20):
        identity = SocialIdentityFactory()
        InboundMessageFactory(incident=incident, identity=identity, text=f"message {n}")
        SocialMessageFactory(incident=incident, direction="outbound", state="failed", text=f"answer {n}")
    assert none == get_queries(agent_client, url) == INCIDENT_PAGE_QUERIES


def test_the_portal_incident_page_costs_the_same_with_no_message_and_with_forty(client, customer):
    reporter = services.contact_for_user(user=customer)
    incident = IncidentFactory(reporter=reporter, channel=Channel.TWITTER)
    client.force_login(customer)
    url = reverse("portal_incident", args=[incident.number])
    none = get_queries(client, url)
    own = SocialIdentityFactory(contact=reporter)
    for n in range(20):
        InboundMessageFactory(incident=incident, identity=own, kind=Kind.DM, thread_key="dm", text=f"m {n}")
        InboundMessageFactory(incident=incident, identity=SocialIdentityFactory(), text=f"other {n}")
    assert get_queries(client, url) == none


def test_an_answer_is_the_agents_and_says_whom_it_answers(agent_client, agent, contact):
    incident = IncidentFactory(reporter=contact, channel=Channel.TWITTER)
    jess = SocialIdentityFactory(handle="@jess", display_name="Jess", contact=contact)
    InboundMessageFactory(incident=incident, identity=jess, text="Help")
    SocialMessageFactory(
        incident=incident, direction="outbound", identity=jess, author_name="Sam Agent", text="On it", state="sent"
    )
    page = page_of(agent_client, incident)
    assert '<strong>Sam Agent</strong> <span class="text-body-secondary">to @jess</span>' in page
