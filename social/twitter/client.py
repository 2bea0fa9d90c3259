"""The one way this app talks to the X API: a `tweepy.Client` per account, with a timeout, and
one place (`translated_errors`) that turns what tweepy and requests raise into `social.errors`.

Responses come back as plain JSON dicts (`return_type=dict`): the shape X documents, the
shape the recorded fixtures have, and the shape `inbound` parses.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import requests
import tweepy
from django.utils import timezone
from urllib3.exceptions import ProtocolError

from ..errors import OutcomeUnknown, RateLimited, Rejected, TemporaryFailure, TokenInvalid
from ..models import SocialAccount

logger = logging.getLogger(__name__)

# Seconds to connect, and to wait for an answer once the request is sent.
TIMEOUT = (5, 20)
# X's rate-limit windows are 15 minutes; used when a 429 does not say when it ends.
DEFAULT_RATE_LIMIT_WAIT = timedelta(minutes=15)


class _TimeoutSession(requests.Session):
    # tweepy's Client has no timeout of its own; without one a stalled connection hangs a worker.
    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(*args, **kwargs)


def client_for(account: SocialAccount) -> tweepy.Client:
    """A client with every credential the account has: calls made with `user_auth=True` act as
    the account (OAuth 1.0a: consumer key/secret + access token/secret), the others use the
    app's bearer token."""
    client = tweepy.Client(
        bearer_token=account.bearer_token or None,
        consumer_key=account.consumer_key or None,
        consumer_secret=account.consumer_secret or None,
        access_token=account.access_token or None,
        access_token_secret=account.access_token_secret or None,
        return_type=dict,
        wait_on_rate_limit=False,  # a worker must never sleep through a rate limit
    )
    client.session = _TimeoutSession()
    return client


def reads_as_user(account: SocialAccount) -> bool:
    """Reads use the app's bearer token when there is one (its rate limits are separate from
    the account's), else act as the account."""
    return not account.bearer_token


@contextmanager
def translated_errors(*, write: bool = False) -> Iterator[None]:
    """Run X API calls; raise what they fail with as `social.errors`.

    `write`: the call creates something (a post, a DM). A write whose answer never came back
    may have been made, so it raises `OutcomeUnknown` and the sender looks before it retries.
    """
    try:
        yield
    except tweepy.TooManyRequests as error:
        retry_at = rate_limit_reset(error.response)
        raise RateLimited(f"X's rate limit is reached until {retry_at:%H:%M} UTC.", retry_at=retry_at) from error
    except tweepy.Unauthorized as error:
        raise TokenInvalid(f"X refused the account's credentials (401): {_message(error)}") from error
    except tweepy.TwitterServerError as error:
        # X has been seen to answer 503 to a post it did publish.
        failure = OutcomeUnknown if write else TemporaryFailure
        raise failure(f"X had an error ({error.response.status_code}): {_message(error)}") from error
    except tweepy.HTTPException as error:
        # 400, 403, 404 and the rest: X looked at the request and said no.
        raise Rejected(f"X refused: {_message(error)}") from error
    except requests.ConnectTimeout as error:
        raise TemporaryFailure("X could not be reached (connection timed out).") from error
    except requests.Timeout as error:
        failure = OutcomeUnknown if write else TemporaryFailure
        raise failure("X did not answer in time.") from error
    except requests.ConnectionError as error:
        # A connection dropped mid-exchange (ProtocolError) may have carried the request to X;
        # one that never opened (refused, DNS) did not.
        dropped = any(isinstance(arg, ProtocolError) for arg in error.args)
        failure = OutcomeUnknown if write and dropped else TemporaryFailure
        raise failure(f"The connection to X failed: {error}") from error
    except requests.RequestException as error:
        # The answer came but broke off or was not JSON: a write may have been made.
        failure = OutcomeUnknown if write else TemporaryFailure
        raise failure(f"X's answer could not be read: {error}") from error
    except tweepy.TweepyException as error:
        raise TemporaryFailure(f"X API call failed: {error}") from error


def rate_limit_reset(response) -> datetime:
    """When a 429 ends. X says so in epoch seconds: x-rate-limit-reset for the 15-minute window,
    x-user-limit-24hour-reset / x-app-limit-24hour-reset when a daily cap is what ran out."""
    headers = response.headers if response is not None else {}
    resets = []
    for prefix in ("x-user-limit-24hour", "x-app-limit-24hour", "x-rate-limit"):
        if headers.get(f"{prefix}-remaining") == "0" and headers.get(f"{prefix}-reset", "").isdigit():
            resets.append(int(headers[f"{prefix}-reset"]))
    if not resets and headers.get("x-rate-limit-reset", "").isdigit():
        resets.append(int(headers["x-rate-limit-reset"]))
    if resets:
        return datetime.fromtimestamp(max(resets), tz=UTC)
    return timezone.now() + DEFAULT_RATE_LIMIT_WAIT


def _message(error: tweepy.HTTPException) -> str:
    """X's own words (e.g. "You are not allowed to create a Tweet with duplicate content.")."""
    messages = [str(message) for message in error.api_messages if message]
    if messages:
        return " ".join(messages)
    return f"{error.response.status_code} {error.response.reason}".strip()
