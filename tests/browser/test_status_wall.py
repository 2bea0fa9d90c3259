"""The wall on an office screen and on a phone, in a real Chromium: readable, refreshing itself."""

import pytest
from django.core.cache import cache

from broadcasts import services as broadcasts
from social.models import MessageState

from ..social.factories import SocialMessageFactory
from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_wall_on_an_office_screen_and_a_phone_refreshes_itself(page, agent, manager):
    cache.clear()
    broadcast = broadcasts.broadcast_create(
        by=agent,
        kind="outage",
        title="E-mail is slow",
        text="Mail is delayed by up to 20 minutes. We are working with the provider.",
        channels=["status"],
    )
    broadcasts.broadcast_submit(broadcast=broadcast, by=agent)
    broadcasts.broadcast_approve(broadcast=broadcast, by=manager)
    SocialMessageFactory(state=MessageState.SENT, text="@kim Thanks, we're on it: your incident is INC0000042.")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto("/status/wall/")
    page.get_by_text("Mail is delayed by up to 20 minutes.").wait_for()
    assert page.console_errors == []
    page.screenshot(path=str(ARTIFACTS / "status_wall_office.png"))

    # A new answer appears without a reload, once the cached copy has expired.
    SocialMessageFactory(state=MessageState.SENT, text="The printer queue on floor 2 is cleared.")
    cache.clear()
    page.evaluate("htmx.ajax('GET', '/status/wall/items/', document.querySelector('[hx-get]'))")
    page.get_by_text("The printer queue on floor 2 is cleared.").wait_for()

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.get_by_text("The printer queue on floor 2 is cleared.").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "status_wall_phone.png"), full_page=True)
