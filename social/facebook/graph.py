"""The one way this project talks to Facebook's Graph API.

Why a client of our own: the `facebook-sdk` package on PyPI accepts only Graph API versions
2.8 to 3.1 — all long retired by Facebook — and is no longer maintained, and Meta's
`facebook-business` SDK is built for the Marketing API. What a service desk needs is a
handful of calls (read a page's feed and comments, comment, send a Messenger message), so
they go through this small client on `requests`, and nothing else in the code base builds a
Graph URL.

Why the version is pinned: every Graph call names a version (`/v25.0/...`), and Facebook
changes fields, permissions and error codes between versions, retiring each about two years
after the next. A pinned version (`FACEBOOK_GRAPH_VERSION`, default in settings) means the
payloads we parse are the ones we tested; moving to a new version is a deliberate change of
one setting, checked against Facebook's changelog, never a surprise.

Every request carries `appsecret_proof` (HMAC-SHA256 of the access token keyed with the app
secret) when the app secret is known, so a leaked page token alone is useless to anyone
calling from elsewhere ("Require App Secret" in the app's settings).

Errors become `social.errors`: rate limits → `RateLimited` (with when to try again), an
expired or revoked token → `TokenInvalid`, a refusal → `Rejected` with Graph's message,
5xx and network failures → `TemporaryFailure`, a timeout after the request went out →
`OutcomeUnknown`.
"""

import hashlib
import hmac
import json
import logging
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
from django.conf import settings
from django.utils import timezone

from ..errors import OutcomeUnknown, RateLimited, Rejected, TemporaryFailure, TokenInvalid

logger = logging.getLogger(__name__)

GRAPH_URL = "https://graph.facebook.com"
# 4 app, 17 user, 32 page, 613 custom (Messenger) rate limits; 80000–80014 business use case limits.
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80000, 80015)})
# 190: access token expired, revoked or invalid (OAuthException); 102: session expired.
TOKEN_CODES = frozenset({102, 190})
# 1 unknown error, 2 service temporarily unavailable: Facebook says to retry.
TRANSIENT_CODES = frozenset({1, 2})
USAGE_HEADERS = ("X-Business-Use-Case-Usage", "X-App-Usage", "X-Page-Usage")
RATE_LIMIT_WAIT = timedelta(minutes=15)
# What some refusals mean, in words an agent can act on.
EXPLANATIONS = {
    (10, 2018278): "Messenger only allows an answer within 24 hours of the person's last message.",
    (551, None): "This person cannot be reached on Messenger right now.",
}


def appsecret_proof(*, access_token: str, app_secret: str) -> str:
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()


class GraphClient:
    """`GraphClient(token, app_secret=...).get("123/feed", fields="id,message")`.

    `version` defaults to `settings.FACEBOOK_GRAPH_VERSION`, read when the client is made.
    """

    def __init__(
        self,
        access_token: str,
        *,
        app_secret: str | None = None,
        version: str | None = None,
        timeout: float = 10,
    ):
        self.access_token = access_token
        self.app_secret = app_secret or None
        self.version = version or settings.FACEBOOK_GRAPH_VERSION
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "social-service-desk"

    def __enter__(self) -> "GraphClient":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def url(self, path: str) -> str:
        parts = path.strip("/").split("/")
        if any(part in ("", ".", "..") or "?" in part or "#" in part for part in parts):
            raise Rejected(f"Not a Graph API path: {path!r}")
        return f"{GRAPH_URL}/{self.version}/{'/'.join(parts)}"

    def get(self, path: str, **params: Any) -> dict:
        return self._request("GET", path, params)

    def post(self, path: str, **data: Any) -> dict:
        return self._request("POST", path, data)

    def get_next(self, next_url: str) -> dict:
        """Follow a `paging.next` link, with our own version, token and proof: the link is
        only trusted for its path and its cursor."""
        parts = urlsplit(next_url)
        if parts.scheme != "https" or parts.netloc != urlsplit(GRAPH_URL).netloc:
            raise Rejected(f"Facebook gave a paging link outside the Graph API: {parts.netloc or next_url!r}")
        path = parts.path.strip("/")
        first, _, rest = path.partition("/")
        if first.startswith("v") and first[1:].replace(".", "").isdigit():
            path = rest  # drop the version Facebook wrote in; ours is added back
        params = {k: v for k, v in parse_qsl(parts.query) if k not in ("access_token", "appsecret_proof")}
        return self.get(path, **params)

    def _request(self, method: str, path: str, values: dict[str, Any]) -> dict:
        url = self.url(path)
        values = {key: _encode(value) for key, value in values.items()}
        values["access_token"] = self.access_token
        if self.app_secret:
            values["appsecret_proof"] = appsecret_proof(access_token=self.access_token, app_secret=self.app_secret)
        # The token goes in the body of a POST, in the query of a GET (as Facebook documents);
        # no error message below repeats the URL, so it never reaches a log.
        try:
            if method == "GET":
                response = self.session.get(url, params=values, timeout=self.timeout)
            else:
                response = self.session.post(url, data=values, timeout=self.timeout)
        except requests.ConnectTimeout as error:
            raise TemporaryFailure("Facebook could not be reached (connection timed out).") from error
        except requests.Timeout as error:
            raise OutcomeUnknown(
                f"Facebook did not answer within {self.timeout:g} s; the request may have been carried out."
            ) from error
        except requests.RequestException as error:
            raise TemporaryFailure(f"Facebook could not be reached ({type(error).__name__}).") from error
        return _result(response, method=method, path=path)


