"""The customer portal of issue 3, on a phone-sized screen in a real Chromium."""

import pytest

from tickets import services
from tickets.models import Incident

from .conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_customer_raises_an_incident_and_sees_the_public_reply_not_the_internal_note(page, customer, agent):
    page.set_viewport_size(PHONE)
    log_in(page, "alice")
    page.get_by_role("link", name="Raise an incident").last.click()
    page.get_by_label("Title").fill("Laptop will not charge")
    page.get_by_label("Description").fill("The charging light stays off, with two different chargers.")
    page.get_by_role("button", name="Send to the service desk").click()
    page.get_by_text("Thank you. Your incident is").wait_for()
    assert fits_the_screen(page)

    incident = Incident.objects.get()
    services.comment_create(
        incident=incident, body="Please try the left USB-C port.", visibility="public", author=agent
    )
    services.comment_create(
        incident=incident, body="Check the battery recall list.", visibility="internal", author=agent
    )
    page.reload()
    page.get_by_text("Please try the left USB-C port.").wait_for()
    assert page.get_by_text("battery recall").count() == 0
    assert page.get_by_text("Internal note").count() == 0

    page.get_by_label("Your reply").fill("The left port works, thank you!")
    page.get_by_role("button", name="Send reply").click()
    page.get_by_text("Your reply was sent to the service desk.").wait_for()
    assert fits_the_screen(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal_incident_phone.png"), full_page=True)

    services.incident_transition(incident=incident, to_status="resolved", resolution="Port swapped.", actor=agent)
    page.goto("/portal/")
    page.get_by_text("Resolved").first.wait_for()
    assert fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / "portal_list_phone.png"), full_page=True)
    page.get_by_role("link", name="Laptop will not charge").click()
    page.get_by_label("What is still wrong?").fill("It stopped charging again.")
    page.get_by_role("button", name="Reopen").click()
    page.get_by_text("is reopened").wait_for()
    incident.refresh_from_db()
    assert incident.status == "in_progress"
    assert page.console_errors == []
