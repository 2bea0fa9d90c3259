"""Fixtures shared by the whole suite: the people of every permission test, and the
services a test may need (skipped when absent, failed under REQUIRE_SERVICES=1)."""

import os
from pathlib import Path
from uuid import uuid4

import pytest
from django.db import connection

from servicedesk.celery import app as celery_app
from social.accounts import clear_webhook_secrets

from .factories import AgentFactory, ContactFactory, CustomerFactory, ManagerFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_FIXTURES = Path(os.environ.get("SERVICEDESK_SHARED_FIXTURES", REPO_ROOT.parent / "shared" / "fixtures"))


def service_missing(service: str, reason: str):
    """Skip a test whose service is unreachable; under REQUIRE_SERVICES=1, fail it."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{service} is required (REQUIRE_SERVICES=1) but {reason}", pytrace=False)
    pytest.skip(f"{service} not available: {reason}")


@pytest.fixture(scope="session", autouse=True)
def _check_database(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        vendor = connection.vendor
    if REQUIRE_SERVICES and vendor != "postgresql":
        pytest.fail(f"REQUIRE_SERVICES=1 needs PostgreSQL, but DATABASE_URL gives {vendor}.", pytrace=False)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness costs most of a second per user made.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_in_process():
    """Tests run tasks in-process by default; the worker tests start real workers."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _private_rate_limits(settings):
    """Each test counts its rate limits (and keeps presence) alone, in local memory: the suite's Redis would add
    up every test's requests, across xdist workers and runs (tests/servicedesk/test_ratelimit.py
    uses the real Redis on purpose)."""
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"ratelimit-{uuid4()}"},
        # Presence too: incidents of different workers' databases share ids.
        "presence": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"presence-{uuid4()}"},
    }


@pytest.fixture(autouse=True)
def _fresh_webhook_secrets():
    """Each test reads the social accounts it made, even by a queryset update."""
    clear_webhook_secrets()
    yield
    clear_webhook_secrets()


@pytest.fixture(autouse=True)
def _spike_banner_cached():
    """Pages are measured as production serves them: the console's spike banner comes from the
    cache (none raised), so a page's query count does not depend on which test ran first.
    Changing an alert forgets it on commit; tests/intelligence/spikes start uncached."""
    from django.core.cache import cache

    from intelligence.spikes.services import BANNER_CACHE_KEY

    cache.set(BANNER_CACHE_KEY, {"alerts": [], "more": False}, None)
    yield
    cache.delete(BANNER_CACHE_KEY)


@pytest.fixture(autouse=True)
def _private_saved_view_counts(monkeypatch):
    """Each test counts its saved views alone: the cache keeps a count for every agent whose
    view has the same filters, and another test's desk has other incidents."""
    from tickets import selectors

    monkeypatch.setattr(selectors, "SAVED_VIEW_COUNT_KEY_PREFIX", f"saved-view-count:{uuid4()}:")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path_factory):
    """Uploaded files go to a folder of this test session (per xdist worker), never the
    checkout's media/: the default storage follows MEDIA_ROOT when it changes."""
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")


@pytest.fixture
def shared_fixtures() -> Path:
    """The recorded third-party payloads in ../shared/fixtures (see its README)."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(f"recorded payloads not found at {SHARED_FIXTURES} (they live beside the repository)")
    return SHARED_FIXTURES


@pytest.fixture
def agent(db):
    return AgentFactory(username="agent", first_name="Sam", last_name="Agent")


@pytest.fixture
def manager(db):
    return ManagerFactory(username="manager")


@pytest.fixture
def customer(db):
    return CustomerFactory(username="alice", first_name="Alice", last_name="Andrews")


@pytest.fixture
def other_customer(db):
    return CustomerFactory(username="bob", first_name="Bob", last_name="Brown")


@pytest.fixture
def outsider(db):
    """Logged in, but with no role at all."""
    return UserFactory(username="outsider")


@pytest.fixture
def contact(db):
    return ContactFactory(name="Jess on X")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer)
    return client


def pytest_collection_modifyitems(items):
    """Every transactional test restores the seeded rows (roles, SLA targets, content types)
    afterwards, as the browser and worker tests ask with serialized_rollback.

    Without it, the flush after such a test re-creates the content types in the app registry's
    order, with other ids than the migrations gave them; the next test that restores the
    serialized rows then collides with them on (app_label, model) and errors at setup.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            item.add_marker(pytest.mark.django_db(**{**marker.kwargs, "serialized_rollback": True}), append=False)
        elif "live_server" in getattr(item, "fixturenames", ()) and not marker:
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False)
