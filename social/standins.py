"""Stand-ins for the polled platforms: small local servers speaking a platform's API, for the
simulator (`simulate_social`, so `make run` shows their messages arriving) and the benchmarks.

The desk reaches a polled platform by asking it what is new: to show that without an external
account, a platform's subpackage may offer a `standin` module whose `StandIn` serves the calls
its client makes (reading notifications, posting answers) from memory, makes up realistic
messages on demand (`next`), and points a demo account at itself. This module is the shared
part: the HTTP server, the discovery by the registry, and the demo people and their words.
It names no platform.
"""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import import_module
from importlib.util import find_spec
from random import Random
from urllib.parse import parse_qs, urlsplit

from . import platforms
from .models import SocialAccount

logger = logging.getLogger(__name__)


class StandIn:
    """One platform's stand-in server. Subclasses implement `handle`, `next`, `pending` and
    `ensure_demo_account`; `start` serves them on a free local port."""

    channel = ""

    def __init__(self, *, seed: int | None = None):
        self.random = Random(seed)
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.base_url = ""

    # --- what each platform's stand-in does ---------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, list[str]], headers, body: bytes) -> tuple[int, object]:
        """(HTTP status, JSON answer) of one request."""
        raise NotImplementedError

    def next(self) -> str:
        """Make up one message to the desk; the kind of message ("mention", "reply"...)."""
        raise NotImplementedError

    def mention(self, text: str) -> str:
        """A new message naming the desk, with `text`, from one of the demo people; its
        platform id (the benchmarks time it until its incident shows)."""
        raise NotImplementedError

    def pending(self) -> int:
        """Messages made up that the desk has not read yet."""
        raise NotImplementedError

    def ensure_demo_account(self) -> SocialAccount:
        """The demo account, pointed at this server, polling on. Idempotent."""
        raise NotImplementedError

    # --- serving --------------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, method: str) -> None:
                parts = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    with standin.lock:
                        status, answer = standin.handle(method, parts.path, parse_qs(parts.query), self.headers, body)
                except Exception as error:  # a stand-in's bug is a 500, as a platform's would be
                    logger.exception("%s stand-in failed on %s %s", standin.channel, method, self.path)
                    status, answer = 500, {"error": str(error)}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._answer("GET")

            def do_POST(self):
                self._answer("POST")

            def do_PUT(self):
                self._answer("PUT")

            def log_message(self, format, *args):
                logger.debug("%s stand-in: " + format, standin.channel, *args)

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, name=f"{self.channel}-standin", daemon=True).start()
        self.base_url = f"http://{host}:{self.server.server_address[1]}"
        return self.base_url

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def standins(*, seed: int | None = None) -> list[StandIn]:
    """A stand-in for every registered platform that is polled and whose subpackage has one."""
    found = []
    for platform in platforms.registered():
        package = platform.implementation.rsplit(".", 1)[0]
        if not platform.capabilities.polling or find_spec(f"{package}.standin") is None:
            continue
        found.append(import_module(f"{package}.standin").StandIn(seed=seed))
    return found


def form_or_json(body: bytes, headers) -> dict:
    """A request body, form-encoded or JSON, as a flat dict (the last value of each key)."""
    if "json" in (headers.get("Content-Type") or ""):
        data = json.loads(body or b"{}")
        return data if isinstance(data, dict) else {}
    return {key: values[-1] for key, values in parse_qs(body.decode()).items()}
