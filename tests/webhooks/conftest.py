"""A real HTTP receiver on 127.0.0.1, and a subscription to every event type posting to it,
for the webhook tests of the API and of delivery."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webhooks import services as webhook_services


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers each POST with the next status of `statuses` (then 200) and keeps what it got."""

    url: str
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0  # seconds to wait before answering

    def wait_for(self, count: int, *, timeout: float) -> bool:
        """Wait until `count` requests arrived (a worker in another process sends them)."""
        deadline = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return len(self.requests) >= count


@pytest.fixture
def receiver():
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append(Received(self.path, dict(self.headers), body))
            time.sleep(state.delay)
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"thanks" if status < 300 else b"try later")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/desk"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def local_targets_allowed(settings):
    """The receiver lives on the loopback address, which webhooks refuse by default."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


SECRET = "a-very-secret-webhook-key-0123456789"


@pytest.fixture
def subscription(db, receiver, local_targets_allowed, manager):
    return webhook_services.webhook_subscription_create(
        target_url=receiver.url,
        events=["incident.created", "incident.updated", "comment.created", "problem.updated"],
        secret=SECRET,
        actor=manager,
    )
