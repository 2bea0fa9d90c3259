"""The agent console of issue 3, driven in a real Chromium: the flows an agent does all day,
the live queue, the keyboard, and hostile text staying inert."""

import pytest

from tickets import services
from tickets.models import Incident, Problem

from ..factories import ContactFactory, IncidentFactory, ProblemFactory, ServiceFactory, SupportGroupFactory
from .conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def desk(agent, contact):
    network = SupportGroupFactory(name="Network")
    vpn = ServiceFactory(name="VPN", owner_group=network)
    printing = ServiceFactory(name="Printing")
    vpn_incident = IncidentFactory(
        reporter=contact, title="VPN drops every hour", description="Since Monday.", service=vpn, impact=2, urgency=2
    )
    IncidentFactory(reporter=contact, title="Printer jams on every job", service=printing)
    IncidentFactory(reporter=ContactFactory(name="Dana"), title="VPN slow from home", service=vpn)
    problem = ProblemFactory(actor=agent, title="VPN concentrator overloaded at peak", service=vpn)
    return {"vpn": vpn, "incident": vpn_incident, "problem": problem}


def test_an_agent_filters_opens_replies_changes_status_and_links_a_problem(page, agent, desk):
    incident, problem = desk["incident"], desk["problem"]
    log_in(page, "agent")
    page.get_by_role("heading", name="Incidents").wait_for()

    # Filter: the VPN service, searched for "hour"; the filters land in the URL.
    page.get_by_label("Service", exact=True).select_option(label="VPN")
    page.get_by_label("Search", exact=True).fill("hour")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/incidents/?*q=hour*")
    assert f"service={desk['vpn'].pk}" in page.url
    rows = page.locator("#queue-rows tr[data-incident]")
    assert rows.count() == 1
    assert "VPN drops every hour" in rows.first.inner_text()
    shot(page, "console_queue_filtered")

    # Open it with the keyboard.
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/incidents/{incident.number}/")
    page.get_by_text("Since Monday.").wait_for()  # the description opens the timeline

    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.name") == "body"
    page.keyboard.type("We are on it; please stay connected to the office network.")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_text("Reply added.").wait_for()

    page.get_by_text("Internal note", exact=True).click()
    page.get_by_label("Message").fill("Looks like the concentrator again.")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_text("Internal note added.").wait_for()

    page.get_by_role("combobox", name="Status").select_option("in_progress")
    page.get_by_role("button", name="Change status").click()
    page.get_by_text(f"{incident.number} is now in progress.").wait_for()

    page.get_by_label("Find a problem").fill("concentrator")
    page.get_by_label(f"{problem.number} VPN concentrator overloaded at peak (new)").wait_for()
    page.get_by_role("button", name="Link to problem").click()
    page.get_by_text(f"{incident.number} is linked to {problem.number}.").wait_for()
    shot(page, "console_incident")

    incident.refresh_from_db()
    assert (incident.status, incident.problem_id) == ("in_progress", problem.pk)
    assert sorted(incident.comments.values_list("visibility", flat=True)) == ["internal", "public"]
    assert page.console_errors == []

    # The problem shows it; unlinking from the problem's side works too.
    page.get_by_role("link", name=problem.number).first.click()
    page.get_by_role("cell", name="VPN drops every hour").wait_for()
    shot(page, "console_problem")
    page.get_by_role("button", name=f"Unlink {incident.number}").click()
    page.get_by_text(f"{incident.number} is no longer linked to {problem.number}.").wait_for()
    assert Incident.objects.get(pk=incident.pk).problem_id is None


