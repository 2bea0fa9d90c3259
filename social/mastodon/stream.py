"""Mentions the moment they are made: the instance's streaming API (the account's `user`
stream, server-sent events read by Mastodon.py), where the instance offers it.

The scheduled poll (`poll`, every minute) reads the notifications API whatever the instance;
where the instance streams, `manage.py watch_accounts` (`social.inbox.watch`) also holds the
account's user stream open, and what it says goes through the poll's intake, store first:

- a `notification` of a mention or an edit is parsed as the poll parses it, so it has the
  same external id (the status's) and a mention both streamed and polled is stored once;
- a `status.update` (an edit) or a `delete` of a status the desk has (a person's message, or
  the desk's own answer) is stored as an edit or a deletion, which the desk follows as on every
  channel: the message keeps its history, a deletion redacts the copies and keeps the record.

The user stream also carries the home timeline (the statuses of accounts the desk follows,
their edits and deletions): what the desk has never met is not its business and is passed over.

On connecting (the first thing the stream says; Mastodon says ":)" at once) the watch polls, so
what came while nobody listened is read. A stream that drops is opened again after a pause that
doubles up to a minute; an instance that does not stream (no such address, or a page that is
not an event stream) or refuses the token ends the watch, and the scheduled poll goes on alone.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import requests
from django.db import close_old_connections, connection
from mastodon import StreamListener
from mastodon.errors import MastodonError

from ..events import InvalidPayload, ParsedEvent
from ..inbox.store import inbound_store
from ..models import InboundEvent, SocialAccount, SocialMessage
from . import CHANNEL
from .client import client_for, plain
from .inbound import events_from_notifications, status_deletion_event, status_edit_event
from .poll import TYPES, poll

logger = logging.getLogger(__name__)

# Mastodon sends a heartbeat every 15 seconds: a minute of silence is a connection gone dead.
READ_TIMEOUT_SECONDS = 60.0
FIRST_PAUSE_SECONDS = 1.0
MAX_PAUSE_SECONDS = 60.0
# A stream that lasted this long was a working one: the next drop starts the pauses again.
STEADY_SECONDS = 60.0
# The stream's address answered that there is no stream there.
NOT_STREAMING = frozenset({404, 405, 410, 501})
REFUSED = frozenset({401, 403})
CHECK_SECONDS = 15.0  # the heartbeat's interval: when a watch sees its stop signal


class Stopped(Exception):
    """The watch was told to stop."""


class StreamRefused(Exception):
    """The instance will not stream to the desk; `reason` says why, for the watch's end."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.reason = reason


def statuses_known(status_ids: list[str]) -> dict[str, str]:
    """Of `status_ids`, those the desk has, each with the thread it filed it under: stored as
    they came in (pending or done), or posted by the desk. Two indexed queries at most."""
    known = {
        # str(): a JSON key read on SQLite comes back as a number when it is all digits.
        key: "" if thread_key is None else str(thread_key)
        for key, thread_key in InboundEvent.objects.filter(channel=CHANNEL, dedup_key__in=status_ids).values_list(
            "dedup_key", "payload__thread_key"
        )
    }
    rest = [status_id for status_id in status_ids if status_id not in known]
    if rest:
        known.update(
            SocialMessage.objects.filter(channel=CHANNEL, external_id__in=rest).values_list("external_id", "thread_key")
        )
    return known


