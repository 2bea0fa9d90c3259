"""Slow clients against gunicorn, with and without the production stack's nginx in front.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/servicedesk \\
        .venv/bin/python bench/bench_slow_clients.py

Runs the same proxy configuration as docker-compose.yml's `proxy` service
(deploy/nginx/desk.conf.template, rendered as the nginx image renders it, wrapped in a
minimal nginx.conf like the image's) with a local nginx (Debian: `apt-get install nginx`),
in front of a local gunicorn started with gunicorn.conf.py, the production image's command,
on free ports picked at random; the certificate is a throwaway self-signed one. The app runs
with production settings (DEBUG off, HTTPS, ALLOWED_HOSTS=desk.example.org).

The attack (issue 10): --connections connections each send the head of a POST of the login
form with `Content-Length: 100000` and a few bytes of body, then one more byte every few seconds, so
nobody's read timeout ends them. While they hold, GET /healthz is timed. First through
nginx (it reads bodies itself: gunicorn never sees the slow connections), then straight at
gunicorn, as the old compose file published it (every sync worker waits on a slow body until
gunicorn's timeout kills it). Also runs the compose health check's own command against
gunicorn, with the production ALLOWED_HOSTS. Every process it starts is stopped at the end.
"""

import argparse
import contextlib
import datetime
import os
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "deploy" / "nginx" / "desk.conf.template"
HOST = "desk.example.org"

# The nginx image's nginx.conf, reduced to what a non-root-owned run needs; the server
# blocks are the template's, as the image includes them from conf.d/.
NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/desk.conf;
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))  # the kernel picks a free port at random
        return probe.getsockname()[1]


def render(template: str, values: dict[str, str]) -> str:
    """What the nginx image's envsubst does: ${NAME} for the variables it is given only."""
    for name, value in values.items():
        template = template.replace("${" + name + "}", value)
    assert "${DESK_" not in template, "a variable of the template was not given"
    return template


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def client_tls() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the throwaway certificate above
    return context


def connect(port: int, tls: bool, timeout: float) -> socket.socket:
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return client_tls().wrap_socket(raw, server_hostname=HOST) if tls else raw


def healthz(port: int, *, tls: bool, timeout: float = 90.0) -> float | None:
    """Seconds for GET /healthz to answer 200, or None when it did not within `timeout`."""
    started = time.perf_counter()
    try:
        with connect(port, tls, timeout) as conn:
            conn.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
    except OSError:
        return None
    if not answer.startswith(b"HTTP/1.1 200"):
        print(f"    /healthz answered {answer[:40]!r}")
        return None
    return time.perf_counter() - started


class SlowClients:
    """Connections that announce a 100,000-byte body, send a few bytes, then trickle."""

    def __init__(self, port: int, *, tls: bool, count: int, trickle_every: float = 4.0):
        self.port, self.tls, self.count, self.trickle_every = port, tls, count, trickle_every
        self.sockets: list[socket.socket] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._trickle, daemon=True)

    def __enter__(self) -> "SlowClients":
        # The login form: Django's CSRF check reads the form for its token, so the worker waits
        # for the body. Sent as a browser would through a TLS proxy (HTTPS, from the site's own
        # page, with a CSRF cookie), so no earlier check answers before the body is read.
        head = (
            f"POST /login/ HTTP/1.1\r\nHost: {HOST}\r\nX-Forwarded-Proto: https\r\n"
            f"Referer: https://{HOST}/login/\r\nCookie: csrftoken={'k' * 32}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
        ).encode()
        for _ in range(self.count):
            conn = connect(self.port, self.tls, timeout=10)
            conn.sendall(head + b"username=")
            self.sockets.append(conn)
        self.thread.start()
        return self

    def _trickle(self) -> None:
        while not self.stop.wait(self.trickle_every):
            for conn in self.sockets:
                with contextlib.suppress(OSError):  # the server gave up on this one: fine
                    conn.sendall(b"x")

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
        for conn in self.sockets:
            conn.close()


def summary(seconds: list[float | None]) -> str:
    answered = [s for s in seconds if s is not None]
    missing = len(seconds) - len(answered)
    if not answered:
        return f"no answer ({missing} timed out)"
    text = f"median {statistics.median(answered) * 1000:.1f} ms, max {max(answered) * 1000:.1f} ms"
    return text + (f", {missing} without an answer" if missing else "") + f" ({len(seconds)} requests)"


