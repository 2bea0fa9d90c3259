"""Seeing what matters in the queue (issue 14), in Chromium: the SLA column shows the clock
that matters next and breached incidents come first whoever has them; the same rows show the
badge that the Breached filter selects; a reply waiting to be delivered on a social channel
says so on the incident page with its reason; at 390 px the queue is a list of cards."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tickets import services

from ..factories import ContactFactory, IncidentFactory, ServiceFactory
from .conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def desk(agent, contact):
    now = timezone.now()
    vpn = ServiceFactory(name="VPN")
    IncidentFactory(reporter=contact, title="Laptop will not boot after the update", service=vpn, impact=1, urgency=1)
    late = IncidentFactory(
        reporter=ContactFactory(name="Ivo Petrov"),
        title="Shared drive unreachable from the Sofia office",
        service=vpn,
        opened_at=now - timedelta(days=2),
    )
    services.incident_assign(incident=late, assignee=agent, actor=agent)
    services.incident_transition(incident=late, to_status="in_progress", actor=agent)
    answered = IncidentFactory(reporter=contact, title="Printer on floor 3 prints blank pages", impact=2, urgency=2)
    services.comment_create(incident=answered, body="A technician is on the way.", visibility="public", author=agent)
    services.sla_flag_breaches(now=now)
    return {"late": late, "answered": answered}


def test_the_queue_shows_the_clock_that_matters_and_breached_incidents_first(page, agent, desk):
    log_in(page, "agent")
    rows = page.locator("#queue-rows tr[data-incident]")
    rows.first.wait_for()
    titles = [rows.nth(n).locator(".title-cell .fw-medium").inner_text() for n in range(rows.count())]
    assert titles[0] == "Shared drive unreachable from the Sofia office"  # breached, though assigned
    first_sla = rows.first.locator("td.q-sla").inner_text()
    assert first_sla.startswith("Response breached")
    laptop = rows.filter(has_text="Laptop will not boot").locator("td.q-sla").inner_text()
    assert laptop.startswith("Respond in")
    printer = rows.filter(has_text="Printer on floor 3").locator("td.q-sla").inner_text()
    assert printer.startswith("Resolve in")  # answered: the resolution matters now
    shot(page, "queue_sla_column")

    page.get_by_label("SLA", exact=True).select_option("breached")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/incidents/?*sla=breached*")
    filtered = page.locator("#queue-rows tr[data-incident]")
    assert filtered.count() == 1
    assert filtered.locator('[data-sla="breached"]').count() == 1
    assert page.console_errors == []


def test_at_390_px_the_queue_is_a_list_of_cards_without_overflow(page, agent, desk):
    for n in range(6):
        IncidentFactory(
            reporter=ContactFactory(name=f"Reporter {n}"),
            title=f"Outlook keeps asking for the password on the second monitor setup {n}",
        )
    page.set_viewport_size(PHONE)
    log_in(page, "agent")
    rows = page.locator("#queue-rows tr[data-incident]")
    rows.first.wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide"
    assert page.locator(".queue thead").is_hidden()
    box = rows.first.bounding_box()
    assert box["width"] > 300  # a card across the screen, not a table column
    title = rows.first.locator(".title-cell .fw-medium")
    title_box = title.bounding_box()
    line_height = float(title.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)"))
    # Words wrap, never letters: a long title takes two or three lines, not twenty.
    assert title_box["height"] <= line_height * 3 + 1, title_box
    assert title_box["width"] > 250
    shot(page, "queue_phone_cards")
    assert page.console_errors == []


def test_a_reply_waiting_for_delivery_says_so_with_its_reason_and_retry_on_the_incident_page(page, agent):
    from social.models import MessageState, SocialMessage
    from social.outbox.send import message_send

    from ..social.factories import SocialAccountFactory
    from ..social.outbox.conftest import PAGE, visitor_post

    SocialAccountFactory(channel="facebook", external_id=PAGE, app_secret="s")  # no page token yet
    incident = visitor_post()
    services.comment_create(
        incident=incident, body="We are resetting the access point.", visibility="public", author=agent
    )
    waiting = SocialMessage.objects.get(comment__isnull=False)
    message_send(message_id=waiting.pk)

    log_in(page, "agent")
    page.goto(f"/incidents/{incident.number}/")
    page.get_by_text("Responded, delivery pending").wait_for()
    entry = page.locator(f"#social-message-{waiting.pk}")
    assert "FACEBOOK_PAGE_ACCESS_TOKEN" in entry.inner_text()
    assert "To be sent on" in entry.inner_text()
    shot(page, "incident_delivery_pending")

    # A delivery that failed for good is retried from here, not only from the Social page.
    SocialMessage.objects.filter(pk=waiting.pk).update(
        state=MessageState.FAILED, state_reason="(#100) The comment could not be posted", next_attempt_at=None
    )
    page.reload()
    entry = page.locator(f"#social-message-{waiting.pk}")
    assert "The comment could not be posted" in entry.inner_text()
    entry.get_by_role("button", name="Retry").click()
    page.get_by_text("Queued again.").wait_for()
    assert SocialMessage.objects.get(pk=waiting.pk).state == MessageState.QUEUED
    shot(page, "incident_delivery_retried")
    assert page.console_errors == []


def test_an_agent_saves_a_view_shares_it_and_a_colleague_opens_it_with_its_count(page, agent, desk, browser):
    from ..factories import AgentFactory

    AgentFactory(username="colleague")
    log_in(page, "agent")
    page.get_by_label("SLA", exact=True).select_option("breached")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/incidents/?*sla=breached*")
    page.get_by_text("Save this view").click()
    page.get_by_label("View name").fill("Breached, all of them")
    page.get_by_label("Share with every agent").check()
    page.get_by_role("button", name="Save view").click()
    page.get_by_text("View “Breached, all of them” saved and shared.").wait_for()
    view = page.locator(".saved-view", has_text="Breached, all of them")
    assert view.locator("[data-count-exact]").inner_text() == "1"
    assert view.locator("a").get_attribute("aria-current") == "page"
    shot(page, "queue_saved_view")

    colleague = browser.new_context(base_url=page.url.split("/incidents")[0], viewport={"width": 1366, "height": 900})
    other = colleague.new_page()
    log_in(other, "colleague")
    shared = other.locator(".saved-view", has_text="Breached, all of them")
    assert shared.locator("[data-count-exact]").inner_text() == "1"
    assert shared.get_by_role("button").count() == 0  # only its owner removes it
    shared.locator("a").click()
    other.wait_for_url("**/incidents/?*sla=breached*")
    assert other.locator("#queue-rows tr[data-incident]").count() == 1
    colleague.close()
