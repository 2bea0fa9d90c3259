"""Every page and API answer carries the Content-Security-Policy and is never stored by a
browser or a proxy; no template carries a script the policy would refuse."""

import re

import pytest

from ..conftest import REPO_ROOT
from ..factories import IncidentFactory
from ..tickets.api.conftest import client_for

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize("url", ["/incidents/", "/problems/", "/contacts/", "/social/"])
def test_agent_pages_are_not_stored_and_run_no_inline_script(agent_client, url):
    response = agent_client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    directives = policy(response)
    assert directives["script-src"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]


def test_portal_pages_are_not_stored(customer_client, customer):
    incident = IncidentFactory(reporter=customer.contact)
    for url in ("/portal/", "/portal/new/", f"/portal/incidents/{incident.number}/"):
        response = customer_client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url
        assert "Content-Security-Policy" in response, url


def test_the_login_page_is_not_stored_either(client):
    assert "no-store" in client.get("/login/")["Cache-Control"]


@pytest.mark.parametrize(("who", "url", "status"), [("agent", "/api/v1/me/", 200), ("agent", "/api/v1/nothing/", 404)])
def test_api_answers_are_not_stored(agent, who, url, status):
    response = client_for(agent).get(url)
    assert response.status_code == status
    assert response["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response


def test_an_api_refusal_is_not_stored(db):
    response = client_for(None).get("/api/v1/me/")
    assert response.status_code == 401
    assert response["Cache-Control"] == "no-store"


def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/css/desk.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Content-Security-Policy" not in response


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(REPO_ROOT) for p in (REPO_ROOT / "templates").rglob("*.html")), ids=str
)
def test_no_template_has_inline_script(template):
    text = (REPO_ROOT / template).read_text()
    assert not INLINE_SCRIPT.search(text), "an inline <script>: move it to a file under static/"
    assert not EVENT_HANDLER.search(text), "an on…= handler: listen from a script file instead"
    assert not JAVASCRIPT_URL.search(text), "a javascript: URL"
