"""From a tweet to what agents see: the pipeline's real rows on the Social page, on the
incident's timeline and in the API, scored by feedback on the way."""

import pytest
from django.urls import reverse
from django.utils import timezone

from social.events import SHARDS, Kind, ParsedEvent
from social.inbox import claim
from social.inbox.store import inbound_store
from social.models import Direction, MessageState, SocialAccount, SocialMessage

from .api.conftest import as_agent  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

HOSTILE = "@desk <img src=x onerror=alert(1)> my VPN is down and I am furious"


@pytest.fixture
def delivered(django_capture_on_commit_callbacks):
    """A mention processed as the workers would (every on-commit task run in-process)."""
    SocialAccount.objects.create(channel="twitter", external_id="1000", handle="@desk")  # no token to send with
    event = ParsedEvent(
        channel="twitter",
        account_id="1000",
        external_id="1850000000000000042",
        kind=Kind.MENTION,
        author_id="42",
        author_handle="@jess",
        author_name="Jess",
        text=HOSTILE,
        created_at=timezone.now(),
        thread_key="1850000000000000042",
        url="https://x.com/jess/status/1850000000000000042",
        mentions_account=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        inbound_store(events=[event])
        for shard in range(SHARDS):
            while claim.process_pending(shard=shard):
                pass
    mention = SocialMessage.objects.select_related("incident").get(direction=Direction.INBOUND)
    return mention


def test_the_social_page_shows_the_mention_and_the_incident_it_opened(agent_client, delivered):
    page = agent_client.get(reverse("social:inbox")).text
    number = delivered.incident.number
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    assert "New incident</span>" in page and f'<a href="/incidents/{number}/">{number}</a>' in page
    assert "@jess" in page and 'href="https://x.com/jess/status/1850000000000000042"' in page


def test_the_timeline_shows_the_mention_and_the_acknowledgement_with_its_delivery(agent_client, delivered):
    url = reverse("incident_detail", args=[delivered.incident.number])
    page = agent_client.get(url).text
    assert f'id="social-message-{delivered.pk}"' in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    acknowledgement = SocialMessage.objects.get(direction=Direction.OUTBOUND, incident=delivered.incident)
    assert delivered.incident.number in acknowledgement.text  # the seeded X acknowledgement, filled in
    assert acknowledgement.state == MessageState.QUEUED  # waiting for a token to send with
    assert f'id="social-message-{acknowledgement.pk}"' in page and "to @jess" in page
    assert "Queued</span>" in page and "Retry</button>" not in page


def test_a_refused_acknowledgement_is_retried_from_the_timeline(
    agent_client, delivered, django_capture_on_commit_callbacks
):
    acknowledgement = SocialMessage.objects.get(direction=Direction.OUTBOUND, incident=delivered.incident)
    SocialMessage.objects.filter(pk=acknowledgement.pk).update(
        state=MessageState.FAILED, state_reason="X refused the post: duplicate content"
    )
    page = agent_client.get(reverse("incident_detail", args=[delivered.incident.number])).text
    retry = reverse("social:message_retry", args=[acknowledgement.pk])
    assert "X refused the post: duplicate content" in page and f'hx-post="{retry}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = agent_client.post(retry, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "Queued again." in answer.text and "Retry</button>" not in answer.text
    acknowledgement.refresh_from_db()
    assert (acknowledgement.state, acknowledgement.state_reason) != (
        MessageState.FAILED,
        "X refused the post: duplicate content",
    )


def test_the_mention_is_scored_and_the_api_says_so(as_agent, delivered):  # noqa: F811
    item = as_agent.get(f"/api/v1/social/messages/{delivered.pk}/").json()
    assert item["incident"] == delivered.incident.number
    assert item["sentiment"] is not None and item["sentiment"] < 0  # "furious"
    assert item["author"] == {"name": "Jess", "handle": "@jess"}
