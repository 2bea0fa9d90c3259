"""The contact page and the merge dialog in Chromium (issue 14): two "Ivo Petrov"s told apart
by their channels, a contact's identities, incidents and messages, and the merge laid out as
two cards, the kept one marked."""

import pytest

from tickets.models import Channel

from ..factories import IncidentFactory
from ..social.factories import InboundMessageFactory, SocialIdentityFactory
from .conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_two_ivo_petrovs_their_pages_and_the_merge_dialog(page, agent):
    on_x = SocialIdentityFactory(channel=Channel.TWITTER, handle="@ivo_p", display_name="Ivo Petrov")
    SocialIdentityFactory(channel=Channel.FACEBOOK, handle="", display_name="Ivo Petrov")
    incident = IncidentFactory(reporter=on_x.contact, title="Cannot print from the Sofia office")
    InboundMessageFactory(identity=on_x, text="@desk printing is broken again on floor 2", incident=incident)

    log_in(page, "agent")
    page.goto("/contacts/?q=Ivo")
    rows = page.locator("#merge tbody tr")
    assert rows.count() == 2
    texts = sorted(rows.nth(n).inner_text() for n in range(2))
    assert "Facebook" in texts[0] + texts[1] and "X @ivo_p" in texts[0] + texts[1]
    shot(page, "contacts_two_ivo_petrovs")

    page.get_by_role("row", name="X @ivo_p").get_by_role("link", name="Ivo Petrov").click()
    page.get_by_role("heading", name="Ivo Petrov").wait_for()
    assert page.get_by_role("link", name="@ivo_p").get_attribute("href") == "https://x.com/ivo_p"
    page.get_by_text("Cannot print from the Sofia office").wait_for()
    page.get_by_text("printing is broken again on floor 2").wait_for()
    shot(page, "contact_page")

    page.goto("/contacts/?q=Ivo")
    page.locator("#merge tbody input[type=checkbox]").nth(0).check()
    page.locator("#merge tbody input[type=checkbox]").nth(1).check()
    page.get_by_role("button", name="Merge the two selected…").click()
    page.get_by_role("heading", name="Merge two contacts").wait_for()
    cards = page.locator(".merge-choice")
    assert cards.count() == 2
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 2 and first["x"] < second["x"]  # side by side
    assert cards.nth(0).locator(".merge-keep-badge").is_visible()
    assert not cards.nth(1).locator(".merge-keep-badge").is_visible()
    cards.nth(1).click()
    assert cards.nth(1).locator(".merge-keep-badge").is_visible()
    shot(page, "contact_merge_dialog")
    page.get_by_role("button", name="Merge", exact=True).click()
    page.get_by_text("was merged into").wait_for()
    assert page.console_errors == []
