"""A RIGHT-TO-LEFT OVERRIDE in a title or a name cannot reverse the text after it or around
it: the desk shows the control instead of obeying it (servicedesk.text)."""

from itertools import pairwise

import pytest

from tickets import services

from ..factories import ContactFactory, IncidentFactory, ProblemFactory
from .conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# "Refund for invoice" + RLO + "gpj.exe" is drawn "Refund for invoiceexe.jpg" when obeyed.
TITLE = "Refund for invoice\u202egpj.exe"

# The left edge of each character of `needle`, as drawn, in the first text node of `root`
# that holds it: increasing from left to right means the text reads in its own order.
X_OF_CHARACTERS = """
([root, needle]) => {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(needle);
    if (at < 0) continue;
    return [...needle].map((_, i) => {
      const range = document.createRange();
      range.setStart(node, at + i);
      range.setEnd(node, at + i + 1);
      return range.getBoundingClientRect().left;
    });
  }
  return null;
}
"""


def reads_in_order(page, selector: str, needle: str) -> bool:
    root = page.locator(selector).first.element_handle()
    xs = page.evaluate(X_OF_CHARACTERS, [root, needle])
    assert xs is not None, f"{needle!r} not found in {selector}"
    return all(left < right for left, right in pairwise(xs))


def test_an_override_in_a_title_or_a_name_reverses_nothing(page, agent, customer):
    reporter = services.contact_for_user(user=customer)
    problem = ProblemFactory(actor=agent, title="Invoices")
    incident = IncidentFactory(reporter=ContactFactory(name="Jess\u202e"), title=TITLE)
    services.problem_link_incidents(problem=problem, incidents=[incident], actor=agent)
    IncidentFactory(reporter=reporter, title=TITLE)

    log_in(page, "agent")
    row = f"tr[data-incident='{incident.pk}']"
    page.locator(row).wait_for()
    assert reads_in_order(page, f"{row} .title-cell .fw-medium", "gpj.exe")
    # The name's override does not spill over the problem's number beside it.
    assert reads_in_order(page, f"{row} .title-cell .small", problem.number)
    assert page.locator(f"{row} .bidi-control").count() == 2
    assert page.locator(f"{row} .title-cell").inner_text().startswith("Refund for invoiceU+202Egpj.exe")
    page.locator(row).screenshot(path=str(ARTIFACTS / "bidi_queue_row.png"))

    page.goto(f"/incidents/{incident.number}/")
    assert reads_in_order(page, "h1", "gpj.exe")
    assert page.locator("h1 .bidi-control").get_attribute("title") == "RIGHT-TO-LEFT OVERRIDE"

    # Leave the incident page while still signed in: its goodbye (a beacon on pagehide) sent
    # without cookies would be sent to the login page, whose fresh CSRF cookie could replace
    # the one the next login form was drawn with.
    page.goto("about:blank")
    page.context.clear_cookies()
    log_in(page, "alice")
    page.get_by_role("link", name="My incidents").wait_for()
    page.goto("/portal/")
    assert reads_in_order(page, "main", "gpj.exe")
    assert page.console_errors == []