def test_the_live_queue_shows_an_incident_created_meanwhile_and_keeps_the_agents_place(
    page, agent, desk, contact, settings
):
    settings.CONSOLE_LIVE_POLL_SECONDS = 1
    log_in(page, "agent")
    page.get_by_role("heading", name="Incidents").wait_for()
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads

    # The agent is somewhere: on the second row, selected with x.
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("x")
    highlighted = page.locator("tr.queue-current").get_attribute("data-incident")
    page.get_by_text("1 selected").wait_for()

    IncidentFactory(reporter=contact, title="Email bounces for the whole sales team")

    page.get_by_role("cell", name="Email bounces for the whole sales team").wait_for(timeout=8000)
    page.get_by_text("1 new").wait_for()
    assert page.evaluate("window.loadedOnce") is True
    assert page.locator("tr.queue-current").get_attribute("data-incident") == highlighted
    assert page.get_by_text("1 selected").is_visible()
    assert page.locator("tr.queue-current input[name=incidents]").is_checked()
    assert page.locator("tr.queue-new").count() == 1
    shot(page, "console_queue_live")

    # The keyboard: ? lists the shortcuts, / goes to the search, a assigns the highlighted one.
    page.keyboard.press("?")
    page.get_by_role("heading", name="Keyboard shortcuts").wait_for()
    # A function, not an expression: Playwright evals expressions, which the page's CSP refuses.
    page.wait_for_function("() => document.getElementById('shortcuts').contains(document.activeElement)")
    shot(page, "console_shortcuts")
    page.keyboard.press("Escape")
    page.get_by_role("heading", name="Keyboard shortcuts").wait_for(state="hidden")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.press("Escape")
    page.keyboard.press("a")
    page.get_by_text("is assigned to you.").wait_for()
    assert Incident.objects.get(pk=highlighted).assignee == agent
    assert page.console_errors == []


def test_bulk_actions_and_a_problem_from_the_selection(page, agent, desk):
    log_in(page, "agent")
    boxes = page.locator("#queue-rows tr[data-incident] input[name=incidents]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Assign to me").first.click()
    page.get_by_text("2 incidents assigned to").wait_for()
    assert Incident.objects.filter(assignee=agent).count() == 2

    boxes = page.locator("#queue-rows tr[data-incident] input[name=incidents]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Create a problem from selection").click()
    page.get_by_role("heading", name="New problem").wait_for()
    page.get_by_label("Title").fill("Remote access keeps failing")
    page.get_by_role("button", name="Create problem").click()
    page.get_by_text("created with 2 linked incident(s).").wait_for()
    assert Problem.objects.get(title="Remote access keeps failing").incidents.count() == 2


HOSTILE = ["<script>alert(1)</script>", '<img src=x onerror="alert(1);window.pwned=1">']


def test_hostile_text_stays_inert_on_every_page(page, agent, customer):
    reporter = services.contact_for_user(user=customer)
    incident = IncidentFactory(reporter=reporter, title=HOSTILE[0], description=HOSTILE[1])
    for body in HOSTILE:
        services.comment_create(incident=incident, body=body, visibility="public", author=agent)
        services.comment_create(incident=incident, body=body, visibility="internal", author=agent)
    problem = ProblemFactory(
        actor=agent, title=HOSTILE[1], description=HOSTILE[0], incidents=[IncidentFactory(title=HOSTILE[0])]
    )
    services.problem_update(problem=problem, actor=agent, root_cause=HOSTILE[0], workaround=HOSTILE[1])
    ContactFactory(name=HOSTILE[1])

    log_in(page, "agent")
    for url in (
        "/incidents/",
        "/incidents/?q=alert&status=",
        f"/incidents/{incident.number}/",
        "/problems/?status=",
        f"/problems/{problem.number}/",
        "/contacts/",
    ):
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.get_by_text(HOSTILE[0]).count() >= 1 or page.get_by_text(HOSTILE[1]).count() >= 1, url
        assert page.locator("img[src=x]").count() == 0, url
        assert page.evaluate("window.pwned") is None, url
    page.goto(f"/incidents/{incident.number}/")
    assert page.get_by_text(HOSTILE[1], exact=True).count() >= 3  # description and two comments
    page.get_by_label("Find a problem").fill("onerror")
    page.wait_for_timeout(600)
    assert page.locator("img[src=x]").count() == 0

    # Leave the incident page while still signed in: its goodbye (a beacon on pagehide) sent
    # without cookies would be sent to the login page, whose fresh CSRF cookie could replace
    # the one the next login form was drawn with.
    page.goto("about:blank")
    page.context.clear_cookies()
    log_in(page, "alice")
    for url in ("/portal/", f"/portal/incidents/{incident.number}/"):
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.get_by_text(HOSTILE[0]).count() >= 1
        assert page.locator("img[src=x]").count() == 0
        assert page.evaluate("window.pwned") is None
    # The page fixture fails the test if any dialog (alert) opened.
