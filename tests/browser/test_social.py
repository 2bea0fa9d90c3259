"""The social pages in a real Chromium: the Social page and an incident's timeline with
messages in and out, hostile text staying inert, Retry on a failed answer, and what
managers see (the token banner, Replay)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from social.events import Kind
from social.models import InboundState, MessageState
from tickets.models import Channel

from ..factories import IncidentFactory
from ..social.factories import (
    InboundEventFactory,
    InboundMessageFactory,
    SocialAccountFactory,
    SocialIdentityFactory,
    SocialMessageFactory,
)
from .conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HOSTILE = "<img src=x onerror=alert(1)> my VPN is down"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def conversation(contact):
    start = timezone.now() - timedelta(hours=2)
    # Opened by the mention, at its time, as intake does.
    incident = IncidentFactory(
        reporter=contact,
        channel=Channel.TWITTER,
        title="VPN down (from X)",
        description="@desk " + HOSTILE,
        opened_at=start,
    )
    jess = SocialIdentityFactory(handle="@jess", display_name="Jess Doe", contact=contact)
    mention = InboundMessageFactory(
        incident=incident,
        identity=jess,
        text="@desk " + HOSTILE,
        raw={"data": {"id": "1", "text": "@desk " + HOSTILE}},
        created_at=start,
    )
    SocialMessageFactory(
        incident=incident,
        direction="outbound",
        kind=Kind.REPLY,
        state=MessageState.SENT,
        author_name="@desk",
        text="Thanks @jess, we're on it: your incident is " + incident.number,
        created_at=start + timedelta(minutes=1),
    )
    InboundMessageFactory(
        incident=incident,
        identity=jess,
        kind=Kind.REPLY,
        state=MessageState.JOINED,
        text="Still down, and now my email too",
        edited_at=start + timedelta(minutes=4),
        created_at=start + timedelta(minutes=3),
    )
    failed = SocialMessageFactory(
        incident=incident,
        direction="outbound",
        kind=Kind.REPLY,
        state=MessageState.FAILED,
        state_reason="X refused the post: you are not allowed to reply to this conversation",
        author_name="@desk",
        text="We restarted the VPN gateway: can you try again?",
        created_at=start + timedelta(minutes=10),
    )
    InboundMessageFactory(
        channel="facebook",
        kind=Kind.COMMENT,
        state=MessageState.IGNORED,
        state_reason="Not about a problem: a compliment",
        text="Great support team!",
        created_at=start + timedelta(minutes=20),
    )
    InboundMessageFactory(deleted=True, text="", created_at=start + timedelta(minutes=30))
    return {"incident": incident, "mention": mention, "failed": failed}


def test_an_agent_reads_the_social_page_and_an_incidents_messages(page, agent, conversation):
    incident, failed = conversation["incident"], conversation["failed"]
    log_in(page, "agent")
    page.get_by_role("link", name="Social", exact=True).click()
    page.get_by_role("heading", name="Social", exact=True).wait_for()
    rows = page.locator("#inbox tbody tr")
    assert rows.count() == 4  # inbound only, newest first
    assert "Deleted at the source" in rows.nth(0).inner_text()
    assert "Ignored" in rows.nth(1).inner_text() and "a compliment" in rows.nth(1).inner_text()
    first_message = rows.nth(3).inner_text()
    assert HOSTILE in first_message and "New incident" in first_message and incident.number in first_message
    assert page.locator("#inbox img").count() == 0  # the text is text
    shot(page, "social_inbox")

    # Filter to the desk's answers: the failed one offers Retry.
    page.get_by_label("Direction").select_option(label="Outbound")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/social/?direction=outbound*")
    failed_row = page.locator(f"#inbox-message-{failed.pk}")
    assert "not allowed to reply" in failed_row.inner_text()
    assert failed_row.get_by_role("button", name="Retry").is_visible()
    shot(page, "social_inbox_outbound")

    # The incident's timeline: every message, in order, the hostile one inert.
    page.goto(f"/incidents/{incident.number}/")
    timeline = page.get_by_role("list", name="Timeline")
    timeline.get_by_text("Still down, and now my email too").wait_for()
    social = timeline.locator("li.social")
    assert social.count() == 4
    # The mention opened the incident: its words are the description (escaped), and its
    # own entry, just below, says where they were said.
    description = timeline.locator("li.description")
    assert HOSTILE in description.inner_text()
    assert "Received on" in social.nth(0).inner_text() and HOSTILE not in social.nth(0).inner_text()
    assert "Edited" in social.nth(2).inner_text()
    entry = page.locator(f"#social-message-{failed.pk}")
    assert "Failed" in entry.inner_text() and "not allowed to reply" in entry.inner_text()
    retry = entry.get_by_role("button", name="Retry")
    assert retry.is_visible()
    assert page.locator(".timeline img").count() == 0
    entry.scroll_into_view_if_needed()
    shot(page, "social_incident_timeline")

    retry.click()  # htmx redraws the message in place
    entry.get_by_text("Queued again.").wait_for()
    assert entry.get_by_role("button", name="Retry").count() == 0
    assert page.console_errors == []


def test_a_manager_sees_a_refused_token_and_can_replay_failed_events(page, manager, conversation):
    SocialAccountFactory(
        handle="@desk", token_error="Invalid or expired token", token_error_at=timezone.now() - timedelta(hours=1)
    )
    InboundEventFactory(
        state=InboundState.FAILED,
        attempts=6,
        last_error="ValueError: the tweet has no author <script>alert(1)</script>",
        payload={"kind": "mention", "author_handle": "@jess", "text": "Is anyone there?"},
    )
    log_in(page, "manager")
    page.goto("/social/")
    banner = page.get_by_role("alert").filter(has_text="token of @desk was refused")
    assert "Invalid or expired token." in banner.inner_text()
    failed = page.locator("#failed-events")
    assert "the tweet has no author <script>alert(1)</script>" in failed.inner_text()
    assert failed.get_by_role("button", name="Replay", exact=True).is_visible()
    assert failed.get_by_role("button", name="Replay all 1 shown").is_visible()
    failed.scroll_into_view_if_needed()
    shot(page, "social_manager")
    assert page.console_errors == []


def test_praise_kept_as_feedback_is_found_by_its_intent_and_one_click_makes_it_an_incident(page, agent, contact):
    start = timezone.now() - timedelta(hours=1)
    ana = SocialIdentityFactory(handle="@ana_l", display_name="Ana Lima", contact=contact)
    praise = InboundMessageFactory(
        identity=ana,
        state=MessageState.FEEDBACK,
        intent="praise",
        state_reason="Kept as feedback: It praises, and reports nothing wrong.",
        text="@desk great job fixing the email outage so fast",
        created_at=start,
    )
    InboundMessageFactory(
        state=MessageState.FEEDBACK, intent="thanks", text="@desk thanks for the quick answer", created_at=start
    )
    InboundMessageFactory(
        incident=IncidentFactory(channel=Channel.TWITTER, reporter=contact),
        intent="complaint",
        text="@desk my VPN drops every 5 minutes",
        created_at=start,
    )
    log_in(page, "agent")
    page.goto("/social/")
    rows = page.locator("#inbox tbody tr")
    assert rows.count() == 3
    # Each judged message says what it was judged to be.
    assert "Praise" in page.locator(f"#inbox-message-{praise.pk}").inner_text()

    page.get_by_label("Intent").select_option(label="Praise")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/social/?**intent=praise**")
    assert rows.count() == 1
    row = page.locator(f"#inbox-message-{praise.pk}")
    assert "Feedback" in row.inner_text() and "great job fixing the email outage" in row.inner_text()
    shot(page, "social_feedback_by_intent")

    row.get_by_role("button", name="Open an incident").click()
    praise.refresh_from_db()
    page.wait_for_url(f"**/incidents/{praise.incident.number}/")
    page.get_by_text(f"{praise.incident.number} opened from").wait_for()
    assert praise.state == MessageState.NEW_INCIDENT and praise.incident.reporter == contact
    shot(page, "social_feedback_made_incident")
    assert page.console_errors == []
