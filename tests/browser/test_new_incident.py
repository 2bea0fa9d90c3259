"""The console's new-incident page in a real Chromium: an agent opens it with `n`, finds the
person, and as they type the desk's judgement fills in the service (never over the agent's
choice), shows the similar open incidents and the known error's internal workaround; Enter
raises the incident, and "This is the same" adds the person to the open one instead. At a
desk's size and on a phone."""

import pytest

from tickets.models import Incident, Visibility

from ..factories import ContactFactory
from ..status.conftest import INTERNAL_WORKAROUND, _fresh_model_cache, desk  # noqa: F401 (fixtures)
from .conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
TITLE = "The VPN tunnel drops every hour"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def fits_the_screen(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_an_agent_raises_an_incident_for_a_caller_with_the_desks_judgement(page, agent, desk):  # noqa: F811
    dana = ContactFactory(name="Dana Kim", email="dana@example.org")
    log_in(page, "agent")
    page.get_by_role("heading", name="Incidents").wait_for()
    page.keyboard.press("n")
    page.get_by_role("heading", name="New incident").wait_for()

    page.get_by_label("Find the person").press_sequentially("dana", delay=30)
    page.get_by_label("Dana Kim").check()
    page.get_by_label("Walk-in").check()
    page.get_by_label("Title").press_sequentially(TITLE, delay=20)

    judgement = page.locator("#self-service-results")
    assert judgement.get_attribute("aria-live") == "polite"
    judgement.get_by_text("Suggested service:").wait_for()
    hint = page.locator("#service-suggestion")
    hint.get_by_text("Suggested by the desk: Network, 55 % sure").wait_for()
    assert page.get_by_label("Service").input_value() == str(desk["network"].pk)
    assert judgement.get_by_text(INTERNAL_WORKAROUND).is_visible()
    assert judgement.get_by_role("link", name=desk["theirs"].number).is_visible()
    # The judgement sits beside the form on a desk's screen.
    form_box = page.get_by_label("Title").bounding_box()
    assert judgement.bounding_box()["x"] > form_box["x"] + form_box["width"]
    assert fits_the_screen(page, 1366)
    shot(page, "new_incident_desk")

    # Enter in a field raises the incident: the form's first button, not "This is the same".
    page.get_by_label("Title").press("Enter")
    page.get_by_text("raised for Dana Kim.").wait_for()
    incident = Incident.objects.get(title=TITLE)
    assert (incident.reporter, incident.channel, incident.service) == (dana, "walk_in", desk["network"])
    assert not desk["theirs"].comments.filter(visibility=Visibility.INTERNAL, body__startswith="Also").exists()
    shot(page, "new_incident_raised_desk")
    assert page.console_errors == []


def test_on_a_phone_the_agents_service_stays_and_this_is_the_same_adds_a_new_person(page, agent, desk):  # noqa: F811
    page.set_viewport_size(PHONE)
    log_in(page, "agent")
    page.goto("/incidents/new/")
    page.get_by_label("Service").select_option(label="E-mail")  # the agent's choice, before typing
    page.get_by_label("Name").fill("Noor Haddad")
    assert page.get_by_label("Someone new").is_checked()
    page.get_by_label("E-mail").fill("noor@example.org")
    page.get_by_label("Title").press_sequentially(TITLE, delay=20)
    page.get_by_label("Description").fill("At home, since this morning.")

    judgement = page.locator("#self-service-results")
    judgement.get_by_text(INTERNAL_WORKAROUND).wait_for()
    page.wait_for_timeout(700)  # the description's own answer
    assert page.get_by_label("Service").input_value() == str(desk["mail"].pk)  # not overridden
    assert page.locator("#service-suggestion").inner_text() == ""
    assert fits_the_screen(page, PHONE["width"])
    judgement.scroll_into_view_if_needed()
    shot(page, "new_incident_phone")

    page.get_by_role("button", name=f"This is the same as {desk['theirs'].number}").click()
    page.get_by_text(f"Added to {desk['theirs'].number} as a note").wait_for()
    note = desk["theirs"].comments.get(body__startswith="Also reported")
    assert note.visibility == Visibility.INTERNAL
    said = f"{TITLE}\n\nAt home, since this morning."
    assert note.body == f"Also reported by Noor Haddad <noor@example.org> (phone):\n\n{said}"
    assert not Incident.objects.filter(title=TITLE).exists()
    assert fits_the_screen(page, PHONE["width"])
    shot(page, "new_incident_same_phone")
    assert page.console_errors == []
