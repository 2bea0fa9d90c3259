"""Playwright on Debian's Chromium against Django's live server.

Screenshots of every browser test land in test-artifacts/ (CI keeps them).
"""

import os
import re
from pathlib import Path

import pytest

from ..conftest import REPO_ROOT, service_missing

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = REPO_ROOT / "test-artifacts"
# The flags the machine's notes recommend: no sandbox as root, and no background
# connections to the outside, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not Path(CHROMIUM).exists():
        service_missing("Chromium", f"{CHROMIUM} is not installed (apt-get install chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    seed_copies = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    # make between browser steps are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        # Inside Playwright's greenlet Django hands out fresh connection objects; give them
        # the seed data (roles, SLA targets) that serialized rollbacks restore after a flush.
        for alias, contents in seed_copies.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    console_errors = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message!r}"))
    page.console_errors = console_errors
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    # A long page (ReDoc's whole schema) takes seconds to shoot on a busy CI machine.
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, timeout=30_000)
    context.close()


def log_in(page, username: str, password: str = "correct horse battery staple") -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