def timed_while(clients: SlowClients, port: int, *, tls: bool, probes: int, settle: float) -> list[float | None]:
    with clients:
        time.sleep(settle)  # the slow connections are in place and the workers have taken them
        results = []
        for _ in range(probes):
            results.append(healthz(port, tls=tls))
            time.sleep(0.5)
    return results


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(check, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise SystemExit(f"{what} did not come up within {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=0, help="slow connections (default: workers + 1)")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--probes", type=int, default=20, help="/healthz requests timed per scenario")
    args = parser.parse_args()

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("nginx is not installed (Debian: apt-get install nginx)")
    version = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr.strip()

    gunicorn_port, http_port, https_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH",
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "USE_HTTPS": "true",
        "STATIC_FROM_COLLECTSTATIC": "false",
        "TRUSTED_PROXY_COUNT": "1",
        "GUNICORN_BIND": f"127.0.0.1:{gunicorn_port}",
    }
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    workers = int(env.get("WEB_CONCURRENCY", os.cpu_count() * 2 + 1))
    connections = args.connections or workers + 1

    processes: list[tuple[subprocess.Popen, int]] = []
    with tempfile.TemporaryDirectory(prefix="desk-nginx-") as tmp_name:
        tmp = Path(tmp_name)
        os.chmod(tmp, 0o755)  # noqa: S103 - nginx's workers run as another user and write their temp files here
        cert, key = self_signed_certificate(tmp)
        values = {
            "DESK_SERVER_NAME": HOST,
            "DESK_UPSTREAM": f"127.0.0.1:{gunicorn_port}",
            "DESK_HTTP_PORT": f"127.0.0.1:{http_port}",
            "DESK_HTTPS_PORT": f"127.0.0.1:{https_port}",
            "DESK_TLS_CERTIFICATE": str(cert),
            "DESK_TLS_CERTIFICATE_KEY": str(key),
            "DESK_MAX_BODY_SIZE": "2m",
        }
        (tmp / "desk.conf").write_text(render(TEMPLATE.read_text(), values))
        (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp))
        try:
            gunicorn = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "servicedesk.wsgi:application"],
                cwd=REPO,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(tmp / "gunicorn.log", "w"),  # noqa: SIM115 - closed with the folder
            )
            processes.append((gunicorn, signal.SIGTERM))
            proxy = subprocess.Popen([nginx, "-c", str(tmp / "nginx.conf")], stderr=subprocess.DEVNULL)
            processes.append((proxy, signal.SIGQUIT))
            wait_for(lambda: healthz(gunicorn_port, tls=False, timeout=2) is not None, "gunicorn")
            wait_for(lambda: healthz(https_port, tls=True, timeout=2) is not None, "nginx")

            print(f"{version}; gunicorn with gunicorn.conf.py: {workers} sync workers, timeout 30 s")
            print(f"load average before: {os.getloadavg()[0]:.2f}; {connections} slow connections per attack")

            probe = (
                f"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{gunicorn_port}/healthz', timeout=5)"
            )
            check = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
            verdict = "passes" if check.returncode == 0 else f"fails: {check.stderr.strip().splitlines()[-1]}"
            print(f"compose health check (ALLOWED_HOSTS={HOST}, HTTPS on): {verdict}")

            quiet_proxy = [healthz(https_port, tls=True) for _ in range(args.probes)]
            quiet_direct = [healthz(gunicorn_port, tls=False) for _ in range(args.probes)]
            print(f"/healthz, no attack, through nginx:      {summary(quiet_proxy)}")
            print(f"/healthz, no attack, straight to gunicorn: {summary(quiet_direct)}")

            attacked = timed_while(
                SlowClients(https_port, tls=True, count=connections), https_port, tls=True, probes=args.probes, settle=2
            )
            print(f"/healthz during the attack on nginx:    {summary(attacked)}")

            # The old stack: gunicorn published. One probe: each waits for a worker to die.
            direct = timed_while(
                SlowClients(gunicorn_port, tls=False, count=connections), gunicorn_port, tls=False, probes=1, settle=2
            )
            print(f"/healthz during the attack on gunicorn itself: {summary(direct)}")
        finally:
            for process, sig in reversed(processes):
                stop(process, sig)
    print("stopped nginx and gunicorn")


if __name__ == "__main__":
    main()
