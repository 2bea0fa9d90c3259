"""/healthz answers the orchestrator's probe, which comes from inside the container by
address and over plain HTTP, whatever ALLOWED_HOSTS and the HTTPS redirect say."""

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_hosts(settings):
    settings.ALLOWED_HOSTS = ["desk.example.org"]
    settings.SECURE_SSL_REDIRECT = True


def test_the_probe_by_address_gets_200_with_the_production_allowed_hosts(client, production_hosts):
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_other_pages_by_address_are_still_refused(client, production_hosts):
    assert client.get("/login/", HTTP_HOST="127.0.0.1:8000").status_code == 400


def test_a_database_that_does_not_answer_is_a_503(client, production_hosts, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 503
    assert response.json() == {"status": "database unavailable"}


def test_only_get_and_head_are_answered(client, production_hosts):
    assert client.head("/healthz", HTTP_HOST="127.0.0.1:8000").status_code == 200
    assert client.post("/healthz", HTTP_HOST="127.0.0.1:8000").status_code == 405


def test_the_health_check_reports_the_database(client):
    # servicedesk.middleware.HealthCheckMiddleware answers it, before any URL is resolved.
    assert client.get("/healthz").json() == {"status": "ok"}
