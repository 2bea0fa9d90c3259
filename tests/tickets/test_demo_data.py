import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.http import HttpRequest

from tickets.models import Contact, Event, Incident, Problem, Service

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (User, Service, Contact, Incident, Problem, Event)]


def test_demo_data_loads_once(capsys):
    call_command("demo_data")
    first = counts()
    call_command("demo_data")
    assert counts() == first
    users, services, _contacts, incidents, problems, _events = first
    # About forty of a working desk's, and the last half hour's VPN reports from X (intelligence.demo).
    assert (services, problems) == (6, 2) and 30 <= incidents <= 75 and users == 6
    out = capsys.readouterr().out
    assert "alice" in out and "alice-demo-2026" in out


def test_demo_logins_work(client):
    call_command("demo_data")
    # A request, as every real login has: the lockout (django-axes) counts per address.
    assert client.login(request=HttpRequest(), username="agent", password="agent-demo-2026")
    assert client.get("/incidents/").status_code == 200
    assert client.login(request=HttpRequest(), username="alice", password="alice-demo-2026")
    assert client.get("/portal/").status_code == 200


def test_the_demo_looks_like_a_working_desk():
    call_command("demo_data")
    incidents = list(Incident.objects.all())
    # Every incident has its service; what was closed as "not an incident" (a thanks, spam) has none.
    assert all(i.service_id or i.not_incident for i in incidents)
    opened_days = {i.created_at.date() for i in incidents}
    updated_minutes = {i.updated_at.replace(second=0, microsecond=0) for i in incidents}
    assert len(opened_days) >= 10  # spread over weeks
    assert len(updated_minutes) >= len(incidents) * 3 // 4  # not one "Updated" minute for all
    assert {"new", "in_progress", "on_hold", "resolved"} <= {i.status for i in incidents}
    assert all(i.updated_at >= i.created_at for i in incidents)
    assert all(i.first_response_at is None or i.first_response_at >= i.created_at for i in incidents)