class DeskListener(StreamListener):
    """What the user stream says, into the desk's intake. Looks at `stop` whenever the stream
    says anything (its heartbeats included) and leaves by raising `Stopped`."""

    def __init__(self, *, account: SocialAccount, stop: threading.Event, on_connect: Callable[..., int]):
        super().__init__()
        self.account = account
        self.stop = stop
        self.on_connect = on_connect
        self.connected_at: float | None = None
        self.stored = 0

    def _heard(self) -> None:
        if self.stop.is_set():
            raise Stopped
        if self.connected_at is None:
            self.connected_at = time.monotonic()
            self.on_connect(account=self.account)

    def handle_heartbeat(self) -> None:
        self._heard()

    def on_any_event(self, name: str, data: Any = None) -> None:
        self._heard()

    def on_notification(self, notification: Any) -> None:
        found = plain(notification)
        if isinstance(found, dict) and found.get("type") not in TYPES:
            return  # what the poll does not ask for either (favourites, follows...)
        self._store(events_from_notifications([found], account_id=self.account.external_id))

    def on_status_update(self, status: Any) -> None:
        found = plain(status)
        status_id = str(found.get("id") or "") if isinstance(found, dict) else ""
        if not status_id or status_id not in statuses_known([status_id]):
            return
        try:
            event = status_edit_event(found, account_id=self.account.external_id, where="status.update")
        except InvalidPayload as error:
            logger.warning("%s: an edit of status %s could not be read: %s", self.account, status_id, error)
            return
        self._store([event])

    def on_delete(self, status_id: Any) -> None:
        status_id = str(status_id)
        known = statuses_known([status_id])
        if status_id not in known:
            return
        self._store(
            [status_deletion_event(status_id, account_id=self.account.external_id, thread_key=known[status_id])]
        )

    def on_unknown_event(self, name: str, unknown_event: Any = None) -> None:
        """Kinds of event newer than Mastodon.py: none of them is a mention."""

    def _store(self, events: list[ParsedEvent]) -> None:
        self.stored += len(inbound_store(events=events, source="stream"))


def stream_user(account: SocialAccount, listener: DeskListener) -> None:
    """Read the account's user stream into `listener` until it ends (the instance closed it)
    or fails. Raises `StreamRefused` where the instance will not stream to the desk."""
    api = client_for(account)

    def refuse_what_is_no_stream(response: requests.Response, *args, **kwargs) -> None:
        if "/api/v1/streaming/" not in response.url:
            return
        if response.status_code in REFUSED:
            raise StreamRefused(f"the instance refused the token ({response.status_code})", reason="refused")
        content_type = response.headers.get("Content-Type", "")
        if response.status_code in NOT_STREAMING or (
            response.status_code == 200 and not content_type.startswith("text/event-stream")
        ):
            raise StreamRefused(
                f"the instance offers no stream ({response.status_code} {content_type or 'no content type'})",
                reason="no streaming",
            )

    api.session.hooks["response"].append(refuse_what_is_no_stream)
    api.stream_user(listener, timeout=READ_TIMEOUT_SECONDS)


def watch(
    *,
    account_id: int,
    stop: threading.Event,
    check_seconds: float = CHECK_SECONDS,
    on_connect: Callable[..., int] = poll,
) -> str:
    """Hold the user stream of account `account_id` open until `stop` is set, storing what it
    says and calling `on_connect(account=...)` each time it connects. Returns why it ended.

    `check_seconds` is the contract's: here the stream's own heartbeats (every 15 s) are when
    `stop` is looked at, a read blocking until the stream says something."""
    pause = FIRST_PAUSE_SECONDS
    try:
        while not stop.is_set():
            close_old_connections()
            account = SocialAccount.objects.filter(pk=account_id, active=True).first()
            if account is None or not account.access_token or not account.base_url:
                return "no credentials"
            listener = DeskListener(account=account, stop=stop, on_connect=on_connect)
            try:
                stream_user(account, listener)
                logger.info("%s: the instance closed the stream; opening it again in %.0f s", account, pause)
            except Stopped:
                return "stopped"
            except StreamRefused as refusal:
                logger.info("%s: not streaming (%s); the scheduled poll reads the mentions", account, refusal)
                return refusal.reason
            except (MastodonError, requests.RequestException, OSError) as error:
                logger.warning("%s: the stream was lost (%s); opening it again in %.0f s", account, error, pause)
            except Exception:
                # A store that failed (the database away, a bug): said, and tried again, so one
                # failure does not end the watch for good; the poll on connecting reads what it missed.
                logger.exception("%s: the stream failed; opening it again in %.0f s", account, pause)
            if listener.connected_at is not None and time.monotonic() - listener.connected_at >= STEADY_SECONDS:
                pause = FIRST_PAUSE_SECONDS
            stop.wait(pause)
            pause = min(pause * 2, MAX_PAUSE_SECONDS)
        return "stopped"
    finally:
        connection.close()  # this thread's own
