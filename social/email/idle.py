"""Mail the moment it arrives: IMAP IDLE (RFC 2177) on the desk's mailboxes.

The scheduled poll (`social.email.poll`, every minute by default) reads new mail whatever the
server; where the server offers IDLE, `manage.py watch_accounts` (`social.inbox.watch`) also
holds a connection open on each mailbox and polls the moment the server says a message
arrived (an untagged EXISTS), so mail becomes an incident in seconds, not at the next minute.
Reading stays the poll's: one cursor, store first, the same duplicates dropped; IDLE only says
when.

A watch polls once on connecting (what came while nobody watched), renews IDLE before the 29
minutes after which a server may drop it, reconnects after a failure with a growing pause, and
gives up on a server without IDLE or a mailbox that refuses the desk (the poll reports that to
the admins, as it does without a watch).
"""

import logging
import ssl
import threading
import time
from collections.abc import Callable
from contextlib import suppress

from django.db import close_old_connections, connection
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from ..models import SocialAccount
from .poll import MailboxURLInvalid, _session, mailbox, poll

logger = logging.getLogger(__name__)

RENEW_SECONDS = 25 * 60  # under RFC 2177's 29 minutes
CHECK_SECONDS = 5.0  # how often a watch looks at its stop signal while idling
MAX_PAUSE_SECONDS = 60.0  # the longest pause between reconnections


def mail_arrived(responses: list) -> bool:
    """Whether IDLE's untagged responses say a message arrived: `* 12 EXISTS`."""
    return any(len(response) > 1 and response[1] == b"EXISTS" for response in responses)


def watch(
    *,
    account_id: int,
    stop: threading.Event,
    check_seconds: float = CHECK_SECONDS,
    on_mail: Callable[..., int] = poll,
) -> str:
    """Hold IDLE on the mailbox of account `account_id` until `stop` is set, calling
    `on_mail(account=...)` on connecting and whenever mail arrives. Returns why it ended."""
    pause = 1.0
    try:
        while not stop.is_set():
            close_old_connections()
            account = SocialAccount.objects.filter(pk=account_id, active=True).first()
            if account is None or not account.password:
                return "no mailbox"
            try:
                box = mailbox(account.password)
                with _session(box) as client:
                    if b"IDLE" not in client.capabilities():
                        logger.info("%s: the server offers no IDLE; the scheduled poll reads its mail", account)
                        return "no IDLE"
                    client.select_folder(box.folder, readonly=True)
                    on_mail(account=account)
                    pause = 1.0
                    _idle(client, account_id=account_id, stop=stop, check_seconds=check_seconds, on_mail=on_mail)
            except (LoginError, MailboxURLInvalid) as error:
                logger.warning("%s: not watching the mailbox: %s", account, error)
                return "refused"
            except (TimeoutError, IMAPClientError, OSError, ssl.SSLError) as error:
                logger.warning("%s: mailbox watch lost (%s); reconnecting in %.0f s", account, error, pause)
            except Exception:
                # A poll that failed (the database away, a bug): said, and tried again, so one
                # failure does not end the watch for good.
                logger.exception("%s: the mailbox watch failed; starting again in %.0f s", account, pause)
            stop.wait(pause)
            pause = min(pause * 2, MAX_PAUSE_SECONDS)
        return "stopped"
    finally:
        connection.close()  # this thread's own


def _idle(
    client: IMAPClient, *, account_id: int, stop: threading.Event, check_seconds: float, on_mail: Callable[..., int]
) -> None:
    client.idle()
    renew_at = time.monotonic() + RENEW_SECONDS
    try:
        while not stop.is_set():
            arrived = mail_arrived(client.idle_check(timeout=check_seconds))
            if stop.is_set():
                # Told to stop while idling (its account switched off or changed): the mail
                # that woke it is no longer this watch's to read.
                return
            if not arrived and time.monotonic() < renew_at:
                continue
            client.idle_done()
            while arrived:
                close_old_connections()
                account = SocialAccount.objects.filter(pk=account_id, active=True).first()
                if account is None:
                    return
                on_mail(account=account)  # a connection of its own: this one stays on IDLE
                # Mail that came during the poll: a server tells of it when asked (NOOP), and
                # may not once IDLE has started again.
                _, responses = client.noop()
                arrived = mail_arrived(responses)
            client.idle()
            renew_at = time.monotonic() + RENEW_SECONDS
    finally:
        if stop.is_set():
            with suppress(TimeoutError, IMAPClientError, OSError, ssl.SSLError):  # it is going anyway
                client.idle_done()
