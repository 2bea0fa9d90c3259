"""Reading request bodies (servicedesk.request_body) against a live gunicorn, as the production
image runs it (gunicorn.conf.py, sync workers) without nginx in front: raw sockets send what
a broken or hostile client sends. tests/social/inbox/test_receive.py covers the same at the
WSGI layer; nginx, in front in production, reads bodies whole before gunicorn sees them
(deploy/nginx/desk.conf.template: client_body_timeout 10 s, client_max_body_size)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parent.parent.parent
READ_TIMEOUT = 1.0  # SOCIAL_WEBHOOK_READ_TIMEOUT of the server under test
WEBHOOK = "/social/webhooks/twitter/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    """One gunicorn sync worker: the worst case, where one held request holds the server."""
    with django_db_blocker.unblock():
        database = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH",
        "ALLOWED_HOSTS": "127.0.0.1",
        "USE_HTTPS": "false",
        "STATIC_FROM_COLLECTSTATIC": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "SOCIAL_WEBHOOK_READ_TIMEOUT": str(READ_TIMEOUT),
    }
    if database["ENGINE"].endswith("postgresql"):
        host, port_number = database["HOST"] or "127.0.0.1", database["PORT"] or "5432"
        env["DATABASE_URL"] = f"postgres://{database['USER']}@{host}:{port_number}/{database['NAME']}"
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "servicedesk.wsgi:application"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if exchange(port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", timeout=2).startswith(
                    b"HTTP/1.1 200"
                ):
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not come up within 30 s")
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def exchange(port: int, request: bytes, *, timeout: float = 10) -> bytes:
    """Send `request`, keep the connection open, and return the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
        return answer


def head(length_header: str) -> bytes:
    return (
        f"POST {WEBHOOK} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"X-Twitter-Webhooks-Signature: sha256=AAAA\r\n{length_header}\r\n\r\n"
    ).encode()


def test_a_body_shorter_than_announced_frees_the_worker_after_the_read_timeout(server):
    started = time.perf_counter()
    answer = exchange(server, head("Content-Length: 100000") + b'{"for_user_id": "1')
    elapsed = time.perf_counter() - started
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    assert b"did not arrive whole" in answer
    # gunicorn's own timeout (30 s) would have been the end of it before; the margin is for a
    # busy CI machine (4.4 s was seen at a load average of 12 on two cores).
    assert READ_TIMEOUT <= elapsed < READ_TIMEOUT + 9


def test_the_only_worker_serves_others_once_a_stalled_body_is_given_up(server):
    stalled = socket.create_connection(("127.0.0.1", server), timeout=10)
    try:
        stalled.sendall(head("Content-Length: 100000") + b"{")
        time.sleep(0.2)  # the worker has taken it
        started = time.perf_counter()
        answer = exchange(server, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 200")
        assert time.perf_counter() - started < READ_TIMEOUT + 3
    finally:
        stalled.close()


def test_a_chunked_body_over_a_megabyte_is_a_413(server):
    chunk = b"x" * 65536
    body = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(17)) + b"0\r\n\r\n"
    answer = exchange(server, head("Transfer-Encoding: chunked") + body)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
