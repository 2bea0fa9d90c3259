"""Self-service in the portal's raise form, on a phone-sized screen in a real Chromium: typing
shows what the desk already published; "This solved it" records a deflection and raises
nothing; "I still need help" goes on with the form, the text kept."""

import pytest

from status.models import PublicKnownError
from tickets.models import Deflection, Incident

from ..status.conftest import PUBLIC_WORKAROUND, _fresh_model_cache, desk  # noqa: F401 (fixtures)
from .conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
TITLE = "The VPN tunnel drops every hour"


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def open_the_form_and_type(page) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, "alice")
    page.goto("/portal/new/")
    # Typed key by key, as a person does: the panel asks once the typing pauses.
    page.get_by_label("Title").press_sequentially(TITLE, delay=20)
    page.locator("#self-service-results").get_by_text("The VPN drops every hour").wait_for()


def test_typing_shows_the_known_error_and_the_outage_and_this_solved_it_raises_nothing(page, customer, desk):  # noqa: F811
    open_the_form_and_type(page)
    results = page.locator("#self-service-results")
    assert results.get_attribute("aria-live") == "polite"
    assert results.get_by_text(PUBLIC_WORKAROUND).is_visible()
    assert results.get_by_text("Major outage").is_visible()
    assert fits_the_screen(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "self_service_suggestions_phone.png"), full_page=True)

    # From the keyboard: the suggestions come right after the description in the tab order.
    page.get_by_label("Description").fill("At home, since this morning.")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "This solved it"
    page.keyboard.press("Enter")
    answer = page.get_by_text("Glad that helped: nothing was raised.")
    answer.wait_for()
    assert page.evaluate("document.activeElement.dataset.selfServiceSolvedMessage") == ""  # focus on the answer
    assert not page.get_by_role("button", name="Send to the service desk").is_visible()
    assert fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / "self_service_solved_phone.png"), full_page=True)

    deflection = Deflection.objects.get()
    assert (deflection.user, deflection.service, deflection.kind) == (customer, desk["network"], "outage")
    assert deflection.text == f"{TITLE}\nAt home, since this morning."
    assert not Incident.objects.filter(reporter__user=customer).exists()
    assert page.console_errors == []


def test_i_still_need_help_keeps_the_text_and_sends_the_incident(page, customer, desk):  # noqa: F811
    open_the_form_and_type(page)
    page.get_by_role("button", name="I still need help").last.click()
    page.get_by_text("Fine: send it below, what you wrote is kept.").wait_for()
    assert page.evaluate("document.activeElement.textContent") == "Send to the service desk"
    assert page.get_by_role("button", name="This solved it").count() == 0
    assert page.get_by_label("Title").input_value() == TITLE

    page.get_by_label("Description").fill("It drops again and again.")  # no suggestions come back
    page.wait_for_timeout(800)
    assert page.get_by_role("button", name="This solved it").count() == 0
    page.screenshot(path=str(ARTIFACTS / "self_service_still_need_help_phone.png"), full_page=True)
    page.get_by_role("button", name="Send to the service desk").click()
    page.get_by_text("Thank you. Your incident is").wait_for()

    incident = Incident.objects.get(reporter__user=customer)
    assert (incident.title, incident.description) == (TITLE, "It drops again and again.")
    assert not Deflection.objects.exists()
    assert fits_the_screen(page)
    assert page.console_errors == []


def test_a_suggestion_withdrawn_meanwhile_says_so_in_the_panel(page, customer, desk):  # noqa: F811
    open_the_form_and_type(page)
    # The desk takes the known error's public words down while the person reads them.
    PublicKnownError.objects.update(published=False)
    page.locator("#self-service button[hx-vals*=known_error]").click()

    refusal = page.locator("#self-service [role=alert]")
    refusal.get_by_text("That known error is not published (any more).").wait_for()
    assert page.get_by_label("Title").input_value() == TITLE  # nothing typed is lost
    assert page.get_by_role("button", name="Send to the service desk").is_visible()
    assert not Deflection.objects.exists()
    assert fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / "self_service_withdrawn_phone.png"), full_page=True)
    # Chromium logs the refusal's status (400) itself; nothing else went wrong.
    assert [error for error in page.console_errors if "400 (Bad Request)" not in error] == []
