"""Polling a real IMAP server (a private Dovecot): new mail by UID since the cursor, the
cursor reset when UIDVALIDITY changes, store first, one unreadable mail losing none of the
others, and a refused login told to the admins."""

import pytest

from social.email.poll import mailbox, poll
from social.models import InboundEvent, MessageState, SocialMessage
from tickets.models import Incident

from .conftest import DESK, drain, mail, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(desk, mailbox):
    url, _, _ = mailbox
    desk.password = url
    desk.poll_enabled = True
    desk.save()
    return desk


def append(mailbox, *raws: bytes) -> None:
    _, folder, client = mailbox
    for raw in raws:
        client.append(folder, raw)


def test_new_mail_is_stored_and_becomes_incidents(account, mailbox):
    append(mailbox, mail(message_id="<p1@example.com>"), mail(message_id="<p2@example.com>", subject="Printer"))

    assert poll(account=account) == 2

    drain()
    assert sorted(Incident.objects.values_list("title", flat=True)) == ["Printer", "VPN keeps dropping"]
    assert set(InboundEvent.objects.values_list("source", flat=True)) == {"poll"}
    account.refresh_from_db()
    validity, uid = account.poll_cursor.split(":")
    assert int(validity) > 0 and uid == "2"
    assert account.polled_at is not None and account.token_error == ""


def test_a_second_poll_reads_only_what_came_since(account, mailbox):
    append(mailbox, mail(message_id="<p1@example.com>"))
    poll(account=account)

    assert poll(account=account) == 0
    append(mailbox, mail(message_id="<p3@example.com>"))
    assert poll(account=account) == 1
    assert InboundEvent.objects.count() == 2


def test_the_mailbox_is_left_as_it_was(account, mailbox):
    _, folder, client = mailbox
    append(mailbox, mail(message_id="<p1@example.com>"))

    poll(account=account)

    client.select_folder(folder)
    assert client.search(["UNSEEN"]) == [1]  # not marked read, not moved


def test_an_unreadable_mail_in_a_batch_loses_none_of_the_good_ones(account, mailbox):
    append(
        mailbox,
        mail(message_id="<good1@example.com>"),
        b"this is not a mail at all, it has no headers\r\n",
        mail(message_id="<good2@example.com>", subject="Printer"),
    )

    assert poll(account=account) == 3

    drain()
    assert Incident.objects.count() == 2
    ignored = SocialMessage.objects.get(state=MessageState.IGNORED)
    assert ignored.state_reason.startswith("Unreadable mail:")


def test_a_mail_over_the_limit_is_kept_ignored_and_the_rest_go_on(account, mailbox, settings):
    settings.EMAIL_MAX_BYTES = 3000
    append(
        mailbox,
        mail(message_id="<big@example.com>", attachment=("big.bin", b"x" * 5000)),
        mail(message_id="<ok@example.com>"),
    )

    poll(account=account)

    drain()
    assert Incident.objects.count() == 1
    assert "over EMAIL_MAX_BYTES" in SocialMessage.objects.get(state=MessageState.IGNORED).state_reason


def test_a_new_uidvalidity_reads_the_folder_again_and_stores_nothing_twice(account, mailbox):
    append(mailbox, mail(message_id="<p1@example.com>"), mail(message_id="<p2@example.com>"))
    poll(account=account)
    account.refresh_from_db()
    validity, _ = account.poll_cursor.split(":")
    account.poll_cursor = f"{int(validity) + 1}:2"  # the server rebuilt the folder
    account.save()

    assert poll(account=account) == 0  # read again; the Message-IDs are known

    account.refresh_from_db()
    assert account.poll_cursor == f"{validity}:2"


def test_the_same_mail_by_webhook_and_by_imap_is_stored_once(account, mailbox, client):
    raw = mail(message_id="<both@example.com>")
    post(client, raw)
    append(mailbox, raw)

    assert poll(account=account) == 0
    assert InboundEvent.objects.count() == 1


def test_a_refused_login_is_told_to_the_admins_and_nothing_is_stored(account, mailbox):
    url, _, _ = mailbox
    account.password = url.replace(":imap-secret-7d2@", ":wrong@")
    account.save()
    append(mailbox, mail())

    assert poll(account=account) == 0

    account.refresh_from_db()
    assert account.token_error.startswith("The mailbox refused the desk")
    assert InboundEvent.objects.count() == 0


def test_a_server_that_is_not_there_stores_nothing_and_keeps_the_cursor(desk):
    desk.password = "imap://u:p@127.0.0.1:9/INBOX"
    desk.poll_cursor = "5:10"
    desk.save()

    assert poll(account=desk) == 0
    desk.refresh_from_db()
    assert desk.poll_cursor == "5:10" and desk.token_error == ""


def test_an_address_without_a_mailbox_is_not_polled(desk):
    assert poll(account=desk) == 0


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "imaps://desk%40example.org:p%40ss@mail.example.org/INBOX",
            ("mail.example.org", 993, True, "desk@example.org", "p@ss", "INBOX"),
        ),
        ("imap://desk:pw@127.0.0.1:1143/Support/Web", ("127.0.0.1", 1143, False, "desk", "pw", "Support/Web")),
        ("imaps://desk:pw@mail.example.org", ("mail.example.org", 993, True, "desk", "pw", "INBOX")),
    ],
)
def test_the_mailbox_url_is_read(url, expected):
    box = mailbox(url)

    assert (box.host, box.port, box.tls, box.username, box.password, box.folder) == expected


@pytest.mark.parametrize(
    "url", ["https://desk:pw@mail.example.org/", "imaps://mail.example.org/INBOX", "imaps://desk:pw@host:x/"]
)
def test_a_wrong_mailbox_url_is_told_to_the_admins(desk, url):
    desk.password = url
    desk.save()

    poll(account=desk)

    desk.refresh_from_db()
    assert desk.token_error.startswith("The mailbox refused the desk: The mailbox URL")
    assert DESK in str(desk)
