"""Signing and sending webhook POSTs, never to a private address.

A webhook URL is chosen by a user, so the desk must not become a way to reach the
machines behind it (SSRF). `validate_target_url` refuses internal URLs when a subscription
is saved (IP literals, localhost, names that resolve to a non-public address); the real
guard is at connection time: the host name is resolved once, every address it resolves to
must be public, and the socket connects to that checked address, so a DNS answer that
changes between check and use (rebinding) gains nothing.
Redirects are not followed and proxies from the environment are ignored, for the same
reason. WEBHOOK_ALLOW_PRIVATE_TARGETS turns the guard off (a desk whose receivers live
on its own network, or a test's local receiver).
"""

import hashlib
import hmac
import ipaddress
import re
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

SIGNATURE_HEADER = "X-ServiceDesk-Signature"
USER_AGENT = "SocialServiceDesk-Webhooks/1"


def sign(secret: str, body: bytes) -> str:
    """The X-ServiceDesk-Signature value: sha256=<hex HMAC-SHA256(secret, raw body)>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def validate_target_url(url: str) -> None:
    """Refuse a URL that is not http(s) or that plainly names an internal host.

    Names are not resolved here (a name may resolve differently by the time we send; the
    connection-time check decides), but an IP literal or `localhost` is judged at once."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
    if host is None or parts.scheme not in ("http", "https"):
        raise ValidationError({"target_url": "Give an http:// or https:// URL with a host name."})
    if parts.username or parts.password:
        raise ValidationError({"target_url": "Put no credentials in the URL: the signature authenticates us."})
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        return
    host = host.rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        raise ValidationError({"target_url": "Webhooks cannot target this machine."})
    try:
        public = is_public_address(host)
    except ValueError:
        _refuse_private_name(host, parts)
        return
    if not public:
        raise ValidationError({"target_url": "Webhooks cannot target a private, loopback or reserved address."})


def _refuse_private_name(host: str, parts) -> None:
    """A name that resolves, now, to a non-public address is refused at once (the
    subscriber learns it when subscribing, not from failed deliveries). A name that does not
    resolve yet is accepted: the connection-time check judges it on every delivery."""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        return
    for address in dict.fromkeys(info[4][0] for info in infos):
        if not is_public_address(address):
            raise ValidationError(
                {"target_url": f"Webhooks cannot target {host}: it resolves to {address}, a non-public address."}
            )


class BlockedAddress(NewConnectionError):
    """The target resolved to an address webhooks may not reach."""


class _GuardedConnectionMixin:
    def _new_conn(self):
        try:
            infos = socket.getaddrinfo(self._dns_host, self.port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise NameResolutionError(self.host, self, error) from error
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        if not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
            for address in addresses:
                if not is_public_address(address):
                    raise BlockedAddress(self, f"blocked: {self.host} resolves to {address}, a non-public address")
        last_error: OSError | None = None
        for address in addresses:
            try:
                return urllib3_connection.create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except OSError as error:
                last_error = error
        raise NewConnectionError(self, f"Failed to establish a new connection: {last_error}")


class _GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


class _GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPConnectionPool,
            "https": _GuardedHTTPSConnectionPool,
        }


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment: the guard must see the real peer
    adapter = _GuardedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@dataclass(frozen=True)
class PostResult:
    status_code: int | None
    error: str
    response_excerpt: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(url: str, *, body: bytes, headers: dict[str, str]) -> PostResult:
    """POST `body` once; report the status code or what went wrong, never raise."""
    started = time.monotonic()
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    status_code, error, excerpt = None, "", ""
    try:
        with _session() as session:
            response = session.post(
                url,
                data=body,
                headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
                timeout=(min(5, timeout), timeout),
                allow_redirects=False,
                stream=True,
            )
            with response:
                status_code = response.status_code
                excerpt = response.raw.read(500, decode_content=True).decode("utf-8", "replace")
        if 300 <= status_code < 400:
            error = "redirect not followed"
    except requests.RequestException as exc:
        error = _blocked_reason(exc) or f"{type(exc).__name__}: {_root_cause(exc)}"
    return PostResult(
        status_code=status_code,
        error=error[:500],
        response_excerpt=excerpt[:500],
        duration_ms=int((time.monotonic() - started) * 1000),
    )


def _blocked_reason(exc: BaseException) -> str:
    """Find a BlockedAddress in the chain requests and urllib3 wrap it in."""
    seen = set()
    pending = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, BlockedAddress):
            text = str(current)
            return text[text.find("blocked:") :] if "blocked:" in text else text
        pending.extend([current.__cause__, current.__context__, getattr(current, "reason", None)])
        pending.extend(arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException))
    return ""


def _root_cause(exc: requests.RequestException) -> str:
    """'Failed to establish a new connection: [Errno 111] Connection refused', without the
    pool and connection objects requests and urllib3 wrap it in."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return re.sub(r"^\w*Connection(Pool)?\([^)]*\): ", "", str(reason or exc))