def _encode(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _result(response: requests.Response, *, method: str, path: str) -> dict:
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    if 200 <= status < 300:
        if not isinstance(body, dict):
            # Carried out, but we cannot tell what came of it.
            raise OutcomeUnknown(f"Facebook answered {method} {path} with HTTP {status} but no JSON object.")
        return body

    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    code, subcode = _int(error.get("code")), _int(error.get("error_subcode"))
    message = str(error.get("message") or f"HTTP {status}")
    reference = f" (Graph error {code}{f'/{subcode}' if subcode else ''})" if code is not None else ""
    explanation = EXPLANATIONS.get((code, subcode)) or EXPLANATIONS.get((code, None))
    detail = f"{explanation} Facebook said: {message}{reference}" if explanation else f"{message}{reference}"
    logger.info("Graph %s %s: HTTP %s%s %s", method, path, status, reference, message)

    if status == 429 or code in RATE_LIMIT_CODES:
        raise RateLimited(f"Facebook rate limit: {message}{reference}", retry_at=_retry_at(response))
    if code in TOKEN_CODES or (status == 401 and code is None):
        raise TokenInvalid(f"The Facebook page token is expired or revoked: {message}{reference}")
    if status >= 500 or code in TRANSIENT_CODES or error.get("is_transient") is True:
        raise TemporaryFailure(f"Facebook failed (HTTP {status}): {message}{reference}")
    if 400 <= status < 500:
        raise Rejected(detail)
    raise TemporaryFailure(f"Facebook answered HTTP {status}.")


def _retry_at(response: requests.Response) -> datetime:
    """When Facebook says access comes back (`estimated_time_to_regain_access`, minutes, in
    the usage headers), else Retry-After, else in 15 minutes."""
    now = timezone.now()
    minutes = 0.0
    for header in USAGE_HEADERS:
        try:
            usage = json.loads(response.headers.get(header) or "null")
        except ValueError:
            continue
        minutes = max(minutes, *_regain_times(usage), 0.0)
    if minutes > 0:
        return now + timedelta(minutes=minutes)
    retry_after = response.headers.get("Retry-After", "")
    if retry_after.isdigit() and int(retry_after) > 0:
        return now + timedelta(seconds=int(retry_after))
    return now + RATE_LIMIT_WAIT


def _regain_times(usage: Any) -> list[float]:
    # X-App-Usage is a flat object; X-Business-Use-Case-Usage maps business ids to lists.
    if isinstance(usage, list):
        return [time for item in usage for time in _regain_times(item)]
    if isinstance(usage, dict):
        times = [time for value in usage.values() for time in _regain_times(value)]
        value = usage.get("estimated_time_to_regain_access")
        if isinstance(value, int | float) and not isinstance(value, bool):
            times.append(float(value))
        return times
    return []


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
