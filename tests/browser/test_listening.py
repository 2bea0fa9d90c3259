"""Listening in a real Chromium: an agent filters what the desk heard, makes a negative post
an incident, and answers it publicly; the answer is queued to go out on X under the post."""

from datetime import timedelta

import pytest
from django.utils import timezone

from intelligence.intent import classify
from listening.models import HeardMessage
from social.models import Direction, MessageState, SocialMessage
from tests.factories import ServiceFactory

from ..listening.factories import HeardMessageFactory, ListeningQueryFactory
from ..social.factories import SocialAccountFactory
from .conftest import log_in
from .test_social import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def heard():
    x = SocialAccountFactory(handle="AcmeDesk", external_id="783214")
    page = SocialAccountFactory(channel="facebook", handle="Acme IT", external_id="1234567890321")
    vpn = ListeningQueryFactory(name="VPN", terms="vpn\n#vpndown", service=ServiceFactory(name="VPN"))
    mail = ListeningQueryFactory(name="Email", terms="outlook", service=ServiceFactory(name="Email"))
    now = timezone.now()
    rows = [
        (x, vpn, "@jo_w", "Jo W.", "is the acme vpn down again? third drop this morning", "negative", -0.86, 5),
        (x, vpn, "@priya_k", "Priya K.", "new vpn client installed in 2 minutes, painless", "positive", 0.81, 20),
        (x, mail, "@mtorres", "Marco Torres", "outlook keeps asking for my password", "negative", -0.7, 40),
        (page, None, "", "Dana Whitfield", "Thanks Acme IT for the quick laptop swap!", "positive", 0.92, 65),
    ]
    made = {}
    for account, query, handle, name, text, label, score, minutes in rows:
        made[text[:8]] = HeardMessageFactory(
            channel=account.channel, account=account, query=query, service=query.service if query else None,
            author_handle=handle, author_name=name, text=text, sentiment_label=label, sentiment_score=score,
            intent=classify(text).value,
            posted_at=now - timedelta(minutes=minutes),
            url=f"https://x.com/{handle[1:]}/status/1" if handle else "https://www.facebook.com/1234567890321_9",
        )  # fmt: skip
    return made


def test_an_agent_filters_what_was_heard_and_answers_a_post_as_an_incident(page, agent, heard):
    log_in(page, "agent")
    page.goto("/incidents/")
    page.get_by_role("link", name="Listening").click()
    page.wait_for_url("**/listening/")
    rows = page.locator("#heard tbody tr")
    assert rows.count() == 4
    assert "Dana Whitfield" in page.locator("#heard").inner_text()
    shot(page, "listening_page")

    page.locator("#id_service").select_option(label="VPN")
    page.get_by_label("Sentiment", exact=True).select_option(label="Negative")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/listening/?**")
    assert rows.count() == 1
    post = heard["is the a"]
    row = page.locator(f"#heard-{post.pk}")
    assert "third drop this morning" in row.inner_text() and "Negative" in row.inner_text()
    shot(page, "listening_filtered")

    row.get_by_role("button", name="Make an incident").click()
    page.get_by_text("A public reply here answers it there").wait_for()
    post.refresh_from_db()
    incident = post.incident
    page.wait_for_url(f"**/incidents/{incident.number}/")
    assert incident.service.name == "VPN" and incident.reporter.name == "Jo W."
    page.get_by_text("is the acme vpn down again?").first.wait_for()

    page.get_by_label("Message").fill("Sorry Jo, the VPN gateway is being restarted; it should hold from 10:30.")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_text("Reply added.").wait_for()
    reply = SocialMessage.objects.get(incident=incident, direction=Direction.OUTBOUND)
    assert (reply.channel, reply.kind, reply.in_reply_to) == ("twitter", "reply", post.external_id)
    assert reply.state in (MessageState.QUEUED, MessageState.FAILED, MessageState.SENDING)
    shot(page, "listening_incident_answered")

    # Back on the Listening page the post links to its incident.
    page.goto("/listening/")
    page.locator(f"#heard-{post.pk}").get_by_role("link", name=incident.number).wait_for()
    assert HeardMessage.objects.filter(incident__isnull=False).count() == 1
    assert page.console_errors == []


def test_a_manager_defines_what_the_desk_listens_for(page, manager):
    ServiceFactory(name="VPN")
    SocialAccountFactory(handle="AcmeDesk", external_id="783214")
    SocialAccountFactory(channel="facebook", handle="Acme IT", external_id="1234567890321")
    log_in(page, "manager")
    page.goto("/listening/")
    page.get_by_role("link", name="Edit what the desk listens for").click()
    page.get_by_role("link", name="New query").click()
    page.locator("#id_name").fill("VPN trouble")
    page.locator("#id_service").select_option(label="VPN")
    page.locator("#id_terms").fill("vpn\nremote access\n#vpndown")
    page.get_by_label("Excluded terms").fill("job offer")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Listening for “VPN trouble”.").wait_for()
    row = page.locator("#queries tbody tr").first
    assert "remote access" in row.inner_text() and "−job offer" in row.inner_text()
    accounts = page.locator("#listening-accounts").inner_text()
    assert "Recent posts matching any term" in accounts and "no keyword search" in accounts
    shot(page, "listening_queries")
    assert page.console_errors == []


def test_each_heard_post_shows_its_intent_and_the_praise_is_found_by_it(page, agent, heard):
    log_in(page, "agent")
    page.goto("/listening/")
    dana = heard["Thanks A"]
    assert "Thanks" in page.locator(f"#heard-{dana.pk}").inner_text()
    assert "Question" in page.locator(f"#heard-{heard['is the a'].pk}").inner_text()

    page.get_by_label("Intent").select_option(label="Thanks")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/listening/?**intent=thanks**")
    rows = page.locator("#heard tbody tr")
    assert rows.count() == 1 and "quick laptop swap" in rows.first.inner_text()
    shot(page, "listening_by_intent")
    assert page.console_errors == []
