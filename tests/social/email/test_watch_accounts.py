"""`manage.py watch_accounts` as the compose stack runs it: a process of its own on the test
database, watching a real IMAP server (the e-mail tests' private Dovecot; here rather than
under tests/social/management for it). Mail appended to a watched mailbox becomes an incident;
an account added while it runs is watched and one switched off is not; SIGTERM or SIGINT stops
it cleanly (its watches told to stop, "Stopped watching.", exit status 0).

Its tasks run in its own process (no broker, as `make run` without one): the incident appears
with no worker, so what is seen is the command's doing."""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.db import connection

from social.models import InboundEvent
from tickets.models import Incident

from ...conftest import REPO_ROOT, service_missing
from ..factories import SocialAccountFactory
from ..workers import database_url
from .conftest import mail
from .test_idle import eventually

pytestmark = pytest.mark.django_db(transaction=True)

RECHECK_SECONDS = 0.5  # how often the command looks at the accounts
STARTED_SECONDS = 60.0  # Django's start and the first connection, on a busy machine


@pytest.fixture
def account(desk, mailbox):
    url, _, _ = mailbox
    desk.password = url
    desk.poll_enabled = True
    desk.save()
    return desk


@pytest.fixture
def command():
    """Start `manage.py watch_accounts`; each started process is killed at the end if a test
    left it running (a test that stops it checks how it stopped)."""
    if connection.vendor != "postgresql":
        service_missing("PostgreSQL", "the command's own process needs the test database on a server")
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "watch_accounts", "--recheck", str(RECHECK_SECONDS)],
            cwd=REPO_ROOT,
            env={**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": ""},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def incident_of(message_id: str) -> Incident | None:
    return Incident.objects.filter(social_messages__external_id__contains=message_id).first()


def stopped_by(process: subprocess.Popen, signum: int) -> tuple[int, str, str]:
    assert process.poll() is None, process.communicate()[1]  # still watching when told
    process.send_signal(signum)
    # Each watch looks at its stop signal every 5 s (social.inbox.watch.CHECK_SECONDS).
    out, err = process.communicate(timeout=30)
    return process.returncode, out, err


def test_mail_becomes_an_incident_the_accounts_are_followed_and_sigterm_stops_it(account, mailbox, dovecot, command):
    process = command()
    _, folder, client = mailbox
    client.append(folder, mail(subject="VPN drops at home", message_id="<watched-1@example.com>"))
    assert eventually(lambda: incident_of("watched-1@example.com") is not None, seconds=STARTED_SECONDS), (
        process.poll(),
        process.stderr.read() if process.poll() is not None else "",
    )
    assert incident_of("watched-1@example.com").title == "VPN drops at home"

    # A mailbox added while it runs is watched within a look at the accounts.
    second_folder = f"T{uuid.uuid4().hex[:12]}"
    client.create_folder(second_folder)
    try:
        SocialAccountFactory(
            channel="email",
            external_id="second-desk@example.org",
            handle="second-desk@example.org",
            password=dovecot.url(second_folder),
            poll_enabled=True,
        )
        client.append(second_folder, mail(to="second-desk@example.org", message_id="<second-1@example.com>"))
        assert eventually(lambda: incident_of("second-1@example.com") is not None, seconds=30)

        # One switched off is no longer watched: its mail waits for polling to be on again.
        account.poll_enabled = False
        account.save()
        time.sleep(RECHECK_SECONDS * 6)  # seen by the command, its watch told to stop
        client.append(folder, mail(message_id="<unwatched@example.com>"))
        time.sleep(3)
        assert not InboundEvent.objects.filter(dedup_key__contains="unwatched@example.com").exists()

        status, out, err = stopped_by(process, signal.SIGTERM)
    finally:
        client.delete_folder(second_folder)
    # Before it, the acknowledgements it sent (Django's console backend prints mail).
    assert status == 0 and out.rstrip().splitlines()[-1] == "Stopped watching.", err


def test_ctrl_c_stops_it_cleanly(account, mailbox, command):
    process = command()
    _, folder, client = mailbox
    client.append(folder, mail(message_id="<before-ctrl-c@example.com>"))
    assert eventually(
        lambda: InboundEvent.objects.filter(dedup_key__contains="before-ctrl-c@example.com").exists(),
        seconds=STARTED_SECONDS,
    )  # watching: the command is in its loop, its handlers set

    status, out, err = stopped_by(process, signal.SIGINT)
    # Before it, the acknowledgements it sent (Django's console backend prints mail).
    assert status == 0 and out.rstrip().splitlines()[-1] == "Stopped watching.", err
