"""Every page works under the Content-Security-Policy: Chromium reports no violation on the
console, the portal, the admin, the login and password pages and the API's documentation,
and their scripts (htmx, the live queue, shortcuts, Bootstrap, Swagger UI, ReDoc) still run."""

import pytest

from tickets import services

from ..factories import IncidentFactory, ProblemFactory, UserFactory
from .conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Chromium fires `securitypolicyviolation` for each refusal; Playwright's init scripts run
# outside the page's policy, so this listener is there before the first script is refused.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, recording CSP violations (the DOM event and the console's messages)."""
    page.add_init_script(RECORD_VIOLATIONS)
    page.csp_messages = []
    page.on(
        "console", lambda msg: page.csp_messages.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    return page


def visit(page, url: str, *, ready: str, allowed: tuple[str, ...] = ()) -> None:
    page.goto(url)
    # ReDoc draws the whole schema in the page's script: seconds on a busy CI machine.
    page.locator(ready).first.wait_for(timeout=30_000)
    page.wait_for_load_state("networkidle")
    assert [v for v in page.evaluate("window.__cspViolations") if v not in allowed] == [], url
    assert [m for m in page.csp_messages if not any(a.split()[-1] in m for a in allowed)] == [], url
    ARTIFACTS.mkdir(exist_ok=True)
    name = url.strip("/").replace("/", "_").replace("?", "_") or "root"
    page.screenshot(path=str(ARTIFACTS / f"csp_{name}.png"), full_page=True, timeout=30_000)


def test_the_policy_is_sent_and_forbids_inline_script(watched):
    response = watched.goto("/login/")
    policy = response.headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    # An inline script slipped into a page does not run.
    watched.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = 1'; document.body.append(s); }"
    )
    assert watched.evaluate("window.ran") is None
    assert any("script-src" in violation for violation in watched.evaluate("window.__cspViolations"))


def test_the_agents_pages_and_their_scripts_work_under_the_policy(watched, agent, contact, settings):
    settings.CONSOLE_LIVE_POLL_SECONDS = 1
    incident = IncidentFactory(reporter=contact, title="VPN drops every hour")
    problem = ProblemFactory(actor=agent, title="VPN concentrator overloaded")
    page = watched
    log_in(page, "agent")
    visit(page, "/incidents/", ready="#queue-rows tr[data-incident]")

    # htmx: the live queue's poll brings a new incident in.
    IncidentFactory(reporter=contact, title="Arrived while watching")
    page.get_by_text("Arrived while watching").wait_for(timeout=15_000)
    # console.js: the keyboard and the bulk bar.
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.get_by_text("1 selected").wait_for()
    # Bootstrap's modal, opened by a shortcut.
    page.keyboard.press("?")
    page.locator("#shortcuts.show").wait_for()
    page.keyboard.press("Escape")

    visit(page, f"/incidents/{incident.number}/", ready="#incident")
    # htmx again: search as you type for a problem.
    page.get_by_label("Find a problem").fill("concentrator")
    page.locator("#problem-results").get_by_text("VPN concentrator overloaded").wait_for()
    visit(page, "/problems/", ready="h1")
    visit(page, f"/problems/{problem.number}/", ready="h1")
    visit(page, "/contacts/", ready="h1")
    visit(page, "/social/", ready="h1")
    assert page.evaluate("window.__cspViolations") == []
    assert page.console_errors == []


def test_the_portal_works_under_the_policy(watched, customer, agent):
    incident = IncidentFactory(reporter=services.contact_for_user(user=customer), title="Printer jams")
    page = watched
    log_in(page, "alice")
    visit(page, "/portal/", ready="h1")
    visit(page, f"/portal/incidents/{incident.number}/", ready="h1")
    visit(page, "/portal/new/", ready="h1")
    page.get_by_label("Title").fill("The scanner is off")
    page.get_by_label("Description").fill("Since this morning.")
    page.get_by_role("button", name="Send to the service desk").click()
    page.get_by_text("Thank you. Your incident is").wait_for()
    # Bootstrap's collapsed menu on a phone.
    page.set_viewport_size({"width": 390, "height": 800})
    page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_role("link", name="Raise an incident").wait_for()
    assert page.evaluate("window.__cspViolations") == []
    assert page.console_errors == []


def test_the_login_and_password_pages_work_under_the_policy(watched, customer):
    visit(watched, "/login/", ready="h1")
    visit(watched, "/password-reset/", ready="h1")
    watched.get_by_label("E-mail address").fill(customer.email)
    watched.get_by_role("button", name="Send the link").click()
    watched.get_by_text("Check your e-mail").wait_for()
    assert watched.evaluate("window.__cspViolations") == []


def test_the_admin_works_under_the_policy(watched, contact):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    incident = IncidentFactory(reporter=contact, title="VPN drops every hour")
    page = watched
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    visit(page, "/admin/", ready="#content")
    # The admin's own scripts: the sidebar's filter, and the action bar's selection count.
    visit(page, "/admin/tickets/incident/", ready="#result_list")
    page.get_by_placeholder("Start typing to filter").fill("webhook")
    page.locator("#nav-sidebar").get_by_role("link", name="Incidents", exact=True).wait_for(state="hidden")
    visit(page, "/admin/auth/user/", ready="#result_list")
    page.locator("#action-toggle").check()
    page.locator(".action-counter").get_by_text("1 of 1 selected").wait_for()
    visit(page, f"/admin/tickets/incident/{incident.pk}/change/", ready="#content-main form")
    visit(page, "/admin/axes/accessattempt/", ready="#content")
    visit(page, "/admin/auth/user/add/", ready="#content-main form")


def test_swagger_ui_works_under_the_policy(watched):
    visit(watched, "/api/docs/", ready=".swagger-ui .opblock")
    assert watched.locator(".opblock").count() > 10


def test_redoc_works_under_the_policy(watched):
    # ReDoc's sidebar asks a CDN for its logo: refused, and the logo hides itself.
    logo = "img-src https://cdn.redoc.ly/redoc/logo-mini.svg"
    visit(watched, "/api/redoc/", ready="h1:has-text('Social Service Desk API')", allowed=(logo,))
    assert watched.get_by_text("Incidents", exact=False).count() > 0


def test_the_dashboards_and_their_charts_work_under_the_policy(watched, manager, agent):
    IncidentFactory(title="Counted on the dashboards", assignee=agent)
    from feedback.rollups.refresh import rollups_refresh

    rollups_refresh()
    page = watched
    log_in(page, "manager")
    visit(page, "/dashboards/service/?grain=day&periods=7", ready="#chart-volume canvas")
    # Chart.js drew: the canvas has its chart, and its first bar counts the incident.
    assert page.evaluate("document.querySelector('#chart-volume canvas').chart.data.datasets[0].data.at(-1)") == 1
    visit(page, "/dashboards/satisfaction/", ready="#chart-negative canvas")
    visit(page, "/dashboards/messages/", ready="h1")
    assert page.console_errors == []
