"""The Social page (/social/), the Replay of failed inbound events and the Retry of failed
outbound messages: who may, what they see, and what it costs."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from social.events import Kind
from social.models import InboundState, MessageState
from tickets.models import Channel

from ..factories import IncidentFactory
from ..queries import get_queries
from .factories import InboundEventFactory, InboundMessageFactory, SocialIdentityFactory, SocialMessageFactory

pytestmark = pytest.mark.django_db

INBOX = "/social/"


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def shown(response) -> list[int]:
    return [message.pk for message in response.context["page"].messages]


def make_messages(count: int, **kwargs) -> list:
    start = timezone.now() - timedelta(days=1)
    return [InboundMessageFactory(created_at=start + timedelta(minutes=n), **kwargs) for n in range(count)]


# --- who may see it ---------------------------------------------------------------------------


def test_it_is_named_inbox_and_lives_at_social():
    assert reverse("social:inbox") == INBOX
    assert reverse("social:message_retry", args=[3]) == "/social/messages/3/retry/"


def test_agents_only(client, customer, outsider, agent):
    assert client.get(INBOX).status_code == 302  # to the login page
    for person in (customer, outsider):
        client.force_login(person)
        assert client.get(INBOX).status_code == 403
    client.force_login(agent)
    assert client.get(INBOX).status_code == 200


def test_the_navbar_links_to_it_for_agents_only(agent_client, client, customer):
    page = agent_client.get(reverse("incident_list")).text
    assert f'href="{INBOX}">Social</a>' in page
    assert 'aria-current="page" href="/social/">Social' in agent_client.get(INBOX).text
    client.force_login(customer)
    assert f'href="{INBOX}"' not in client.get(reverse("portal_home")).text


# --- what it lists ----------------------------------------------------------------------------


def test_inbound_messages_newest_first_with_what_became_of_them(agent_client, contact):
    incident = IncidentFactory(reporter=contact, channel=Channel.TWITTER)
    start = timezone.now() - timedelta(hours=1)
    opened = InboundMessageFactory(incident=incident, state=MessageState.NEW_INCIDENT, created_at=start)
    joined = InboundMessageFactory(
        incident=incident, kind=Kind.REPLY, state=MessageState.JOINED, created_at=start + timedelta(minutes=1)
    )
    ignored = InboundMessageFactory(
        state=MessageState.IGNORED,
        state_reason="A retweet: nothing to answer",
        kind=Kind.OTHER,
        created_at=start + timedelta(minutes=2),
    )
    outbound = SocialMessageFactory(direction="outbound", incident=incident, created_at=start + timedelta(minutes=3))
    response = agent_client.get(INBOX)
    assert shown(response) == [ignored.pk, joined.pk, opened.pk]
    assert outbound.pk not in shown(response)
    page = response.text
    assert "New incident</span>" in page and "Joined incident</span>" in page
    assert f'<a href="/incidents/{incident.number}/">{incident.number}</a>' in page
    assert "Ignored</span>" in page and "A retweet: nothing to answer" in page


def test_text_is_escaped_and_truncated(agent_client):
    InboundMessageFactory(text="<img src=x onerror=alert(1)> " + "long " * 100)
    page = agent_client.get(INBOX).text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    assert "long " * 50 not in page and "…" in page


def test_author_with_handle(agent_client):
    InboundMessageFactory(identity=SocialIdentityFactory(handle="@jess", display_name="Jess <b>"))
    page = agent_client.get(INBOX).text
    assert "Jess &lt;b&gt;" in page and "@jess" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("channel=facebook", ["facebook comment"]),
        ("kind=dm", ["twitter dm"]),
        ("state=ignored", ["twitter ignored"]),
        ("direction=outbound", ["desk answer"]),
        ("direction=outbound&state=failed", []),
        ("direction=", ["desk answer", "twitter ignored", "twitter dm", "facebook comment", "twitter mention"]),
        ("channel=nonsense&kind=&state=", ["twitter ignored", "twitter dm", "facebook comment", "twitter mention"]),
    ],
)
def test_filters(agent_client, query, expected):
    start = timezone.now() - timedelta(hours=1)
    InboundMessageFactory(text="twitter mention", created_at=start)
    InboundMessageFactory(channel="facebook", text="facebook comment", created_at=start + timedelta(minutes=1))
    InboundMessageFactory(kind=Kind.DM, text="twitter dm", created_at=start + timedelta(minutes=2))
    InboundMessageFactory(state=MessageState.IGNORED, text="twitter ignored", created_at=start + timedelta(minutes=3))
    SocialMessageFactory(direction="outbound", text="desk answer", created_at=start + timedelta(minutes=4))
    response = agent_client.get(f"{INBOX}?{query}")
    assert [message.text for message in response.context["page"].messages] == expected


def test_older_pages_follow_on_without_gap_or_repeat(agent_client):
    made = make_messages(55)
    # Two at the very same moment: the id breaks the tie.
    InboundMessageFactory(created_at=made[10].created_at)
    first = agent_client.get(f"{INBOX}?channel=twitter")
    assert len(shown(first)) == 50
    older = first.context["page"].older_before
    assert f"?direction=inbound&amp;channel=twitter&amp;kind=&amp;state=&amp;intent=&amp;before={older}" in first.text
    second = agent_client.get(f"{INBOX}?channel=twitter&before={older}")
    assert second.context["page"].older_before is None and "Newest</a>" in second.text
    everything = shown(first) + shown(second)
    assert len(everything) == len(set(everything)) == 56


def test_a_bad_cursor_is_the_first_page(agent_client):
    make_messages(3)
    assert len(shown(agent_client.get(f"{INBOX}?before=nonsense"))) == 3
    assert shown(agent_client.get(f"{INBOX}?before=99999999")) == []


# 4 (session, user, the user's and their groups' permissions) + the page of messages (the
# cursor row a subquery, identities and incident numbers joined) + the failed events.
INBOX_QUERIES = 6


def test_the_page_costs_the_same_for_ten_and_sixty_messages(agent_client, contact):
    incident = IncidentFactory(reporter=contact, channel=Channel.TWITTER)

    def add(count):
        make_messages(count, incident=incident)
        InboundEventFactory.create_batch(count // 10, state=InboundState.FAILED, last_error="boom", attempts=5)

    add(10)
    ten = get_queries(agent_client, INBOX)
    add(50)
    older = agent_client.get(INBOX).context["page"].older_before
    assert ten == get_queries(agent_client, INBOX) == get_queries(agent_client, f"{INBOX}?before={older}")
    assert ten == INBOX_QUERIES


# --- failed inbound events and Replay ---------------------------------------------------------


def test_failed_events_are_listed_with_their_error_and_attempts(agent_client):
    event = InboundEventFactory(
        state=InboundState.FAILED,
        attempts=6,
        last_error="KeyError: 'author_id' <script>",
        payload={"text": "Help <b>me</b>", "author_handle": "@jess", "kind": "mention"},
    )
    InboundEventFactory(state=InboundState.DONE, last_error="old news")
    page = agent_client.get(INBOX).text
    assert f'id="failed-event-{event.pk}"' in page
    assert "KeyError: &#x27;author_id&#x27; &lt;script&gt;" in page and "Help &lt;b&gt;me&lt;/b&gt;" in page
    assert "@jess" in page and "old news" not in page
    assert "Replay" not in page  # agents see them; managers replay them


def test_only_the_newest_failed_events_are_shown(agent_client):
    InboundEventFactory.create_batch(25, state=InboundState.FAILED, last_error="boom")
    response = agent_client.get(INBOX)
    assert len(response.context["failed_events"]) == 20 and response.context["more_failed_events"]


def test_managers_get_the_replay_buttons(client, manager):
    event = InboundEventFactory(state=InboundState.FAILED, last_error="boom")
    client.force_login(manager)
    page = client.get(INBOX).text
    assert f'name="event_ids" value="{event.pk}">Replay</button>' in page and "Replay all 1 shown" in page


def test_agents_may_not_replay(agent_client):
    event = InboundEventFactory(state=InboundState.FAILED, last_error="boom")
    response = agent_client.post(reverse("social:events_replay"), {"event_ids": [event.pk]})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.state == InboundState.FAILED


def test_replay_without_events_says_so(client, manager):
    client.force_login(manager)
    response = client.post(reverse("social:events_replay"), {"next": "/social/?channel=twitter"})
    assert response.status_code == 302 and response.url == "/social/?channel=twitter"
    assert texts(response) == ["Choose at least one event to replay."]


def test_managers_replay_failed_events(client, manager):
    failed = InboundEventFactory(state=InboundState.FAILED, last_error="boom", attempts=6)
    done = InboundEventFactory(state=InboundState.DONE)
    client.force_login(manager)
    response = client.post(
        reverse("social:events_replay"), {"event_ids": [failed.pk, done.pk], "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response.url == INBOX
    assert texts(response) == ["1 event queued for processing again."]
    failed.refresh_from_db()
    done.refresh_from_db()
    assert (failed.state, done.state) == (InboundState.PENDING, InboundState.DONE)


# --- Retry of failed outbound messages --------------------------------------------------------


def retry_url(message) -> str:
    return reverse("social:message_retry", args=[message.pk])


def test_failed_outbound_messages_have_a_retry_button_on_the_page(agent_client):
    failed = SocialMessageFactory(direction="outbound", state="failed", state_reason="Rate limited <until> noon")
    page = agent_client.get(f"{INBOX}?direction=outbound").text
    assert f'action="{retry_url(failed)}"' in page and "Rate limited &lt;until&gt; noon" in page
    assert 'hx-vals=\'{"partial": "row"}\'' in page


def test_retry_is_for_agents_and_posts_only(client, customer, agent):
    message = SocialMessageFactory(direction="outbound", state="failed")
    assert client.post(retry_url(message)).status_code == 302  # to the login page
    client.force_login(customer)
    assert client.post(retry_url(message)).status_code == 403
    client.force_login(agent)
    assert client.get(retry_url(message)).status_code == 405
    assert client.post(reverse("social:message_retry", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    "kwargs", [{"state": "sent"}, {"state": "queued"}, {"direction": "inbound", "state": "new_incident"}]
)
def test_only_a_failed_outbound_message_can_be_retried(agent_client, contact, kwargs):
    incident = IncidentFactory(reporter=contact, channel=Channel.TWITTER)
    message = InboundMessageFactory(incident=incident, **{"direction": "outbound", **kwargs})
    response = agent_client.post(retry_url(message))
    assert response.status_code == 302
    assert response.url == f"/incidents/{incident.number}/#social-message-{message.pk}"
    assert texts(response) == ["Only an outbound message whose delivery failed can be retried."]
    message.refresh_from_db()
    assert message.state == kwargs["state"]


def test_a_refused_retry_with_htmx_redraws_the_message_with_the_reason(agent_client, contact):
    incident = IncidentFactory(reporter=contact, channel=Channel.TWITTER)
    message = SocialMessageFactory(incident=incident, direction="outbound", state="sent", text="<i>hi</i>")
    response = agent_client.post(retry_url(message), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.strip().startswith("<li") and f'id="social-message-{message.pk}"' in response.text
    assert "Only an outbound message whose delivery failed can be retried." in response.text
    assert "&lt;i&gt;hi&lt;/i&gt;" in response.text


def test_agents_retry_a_failed_message(agent_client, contact):
    incident = IncidentFactory(reporter=contact, channel=Channel.TWITTER)
    message = SocialMessageFactory(incident=incident, direction="outbound", state="failed", state_reason="boom")
    response = agent_client.post(retry_url(message), {"next": f"/incidents/{incident.number}/"})
    assert response.status_code == 302 and response.url == f"/incidents/{incident.number}/"
    assert texts(response) == ["The message is queued to be sent again."]
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED


def test_agents_retry_a_failed_message_with_htmx(agent_client, contact):
    incident = IncidentFactory(reporter=contact, channel=Channel.TWITTER)
    message = SocialMessageFactory(incident=incident, direction="outbound", state="failed")
    response = agent_client.post(retry_url(message), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Queued again." in response.text
    assert "Retry</button>" not in response.text and "Queued</span>" in response.text
    row = SocialMessageFactory(direction="outbound", state="failed")
    response = agent_client.post(retry_url(row), {"partial": "row"}, HTTP_HX_REQUEST="true")
    assert response.text.strip().startswith(f'<tr id="inbox-message-{row.pk}"') and "Queued again." in response.text


# --- feedback: one click to an incident ---------------------------------------------------------


def test_feedback_shows_its_intent_and_a_button_that_opens_an_incident(agent_client):
    kept = InboundMessageFactory(state=MessageState.FEEDBACK, intent="praise", text="You are brilliant")
    page = agent_client.get(INBOX + "?state=feedback").content.decode()
    assert "Praise" in page and f"/social/messages/{kept.pk}/open-incident/" in page

    response = agent_client.post(f"/social/messages/{kept.pk}/open-incident/")

    kept.refresh_from_db()
    assert kept.state == MessageState.NEW_INCIDENT
    assert response.status_code == 302 and response.url == f"/incidents/{kept.incident.number}/"


def test_the_social_page_filters_by_intent_and_ignores_an_unknown_one(agent_client):
    praise = InboundMessageFactory(state=MessageState.FEEDBACK, intent="praise", text="Legends, all of you")
    InboundMessageFactory(intent="complaint", text="The VPN drops every hour")

    page = agent_client.get(INBOX + "?intent=praise").content.decode()
    assert "Legends, all of you" in page and "The VPN drops every hour" not in page
    assert '<option value="praise" selected>Praise</option>' in page
    assert f"/social/messages/{praise.pk}/open-incident/" in page

    # A stale bookmark still opens the page, unfiltered.
    page = agent_client.get(INBOX + "?intent=gratitude").content.decode()
    assert "Legends, all of you" in page and "The VPN drops every hour" in page


def test_opening_an_incident_from_a_message_that_is_not_feedback_says_why(agent_client):
    joined = InboundMessageFactory(state=MessageState.JOINED)
    response = agent_client.post(f"/social/messages/{joined.pk}/open-incident/")
    assert response.status_code == 302
    assert texts(response) == ["This message is not feedback waiting for an incident."]


def test_customers_cannot_open_incidents_from_feedback(customer_client):
    kept = InboundMessageFactory(state=MessageState.FEEDBACK, intent="praise")
    assert customer_client.post(f"/social/messages/{kept.pk}/open-incident/").status_code in (302, 403)
    kept.refresh_from_db()
    assert kept.state == MessageState.FEEDBACK
