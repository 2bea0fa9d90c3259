"""Guessing passwords locks the account, and at a higher count the address, on the desk's
login and the admin's alike; failures are kept for the audit; an admin unlocks."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.utils import timezone

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
ATTACKER = "203.0.113.7"


@pytest.fixture(autouse=True)
def _lockout_only(settings):
    """These tests count failed logins, not page writes (tested in tests/servicedesk)."""
    settings.PAGE_WRITE_RATE = ""


def log_in(client, path: str, username: str, password: str, address: str = ATTACKER):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_sixty_wrong_passwords_then_the_right_one_does_not_log_in(client, path):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    answers = [log_in(client, path, "root", f"guess-{n}").status_code for n in range(60)]
    right = log_in(client, path, "root", PASSWORD)

    assert answers[:9] == [200] * 9  # the form again, with its error
    assert set(answers[10:]) == {429}
    assert right.status_code == 429
    assert not logged_in(client)
    page = right.content.decode()
    assert "Logging in is paused" in page
    assert "paused for 15 minutes" in page
    assert right["Retry-After"] == "900"


def test_the_account_is_locked_whatever_the_address(client, customer):
    for n in range(10):
        log_in(client, "/login/", "alice", f"guess-{n}", address=f"198.51.100.{n}")
    assert log_in(client, "/login/", "alice", PASSWORD, address="192.0.2.1").status_code == 429
    assert not logged_in(client)


def test_an_address_that_tries_many_accounts_is_locked_for_all_of_them(client, customer, settings):
    victims = [UserFactory(username=f"victim{n}") for n in range(25)]
    for victim in victims:  # two guesses each: no account reaches its own limit
        log_in(client, "/login/", victim.username, "Winter2026!")
        log_in(client, "/login/", victim.username, "Summer2026!")
    assert log_in(client, "/login/", "alice", PASSWORD).status_code == 429
    # Alice at her own desk is not that address.
    assert log_in(client, "/login/", "alice", PASSWORD, address="192.0.2.1").status_code == 302
    assert logged_in(client)


def test_a_few_typos_do_not_lock_anyone(client, customer):
    for n in range(9):
        log_in(client, "/login/", "alice", f"typo-{n}")
    assert log_in(client, "/login/", "alice", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_pause_ends_by_itself_and_trying_meanwhile_does_not_lengthen_it(client, customer):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for n in range(10):
            log_in(client, "/login/", "alice", f"guess-{n}")
        clock.shift(timedelta(minutes=10))
        assert log_in(client, "/login/", "alice", PASSWORD).status_code == 429
        clock.shift(timedelta(minutes=5, seconds=1))
        assert log_in(client, "/login/", "alice", PASSWORD).status_code == 302


def test_every_failure_is_kept_for_the_audit(client, customer):
    for n in range(12):
        log_in(client, "/login/", "alice", f"guess-{n}")
    failures = AccessFailureLog.objects.filter(username="alice", ip_address=ATTACKER)
    assert failures.count() == 10  # then the lock refuses before any password is checked
    assert failures.filter(locked_out=True).count() == 1
    assert set(failures.values_list("path_info", flat=True)) == {"/login/"}


def test_an_admin_unlocks_an_account(client, customer):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    for n in range(10):
        log_in(client, "/login/", "alice", f"guess-{n}")
    assert log_in(client, "/login/", "alice", PASSWORD).status_code == 429

    client.force_login(admin)
    changelist = client.get("/admin/axes/accessattempt/?locked_out=yes")
    assert "alice" in changelist.content.decode()
    attempts = AccessAttempt.objects.filter(username="alice")
    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "unlock", "_selected_action": [a.pk for a in attempts]},
        follow=True,
    )
    assert f"Unlocked: alice from {ATTACKER}." in response.content.decode()
    client.logout()

    assert log_in(client, "/login/", "alice", PASSWORD).status_code == 302
    assert logged_in(client)
    assert AccessFailureLog.objects.filter(username="alice").count() == 10  # the audit stays
