"""The one way the desk talks to a Mastodon instance: a `Mastodon.py` client per account, at
the account's own instance, with a timeout and no sleeping on rate limits, and one place
(`translated_errors`) that turns what Mastodon.py raises into `social.errors`.

Answers are made plain JSON (`plain`): the shape the API documents and the recorded fixtures
have, which `inbound` parses and the desk keeps as the raw payload.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import requests
from django.utils import timezone
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)
from urllib3.exceptions import ProtocolError

from ..errors import OutcomeUnknown, RateLimited, Rejected, TemporaryFailure, TokenInvalid
from ..models import SocialAccount

# Seconds to connect, and to wait for an answer once the request is sent.
TIMEOUT = (5, 20)
# Mastodon's windows are 5 minutes; used when a 429 does not say when it ends.
DEFAULT_RATE_LIMIT_WAIT = timedelta(minutes=5)


class NoInstance(TokenInvalid):
    """The account names no instance to talk to."""


def base_url(account: SocialAccount) -> str:
    if not account.base_url:
        raise NoInstance(f"No Mastodon instance address is configured for {account} (MASTODON_BASE_URL).")
    return account.base_url.rstrip("/")


def client_for(account: SocialAccount) -> Mastodon:
    return Mastodon(
        access_token=account.access_token or None,
        api_base_url=base_url(account),
        request_timeout=TIMEOUT,
        ratelimit_method="throw",  # a worker must never sleep through a rate limit
        version_check_mode="none",  # no version probe before each call
        session=requests.Session(),
    )


def plain(value: Any) -> Any:
    """Mastodon.py's typed answer as the JSON the instance sent (times back to ISO 8601)."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items() if not str(key).startswith("_")}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


@contextmanager
def translated_errors(api: Mastodon | None = None, *, write: bool = False) -> Iterator[None]:
    """Run Mastodon calls; raise what they fail with as `social.errors`. `write`: the call
    posts something, so an answer that never came means it may be posted (`OutcomeUnknown`)."""
    try:
        yield
    except MastodonRatelimitError as error:
        reset = getattr(api, "ratelimit_reset", None)
        retry_at = (
            datetime.fromtimestamp(reset, tz=UTC)
            if isinstance(reset, int | float) and reset > timezone.now().timestamp()
            else timezone.now() + DEFAULT_RATE_LIMIT_WAIT
        )
        raise RateLimited(
            f"The Mastodon instance's rate limit is reached until {retry_at:%H:%M} UTC.", retry_at=retry_at
        ) from error
    except MastodonUnauthorizedError as error:
        raise TokenInvalid(f"The Mastodon instance refused the access token (401): {_said(error)}") from error
    except MastodonServerError as error:
        failure = OutcomeUnknown if write else TemporaryFailure
        raise failure(f"The Mastodon instance had an error ({_status(error)}): {_said(error)}") from error
    except MastodonNotFoundError as error:
        raise Rejected(f"Mastodon: not found (the status may have been deleted): {_said(error)}") from error
    except MastodonAPIError as error:
        raise Rejected(f"The Mastodon instance refused ({_status(error)}): {_said(error)}") from error
    except MastodonNetworkError as error:
        # Mastodon.py raises this inside requests' own exception: a connection that never
        # opened did not carry the request; a timeout or a dropped answer may have.
        cause = error.__context__
        never_sent = isinstance(cause, requests.ConnectTimeout) or (
            isinstance(cause, requests.ConnectionError)
            and not isinstance(cause, requests.Timeout)
            and not any(isinstance(arg, ProtocolError) for arg in cause.args)
        )
        failure = OutcomeUnknown if write and not never_sent else TemporaryFailure
        raise failure(f"The Mastodon instance did not answer: {cause or error}") from error
    except MastodonError as error:
        raise TemporaryFailure(f"Mastodon call failed: {error}") from error


def _status(error: MastodonAPIError) -> str:
    return str(error.args[1]) if len(error.args) > 1 else "?"


def _said(error: MastodonAPIError) -> str:
    """The instance's own words ({"error": "..."}, in the account's language)."""
    if len(error.args) > 3 and error.args[3]:
        return str(error.args[3])
    return " ".join(str(arg) for arg in error.args[1:3]) or str(error)
