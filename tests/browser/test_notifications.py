"""Notification e-mails (issue 14), captured from Django's mail backend while Chromium drives
the console and the portal."""

import pytest
from django.core import mail

from tickets import services

from ..factories import IncidentFactory
from .conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_agents_reply_reaches_the_customer_by_email_until_they_turn_it_off(page, agent, customer):
    incident = IncidentFactory(reporter=services.contact_for_user(user=customer), title="VPN refuses my token")
    log_in(page, "agent")
    page.goto(f"/incidents/{incident.number}/")
    page.get_by_label("Message").fill("Your token was expired; a new one is on its way.")
    page.get_by_role("button", name="Add").click()
    page.get_by_text("Reply added.").wait_for()

    [message] = [m for m in mail.outbox if customer.email in m.to]
    assert message.subject == f"{incident.number}: a reply from the service desk"
    assert "a new one is on its way" in message.body
    assert f"/portal/incidents/{incident.number}/" in message.body

    page.get_by_role("button", name="Log out").click()
    log_in(page, "alice")
    page.get_by_role("link", name="Alice Andrews").click()
    page.get_by_role("heading", name="E-mail notifications").wait_for()
    page.get_by_label("An agent replies to my incident").uncheck()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved: you will receive the e-mails ticked below.").wait_for()
    assert not page.get_by_label("An agent replies to my incident").is_checked()
    assert page.get_by_label("My incident is resolved", exact=True).is_checked()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "notification_preferences.png"), full_page=True)

    services.comment_create(incident=incident, body="Any luck?", visibility="public", author=agent)
    assert len([m for m in mail.outbox if customer.email in m.to]) == 1
    assert page.console_errors == []
