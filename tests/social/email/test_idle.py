"""IMAP IDLE on a real server (a private Dovecot): mail is read the moment it arrives, not at
the next scheduled poll; what came while nobody watched is read on connecting; a watch stops
when told, and gives up on a mailbox that refuses the desk. The watch runs in a thread with
its own database connection, as `manage.py watch_accounts` runs it: these tests commit."""

import threading
import time
from urllib.parse import urlsplit, urlunsplit

import pytest

from social.email.idle import mail_arrived, watch
from social.inbox.watch import AccountWatchers
from social.models import InboundEvent

from .conftest import mail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def account(desk, mailbox):
    url, _, _ = mailbox
    desk.password = url
    desk.poll_enabled = True
    desk.save()
    return desk


def append(mailbox, raw: bytes) -> None:
    _, folder, client = mailbox
    client.append(folder, raw)


def eventually(predicate, *, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.fixture
def watching(account):
    """A watch on the account's mailbox in a thread; stopped (and joined) at the end."""
    stop = threading.Event()
    ended = []
    polls = []

    def counted_poll(**kwargs):
        from social.email.poll import poll

        polls.append(time.monotonic())
        return poll(**kwargs)

    thread = threading.Thread(
        target=lambda: ended.append(watch(account_id=account.pk, stop=stop, check_seconds=0.2, on_mail=counted_poll)),
        daemon=True,
    )
    thread.start()
    yield polls, stop, thread, ended
    stop.set()
    thread.join(10)


def test_mail_that_came_before_the_watch_is_read_on_connecting(account, mailbox):
    append(mailbox, mail(message_id="<before@example.com>"))
    stop = threading.Event()
    thread = threading.Thread(target=watch, kwargs={"account_id": account.pk, "stop": stop, "check_seconds": 0.2})
    thread.start()
    try:
        assert eventually(lambda: InboundEvent.objects.filter(dedup_key__contains="before@example.com").exists())
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def test_mail_is_read_the_moment_it_arrives(watching, mailbox):
    polls, _, _, _ = watching
    assert eventually(lambda: len(polls) == 1)  # the first look, on connecting
    time.sleep(0.5)  # idling now

    arrived = time.monotonic()
    append(mailbox, mail(message_id="<idle@example.com>"))

    assert eventually(lambda: InboundEvent.objects.filter(dedup_key__contains="idle@example.com").exists(), seconds=10)
    assert len(polls) == 2 and polls[1] - arrived < 5  # told by the server, not by a schedule
    append(mailbox, mail(message_id="<idle2@example.com>"))
    assert eventually(lambda: InboundEvent.objects.count() == 2, seconds=10)


def test_a_watch_stops_when_told(watching):
    polls, stop, thread, ended = watching
    assert eventually(lambda: len(polls) == 1)
    stop.set()
    thread.join(5)
    assert not thread.is_alive() and ended == ["stopped"]


def test_a_watch_told_to_stop_while_idling_does_not_read_the_mail_that_wakes_it(account, mailbox):
    """`watch_accounts` stops the watch of an account switched off; the watch, idling until
    its next look at the stop signal, was woken by mail and read it all the same."""
    polls = []
    stop = threading.Event()
    thread = threading.Thread(
        target=watch,
        # A long look at the stop signal: the watch is idling when told to stop.
        kwargs={"account_id": account.pk, "stop": stop, "check_seconds": 30, "on_mail": lambda **_: polls.append(1)},
        daemon=True,
    )
    thread.start()
    try:
        assert eventually(lambda: len(polls) == 1)  # the first look, on connecting
        time.sleep(0.5)  # idling now
        stop.set()
        append(mailbox, mail(message_id="<after-stop@example.com>"))
        thread.join(10)
        assert not thread.is_alive() and polls == [1]
    finally:
        stop.set()
        thread.join(10)


def test_a_mailbox_that_refuses_the_desk_ends_the_watch(account):
    parts = urlsplit(account.password)
    account.password = urlunsplit(
        parts._replace(netloc=f"{parts.username}:wrong-password@{parts.hostname}:{parts.port}")
    )
    account.save()

    assert watch(account_id=account.pk, stop=threading.Event(), check_seconds=0.2) == "refused"


def test_untagged_exists_is_mail_and_the_rest_is_not():
    assert mail_arrived([(3, b"EXISTS")])
    assert not mail_arrived([(3, b"RECENT"), (b"OK", b"Still here"), (2, b"EXPUNGE")])


def test_the_watchers_watch_each_mailbox_with_polling_on_and_follow_the_accounts(account, mailbox):
    watchers = AccountWatchers(check_seconds=0.2)
    try:
        watchers.reconcile()
        assert watchers.watching() == [account.pk]
        append(mailbox, mail(message_id="<w1@example.com>"))
        assert eventually(lambda: InboundEvent.objects.filter(dedup_key__contains="w1@example.com").exists())

        account.poll_enabled = False
        account.save()
        watchers.reconcile()
        assert watchers.watching() == []
    finally:
        watchers.stop_all()
