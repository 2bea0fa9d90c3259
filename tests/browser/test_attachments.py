"""Attachments in a real Chromium: a customer uploads a screenshot and a log with a portal
reply, an agent sees them in the console, and another customer is refused the file."""

import pytest

from tickets import services
from tickets.models import Attachment

from ..factories import CustomerFactory, IncidentFactory
from ..files import LOG, WINDOWS_PROGRAM, png_bytes
from .conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_screenshot_from_the_portal_reaches_the_console_and_no_other_customer(
    browser, live_server, page, customer, agent, tmp_path
):
    CustomerFactory(username="bob", first_name="Bob", last_name="Brown")
    incident = IncidentFactory(reporter=services.contact_for_user(user=customer), title="VPN drops every hour")
    screenshot = tmp_path / "vpn-error.png"
    screenshot.write_bytes(png_bytes(width=64, height=40))
    log = tmp_path / "vpn.log"
    log.write_bytes(LOG)
    disguised = tmp_path / "holiday.png"
    disguised.write_bytes(WINDOWS_PROGRAM)
    ARTIFACTS.mkdir(exist_ok=True)

    # The customer: a program dressed as a picture is refused, with the reply kept.
    log_in(page, "alice")
    page.goto(f"/portal/incidents/{incident.number}/")
    page.get_by_label("Your reply").fill("Here is the error and the log.")
    page.get_by_label("Attach files").set_input_files([str(disguised)])
    page.get_by_role("button", name="Send reply").click()
    page.get_by_text("holiday.png is a file of type application/x-msdownload").wait_for()
    assert page.get_by_label("Your reply").input_value() == "Here is the error and the log."
    page.screenshot(path=str(ARTIFACTS / "attachments_portal_refused.png"), full_page=True)
    assert not Attachment.objects.exists()
    # The refusal is a 400 answer, which Chromium logs as a failed load; nothing else may be.
    assert page.console_errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]
    page.console_errors.clear()

    page.get_by_label("Attach files").set_input_files([str(screenshot), str(log)])
    page.get_by_role("button", name="Send reply").click()
    page.get_by_text("Your reply was sent to the service desk.").wait_for()
    attachments = page.locator("#attachments")
    attachments.get_by_role("link", name="vpn-error.png").wait_for()
    attachments.get_by_role("link", name="vpn.log").wait_for()
    page.screenshot(path=str(ARTIFACTS / "attachments_portal.png"), full_page=True)
    image = Attachment.objects.get(name="vpn-error.png")
    url = f"/attachments/{image.pk}/"
    own = page.request.get(url)
    assert (own.status, own.headers["content-type"], own.body()) == (200, "image/png", png_bytes(width=64, height=40))
    assert page.console_errors == []

    # The agent, in a browser of their own: the files in the Attachments list and the timeline.
    agent_context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    agent_page = agent_context.new_page()
    log_in(agent_page, "agent")
    agent_page.goto(f"/incidents/{incident.number}/")
    agent_page.locator("#attachments").get_by_role("link", name="vpn-error.png").wait_for()
    agent_page.locator(".timeline").get_by_role("link", name="vpn.log").wait_for()
    agent_page.screenshot(path=str(ARTIFACTS / "attachments_console.png"), full_page=True)
    log_download = agent_page.request.get(f"/attachments/{Attachment.objects.get(name='vpn.log').pk}/")
    assert log_download.status == 200
    assert log_download.headers["content-disposition"].startswith("attachment;")
    agent_page.goto(url)  # a screenshot opens in the browser
    agent_page.screenshot(path=str(ARTIFACTS / "attachments_console_image.png"))
    agent_context.close()

    # Another customer: the file does not exist for them.
    other_context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    other_page = other_context.new_page()
    log_in(other_page, "bob")
    refused = other_page.goto(url)
    assert refused.status == 404
    other_page.screenshot(path=str(ARTIFACTS / "attachments_other_customer.png"), full_page=True)
    assert other_page.request.get(url).body() != png_bytes(width=64, height=40)
    other_context.close()
