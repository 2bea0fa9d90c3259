"""The core flows of issue 2, driven in a real Chromium."""

import pytest

from tickets import services
from tickets.models import Incident

from ..factories import IncidentFactory
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_agent_logs_in_and_resolves_an_incident(page, agent, contact):
    incident = IncidentFactory(reporter=contact, title="Wi-Fi down on floor 3")

    log_in(page, "agent")
    page.get_by_role("link", name=incident.number).click()
    page.get_by_label("Message").fill("Rebooting the access point now.")
    page.get_by_role("button", name="Add").click()
    page.get_by_text("Reply added.").wait_for()
    page.get_by_label("Status").select_option("resolved")
    page.get_by_label("Resolution note").fill("Access point rebooted.")
    page.get_by_role("button", name="Change status").click()
    page.get_by_text(f"{incident.number} is now resolved.").wait_for()

    incident.refresh_from_db()
    assert incident.status == "resolved"
    assert page.console_errors == []


def test_a_customer_raises_an_incident_and_reads_the_reply(page, customer, agent):
    log_in(page, "alice")
    page.get_by_role("link", name="Raise an incident").first.click()
    page.get_by_label("Title").fill("Laptop will not charge")
    page.get_by_label("Description").fill("The charging light stays off.")
    page.get_by_role("button", name="Send to the service desk").click()
    page.get_by_text("Thank you. Your incident is").wait_for()

    incident = Incident.objects.get()
    services.comment_create(incident=incident, body="Try the other USB-C port.", visibility="public", author=agent)
    services.comment_create(incident=incident, body="Battery recall list?", visibility="internal", author=agent)
    page.reload()
    page.get_by_text("Try the other USB-C port.").wait_for()
    assert page.get_by_text("Battery recall list?").count() == 0


def test_hostile_text_stays_inert(page, agent, contact):
    IncidentFactory(reporter=contact, title="<script>alert(1)</script>", description="<img src=x onerror=alert(1)>")
    log_in(page, "agent")
    page.get_by_role("link", name="INC0000001").click()
    page.get_by_text("<img src=x onerror=alert(1)>").wait_for()
    # The page fixture fails the test if any dialog opens.
    assert page.locator("img[src=x]").count() == 0
