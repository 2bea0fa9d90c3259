"""Issue 13 in a real Chromium: draft → approve → published on the status page and queued for
X and Facebook; the public status page on a phone-sized screen."""

import pytest

from social.models import MessageState, SocialMessage
from tickets.models import Service

from .conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()  # the live server's status page is cached between tests otherwise


def test_a_draft_approved_is_on_the_status_page_and_queued_for_x_and_facebook(page, agent, manager):
    Service.objects.create(name="Email")
    log_in(page, "agent")
    page.get_by_role("link", name="Broadcasts").click()
    page.get_by_role("link", name="New broadcast").click()
    page.get_by_label("Kind").select_option("maintenance")
    page.get_by_label("Title").fill("Email upgrade tonight")
    page.get_by_label("Text").fill("Email is unavailable tonight from 20:00 to 22:00 UTC while it is upgraded.")
    for channel in ("X (Twitter)", "Facebook", "Status page"):
        page.get_by_label(channel).check()
    page.get_by_label("Services").select_option(label="Email")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Submit for approval").click()
    assert page.get_by_text("Awaiting approval").first.is_visible()
    page.get_by_role("button", name="Log out").click()

    log_in(page, "manager")
    page.goto("/broadcasts/?state=submitted")
    page.get_by_role("link", name="Email upgrade tonight").click()
    page.get_by_role("button", name="Approve").click()
    posts = page.locator("#posts").inner_text()
    assert "twitter: Queued" in posts and "facebook: Queued" in posts and "status: Published" in posts
    assert "No active account is configured" in posts
    page.screenshot(path=str(ARTIFACTS / "broadcast_published.png"), full_page=True)
    queued = SocialMessage.objects.filter(state=MessageState.QUEUED).values_list("channel", flat=True)
    assert sorted(queued) == ["facebook", "twitter"]

    page.goto("/status/")
    assert page.get_by_text("Email is unavailable tonight from 20:00 to 22:00 UTC").first.is_visible()


def test_the_status_page_reads_well_on_a_phone(page, agent):
    from django.utils import timezone

    from broadcasts.changes import change_create

    for name in ("Email", "VPN", "Wi-Fi"):
        Service.objects.create(name=name)
    start = timezone.now() + timezone.timedelta(days=2)
    change = change_create(
        by=agent, title="VPN gateway upgrade", planned_start=start, planned_end=start + timezone.timedelta(hours=2)
    )
    change.services.set(Service.objects.filter(name="VPN"))
    page.set_viewport_size(PHONE)
    page.goto("/status/")
    assert page.get_by_text("All services are operational").is_visible()
    assert page.get_by_text("VPN gateway upgrade").is_visible()
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("E-mail").fill("jess@example.org")
    page.screenshot(path=str(ARTIFACTS / "status_page_phone.png"), full_page=True)
    page.get_by_role("button", name="Subscribe").click()
    assert page.get_by_text("Check your e-mail").is_visible()
