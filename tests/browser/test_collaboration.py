"""Working together (issue 14) in Chromium: a saved reply inserted by keyboard, filled in for
the incident, sent with its status change; an incident closed as not an incident."""

import pytest

from tickets import services

from ..factories import ContactFactory, IncidentFactory, ServiceFactory
from .conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_saved_reply_is_inserted_by_keyboard_and_sent_with_its_status(page, agent, manager):
    incident = IncidentFactory(
        reporter=ContactFactory(name="Dana Whitfield"), title="VPN drops", service=ServiceFactory(name="VPN")
    )
    services.macro_create(
        actor=manager,
        name="Fixed, please confirm",
        body="Hi {{reporter_first_name}}, {{service}} should work again ({{incident_number}}).",
        shared=True,
        set_status="resolved",
    )
    services.macro_create(actor=agent, name="Ask for logs", body="Could you send us the client's log?")
    log_in(page, "agent")
    page.goto(f"/incidents/{incident.number}/")

    page.keyboard.press("r")
    page.keyboard.press("/")  # at the start of the empty reply: the picker opens
    page.locator("#macro-filter").wait_for()
    assert page.evaluate("document.activeElement.id") == "macro-filter"
    page.keyboard.type("fix")
    page.locator("#macro-options [role=option]:not([hidden])").first.wait_for()
    assert page.locator("#macro-options [role=option]:not([hidden])").count() == 1
    shot(page, "collaboration_macro_picker")
    page.keyboard.press("Enter")

    body = page.locator("#reply textarea")
    assert body.input_value() == f"Hi Dana, VPN should work again ({incident.number})."
    assert page.evaluate("document.activeElement.name") == "body"
    assert "status → Resolved" in page.locator("#macro-actions").inner_text()
    shot(page, "collaboration_macro_inserted")

    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_text("Reply added.").wait_for()
    incident.refresh_from_db()
    assert incident.status == "resolved"
    assert incident.resolution == f"Hi Dana, VPN should work again ({incident.number})."


def test_an_agent_closes_a_thanks_as_not_an_incident(page, agent):
    incident = IncidentFactory(title="@desk thanks, all good!", channel="twitter")
    log_in(page, "agent")
    page.goto(f"/incidents/{incident.number}/")
    page.get_by_text("Not an incident?").click()
    page.get_by_label("Thanks").check()
    page.get_by_label("Why").fill("Only thanking us")
    page.get_by_role("button", name="Close as not an incident").click()
    page.get_by_text("is closed as not an incident (thanks)").wait_for()
    shot(page, "collaboration_not_an_incident")
    incident.refresh_from_db()
    assert incident.status == "cancelled" and incident.not_incident == "thanks"
