"""The one way the desk talks to a PDS: an `atproto` client per account, at the account's own
PDS, with timeouts, its session kept between calls, and one place (`translated_errors`) that
turns what the SDK raises into `social.errors`.

Logging in (`createSession`) is limited to 30 times in 5 minutes and 300 a day per account, so
the session (its access and refresh tokens) is kept, encrypted, on the account, and the SDK
refreshes it as it expires; the app password is used again only when the session is refused.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import httpx
from atproto import Client
from atproto_client.client.session import Session, SessionEvent
from atproto_client.exceptions import (
    AtProtocolError,
    BadRequestError,
    InvokeTimeoutError,
    NetworkError,
    RateLimitExceededError,
    RequestException,
    UnauthorizedError,
)
from atproto_client.request import Request
from django.conf import settings
from django.utils import timezone

from ..errors import OutcomeUnknown, RateLimited, Rejected, TemporaryFailure, TokenInvalid
from ..models import SocialAccount

logger = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(20.0, connect=5.0)
DEFAULT_RATE_LIMIT_WAIT = timedelta(minutes=5)
# What the PDS says when a kept session is no longer good: log in again with the password.
SESSION_ERRORS = frozenset({"ExpiredToken", "InvalidToken", "AuthenticationRequired"})


class ChatNotAllowed(Rejected):
    """The account may not use the chat service: its direct messages stay off, and nothing
    else is held back (mentions are read and answered as before)."""


def pds_url(account: SocialAccount) -> str:
    return (account.base_url or settings.BLUESKY_PDS_URL).rstrip("/")


class DeskClient:
    """An SDK client logged in as `account`, and the account's DID."""

    def __init__(self, account: SocialAccount):
        self.account = account
        self.sdk = Client(base_url=pds_url(account), request=Request(timeout=TIMEOUT))
        self.sdk.on_session_change(self._keep_session)
        self.did = ""

    def _keep_session(self, event: SessionEvent, session: Session) -> None:
        self.did = session.did
        if event in (SessionEvent.CREATE, SessionEvent.REFRESH):
            self.account.session = session.encode()
            self.account.save(update_fields=["session"])

    def login(self) -> "DeskClient":
        if self.account.session:
            try:
                with translated_errors():
                    self.sdk.login(session_string=self.account.session, fetch_bsky_profile=False)
                return self
            except TokenInvalid:
                logger.info("%s: the kept session was refused; logging in again", self.account)
            except ValueError:
                logger.warning("%s: the kept session could not be read; logging in again", self.account)
        if not self.account.password:
            raise TokenInvalid(self.account.missing_credentials)
        with translated_errors():
            self.sdk.login(
                login=self.account.handle.lstrip("@") or self.account.external_id,
                password=self.account.password,
                fetch_bsky_profile=False,
            )
        return self

    def call(self, nsid: str, *, params=None, data=None, write: bool = False, chat: bool = False) -> dict:
        """One XRPC call (a query, or with `data` a procedure), its JSON answer. A kept
        session the PDS refuses is dropped and the call made once more after logging in
        with the password (a refused call wrote nothing).

        `chat`: a call of the chat service (`chat.bsky.*`), through the PDS with the
        `atproto-proxy` header. A refusal there is the account's chat not being allowed (an
        app password made without the direct-messages permission), not a bad session:
        `ChatNotAllowed`, and the session is kept for everything else."""
        for attempt in (1, 2):
            sdk = self.sdk.with_bsky_chat_proxy() if chat else self.sdk
            try:
                with translated_errors(write=write):
                    if data is None:
                        response = sdk.invoke_query(nsid, params=params)
                    else:
                        response = sdk.invoke_procedure(
                            nsid, data=data, params=params, input_encoding="application/json"
                        )
                return response.content if isinstance(response.content, dict) else {}
            except TokenInvalid as error:
                if chat:
                    raise ChatNotAllowed(
                        f"Bluesky refused the account's chat ({error}). An app password reads and sends direct "
                        'messages only if it was made with "Allow access to your direct messages".'
                    ) from error
                if attempt == 2 or not self.account.session or not self.account.password:
                    raise
                self.account.session = ""
                self.account.save(update_fields=["session"])
                self.sdk = Client(base_url=pds_url(self.account), request=Request(timeout=TIMEOUT))
                self.sdk.on_session_change(self._keep_session)
                self.login()
        raise AssertionError("unreachable")  # pragma: no cover


def client_for(account: SocialAccount) -> DeskClient:
    return DeskClient(account).login()


@contextmanager
def translated_errors(*, write: bool = False) -> Iterator[None]:
    """Run SDK calls; raise what they fail with as `social.errors`. `write`: the call puts a
    record, so an answer that never came means it may be there (`OutcomeUnknown`)."""
    try:
        yield
    except RateLimitExceededError as error:
        retry_at = _rate_limit_reset(error)
        raise RateLimited(f"The PDS's rate limit is reached until {retry_at:%H:%M} UTC.", retry_at=retry_at) from error
    except UnauthorizedError as error:
        raise TokenInvalid(f"The PDS refused the account's credentials: {_said(error)}") from error
    except BadRequestError as error:
        if _xrpc_error(error) in SESSION_ERRORS:
            raise TokenInvalid(f"The PDS refused the session: {_said(error)}") from error
        raise Rejected(f"The PDS refused: {_said(error)}") from error
    except InvokeTimeoutError as error:
        never_sent = isinstance(error.__cause__, httpx.ConnectTimeout)
        failure = OutcomeUnknown if write and not never_sent else TemporaryFailure
        raise failure("The PDS did not answer in time.") from error
    except NetworkError as error:
        # No response: the connection failed (before sending, unless it broke mid-answer);
        # a response (409, 413, 502): the PDS or a proxy in front of it answered.
        never_sent = error.response is None and isinstance(error.__cause__, httpx.ConnectError)
        failure = OutcomeUnknown if write and not never_sent else TemporaryFailure
        raise failure(f"The connection to the PDS failed: {_said(error)}") from error
    except RequestException as error:
        status = error.response.status_code if error.response is not None else 0
        if status >= 500 or not status:
            failure = OutcomeUnknown if write else TemporaryFailure
            raise failure(f"The PDS had an error ({status}): {_said(error)}") from error
        raise Rejected(f"The PDS refused ({status}): {_said(error)}") from error
    except AtProtocolError as error:
        raise TemporaryFailure(f"Bluesky call failed: {error}") from error


def _xrpc_error(error: AtProtocolError) -> str:
    content = getattr(getattr(error, "response", None), "content", None)
    return str(getattr(content, "error", "") or "")


def _said(error: AtProtocolError) -> str:
    response = getattr(error, "response", None)
    content = getattr(response, "content", None)
    message = getattr(content, "message", None) or getattr(content, "error", None)
    if message:
        return str(message)
    if response is not None:
        return str(response.status_code)
    return str(error.__cause__ or error) or type(error).__name__


def _rate_limit_reset(error: RateLimitExceededError) -> datetime:
    """`ratelimit-reset` is epoch seconds."""
    headers = getattr(getattr(error, "response", None), "headers", None) or {}
    reset = str(headers.get("ratelimit-reset", ""))
    if reset.isdigit():
        return datetime.fromtimestamp(int(reset), tz=UTC)
    return timezone.now() + DEFAULT_RATE_LIMIT_WAIT
