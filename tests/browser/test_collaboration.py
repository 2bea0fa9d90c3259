"""Working together (issue 14) in Chromium: a saved reply inserted by keyboard, filled in for
the incident, sent with its status change; an incident closed as not an incident; two agents
on one incident: presence, changes brought in live, a change from a stale page refused."""

import pytest

from tickets import services

from ..factories import AgentFactory, ContactFactory, IncidentFactory, ServiceFactory
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


def test_two_agents_on_one_incident_see_each_other_and_a_stale_change_is_refused(
    page, browser, live_server, agent, contact, settings
):
    """Sam (page A) and Kim (page B) open one incident. Kim sees Sam there, then writing;
    Sam moves it to In progress and Kim's page shows it without a reload; Kim's assignment,
    saved from the page as it was before, is refused with what Sam changed, and kept so it
    can be saved again."""
    settings.INCIDENT_LIVE_POLL_SECONDS = 1
    kim = AgentFactory(username="kim", first_name="Kim", last_name="Colleague")
    incident = IncidentFactory(reporter=contact, title="VPN drops every hour", service=ServiceFactory(name="VPN"))
    log_in(page, "agent")
    page.goto(f"/incidents/{incident.number}/")

    kim_context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    try:
        kim_page = kim_context.new_page()
        kim_page.set_default_timeout(10_000)
        kim_errors = []
        kim_page.on("console", lambda msg: kim_errors.append(msg.text) if msg.type == "error" else None)
        log_in(kim_page, "kim")
        kim_page.goto(f"/incidents/{incident.number}/")

        presence = kim_page.locator("#presence")
        presence.get_by_text("Sam Agent · viewing").wait_for()
        page.locator("#presence").get_by_text("Kim Colleague · viewing").wait_for()

        page.locator("#reply textarea").fill("Could you try the other gateway?")
        presence.get_by_text("Sam Agent · replying…").wait_for()
        shot(kim_page, "collision-1-kim-sees-sam-replying")

        kim_page.locator("#reply textarea").fill("Draft: checking the logs")
        page.locator("#id_status").select_option("in_progress")
        page.get_by_role("button", name="Change status").click()
        page.get_by_text(f"{incident.number} is now in progress.").wait_for()

        # Kim's page, not reloaded, shows the change: the head, the timeline, who did it.
        kim_page.locator("#incident-summary").get_by_text("In progress").wait_for()
        changed = kim_page.locator("#changed-since-open")
        changed.get_by_text("Sam Agent: status changed").wait_for()
        assert "New → In progress" in changed.inner_text()
        assert "status changed" in kim_page.locator("#incident-timeline").inner_text()
        assert kim_page.locator("#reply textarea").input_value() == "Draft: checking the logs"  # untouched
        shot(kim_page, "collision-2-kim-sees-the-change-live")

        # Kim's assignment form is still the one drawn before Sam's change.
        kim_page.locator("#id_assignee").select_option(label="Kim Colleague")
        kim_page.get_by_role("button", name="Save assignment").click()
        refusal = kim_page.locator("#stale-refusal")
        refusal.get_by_text("This incident changed since you opened it").wait_for()
        assert "Sam Agent: status changed New → In progress" in refusal.inner_text()
        assert kim_page.locator("#id_assignee").input_value() == str(kim.pk)  # kept
        incident.refresh_from_db()
        assert incident.assignee_id is None
        shot(kim_page, "collision-3-kims-stale-change-refused")

        # Saved again, now against the latest version, it is applied, and Sam sees it live.
        kim_page.get_by_role("button", name="Save assignment").click()
        kim_page.get_by_text(f"{incident.number} assignment saved.").wait_for()
        incident.refresh_from_db()
        assert (incident.assignee_id, incident.status) == (kim.pk, "in_progress")
        page.locator("#incident-summary").get_by_text("assigned to Kim Colleague").wait_for()
        page.locator("#changed-since-open").get_by_text("Kim Colleague: assignment changed").wait_for()
        shot(page, "collision-4-sam-sees-kims-assignment")

        # Kim leaves for the queue: Sam stops seeing Kim without waiting for the presence to
        # expire. Kim's tab stays open: the goodbye is a beacon the leaving page hands to the
        # browser, and a tab closed at once by the harness could take it with it (CI saw Kim
        # stay until the presence expired).
        kim_page.goto("/incidents/")
        page.locator("#presence").get_by_text("Nobody else has this incident open.").wait_for(timeout=5_000)
        # Chromium logs the refusal's status (409) itself; nothing else went wrong.
        assert [error for error in kim_errors if "409 (Conflict)" not in error] == []
        assert page.console_errors == []
    finally:
        kim_context.close()
