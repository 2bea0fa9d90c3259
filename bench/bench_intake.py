"""Single-event webhook intake through the production stack, with the broker up, down, or hung.

    createdb -h 127.0.0.1 -U postgres servicedesk_bench_social
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/servicedesk_bench_social
    export CELERY_BROKER_URL=redis://127.0.0.1:6379/5
    .venv/bin/python bench/bench_intake.py --seconds 15 --broker up closed hung
    .venv/bin/python bench/bench_intake.py --in-process --deliveries 300 --broker up closed hung

The stack is docker-compose.yml's, run locally as bench/bench_slow_clients.py runs it: nginx
(deploy/nginx/desk.conf.template, TLS with a throwaway certificate, `apt-get install nginx`) in
front of gunicorn started from gunicorn.conf.py with production settings (DEBUG off, HTTPS,
TRUSTED_PROXY_COUNT=1). `wrk` (`apt-get install wrk`) posts signed single-event X deliveries
over HTTPS, each a new mention (bench/bench_social.py's bodies), for --seconds per scenario:

- up:     the broker at CELERY_BROKER_URL (processing tasks are queued, no worker runs: this
          measures the door, not the desk);
- closed: CELERY_BROKER_URL pointing at a port where nothing listens (Redis killed);
- hung:   a server that accepts connections and never answers (Redis stuck).

Prints accepted events/s and wrk's latency percentiles per scenario. The database named must
contain "bench": its social and incident tables are emptied first.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_slow_clients as stack
import bench_social as social

from social.models import InboundEvent
from social.twitter.signature import sign

HOST = stack.HOST


@contextlib.contextmanager
def hung_redis():
    """Accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(256)
    listener.settimeout(0.2)
    stop = threading.Event()
    held = []

    def serve():
        while not stop.is_set():
            with contextlib.suppress(OSError):
                held.append(listener.accept()[0])

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


def broker_url(scenario: str, exit_stack: contextlib.ExitStack) -> str:
    if scenario == "up":
        return os.environ["CELERY_BROKER_URL"]
    if scenario == "closed":
        return f"redis://127.0.0.1:{stack.free_port()}/0"
    return exit_stack.enter_context(hung_redis())


def write_bodies(path: Path, count: int, offset: int) -> None:
    with path.open("w") as out:
        for n in range(offset + 1, offset + count + 1):
            body = json.dumps(social.tweet_payload(n)).encode()
            out.write(f"{sign(body=body, consumer_secret=social.SECRET)}\t{body.decode()}\n")


def run_scenario(scenario: str, args, tmp: Path, offset: int) -> str:
    gunicorn_port, https_port, http_port = stack.free_port(), stack.free_port(), stack.free_port()
    with contextlib.ExitStack() as exit_stack:
        env = {
            **os.environ,
            "DEBUG": "false",
            # The key this process encrypted the account's consumer secret with (bench_social).
            "SECRET_KEY": os.environ["SECRET_KEY"],
            "ALLOWED_HOSTS": HOST,
            "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
            "USE_HTTPS": "true",
            "STATIC_FROM_COLLECTSTATIC": "false",
            "TRUSTED_PROXY_COUNT": "1",
            "GUNICORN_BIND": f"127.0.0.1:{gunicorn_port}",
            "CELERY_BROKER_URL": broker_url(scenario, exit_stack),
            # The rate limits count in the broker's Redis by default; that is not what is measured.
            "RATELIMIT_CACHE_URL": "locmemcache://bench",
        }
        if args.workers:
            env["WEB_CONCURRENCY"] = str(args.workers)
        values = {
            "DESK_SERVER_NAME": HOST,
            "DESK_UPSTREAM": f"127.0.0.1:{gunicorn_port}",
            "DESK_HTTP_PORT": f"127.0.0.1:{http_port}",
            "DESK_HTTPS_PORT": f"127.0.0.1:{https_port}",
            "DESK_TLS_CERTIFICATE": str(tmp / "fullchain.pem"),
            "DESK_TLS_CERTIFICATE_KEY": str(tmp / "privkey.pem"),
            "DESK_MAX_BODY_SIZE": "2m",
        }
        (tmp / "desk.conf").write_text(stack.render(stack.TEMPLATE.read_text(), values))
        (tmp / "nginx.conf").write_text(stack.NGINX_CONF.format(tmp=tmp))
        log = open(tmp / f"gunicorn-{scenario}.log", "w")  # noqa: SIM115 - closed below
        exit_stack.callback(log.close)
        gunicorn = subprocess.Popen(
            [
                str(social.BIN / "gunicorn"),
                "servicedesk.wsgi:application",
                "--access-logfile",
                "-" if args.debug else "/dev/null",
            ],
            cwd=social.ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        exit_stack.callback(stack.stop, gunicorn, signal.SIGTERM)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        proxy = subprocess.Popen([nginx, "-c", str(tmp / "nginx.conf")], stderr=subprocess.DEVNULL)
        exit_stack.callback(stack.stop, proxy, signal.SIGQUIT)
        # Five workers each loading Django: on two cores busy with other work that takes well over 30 s.
        stack.wait_for(lambda: stack.healthz(gunicorn_port, tls=False, timeout=2) is not None, "gunicorn", timeout=180)
        stack.wait_for(lambda: stack.healthz(https_port, tls=True, timeout=2) is not None, "nginx")

        bodies = tmp / f"bodies-{scenario}.tsv"
        write_bodies(bodies, args.bodies, offset)
        script = tmp / "post.lua"
        # The production ALLOWED_HOSTS: the deliveries name the desk's host, as X's would.
        script.write_text(
            social.WRK_SCRIPT.replace(
                '["Content-Type"] = "application/json",', f'["Host"] = "{HOST}", ["Content-Type"] = "application/json",'
            )
        )

        def fire(seconds: int, bodies: Path) -> subprocess.CompletedProcess:
            return subprocess.run(
                [
                    "wrk",
                    "-t",
                    "2",
                    "-c",
                    str(args.connections),
                    "-d",
                    f"{seconds}s",
                    "--latency",
                    "-s",
                    str(script),
                    f"https://127.0.0.1:{https_port}",
                    "--",
                    str(bodies),
                ],
                capture_output=True,
                text=True,
                check=True,
            )

        if args.warmup:
            # gunicorn answers /healthz as soon as one worker has booted; the others may still be
            # loading Django, and each worker's first deliveries read the accounts' secrets. Not
            # what is measured: deliveries of their own (other ids) until every worker serves.
            warmup_bodies = tmp / f"warmup-{scenario}.tsv"
            write_bodies(warmup_bodies, 5_000, offset + 5_000_000)
            fire(args.warmup, warmup_bodies)
        before = InboundEvent.objects.count()
        started = time.monotonic()
        result = fire(args.seconds, bodies)
        elapsed = time.monotonic() - started
        if args.debug:
            print(result.stdout)
            print((tmp / f"gunicorn-{scenario}.log").read_text()[-1500:])
        stored = InboundEvent.objects.count() - before
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", result.stdout, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    errors = re.search(r"Socket errors: .*", result.stdout)
    workers = env.get("WEB_CONCURRENCY", str(os.cpu_count() * 2 + 1))
    return (
        f"broker {scenario:6}: {stored / args.seconds:7,.0f} events/s stored ({stored:,} in {elapsed:.0f} s), "
        f"p50 {latency.get('50')}, p90 {latency.get('90')}, p99 {latency.get('99')}; "
        f"non-2xx {non_2xx.group(1) if non_2xx else 0}{'; ' + errors.group(0) if errors else ''}; "
        f"gunicorn {workers} workers, {args.connections} connections; load average {os.getloadavg()[0]:.1f}"
    )


def in_process(scenario: str, args, offset: int) -> str:
    """The same deliveries through Django's whole request path in this process (middleware,
    view, INSERT, COMMIT, then the publish on commit), one at a time: each delivery's own
    answer time, without nginx, gunicorn or wrk sharing the cores."""
    import statistics

    from django.test import Client

    from servicedesk.celery import app as celery_app
    from social.inbox import store

    with contextlib.ExitStack() as exit_stack:
        url = broker_url(scenario, exit_stack)
        celery_app.conf.update(task_always_eager=False, broker_url=url, broker_write_url=url)
        celery_app._after_fork()  # forget pools made for another URL
        store._broker_down_until = 0.0
        client = Client(HTTP_HOST="127.0.0.1")
        times = []
        for n in range(offset + 1, offset + args.deliveries + 1):
            body = json.dumps(social.tweet_payload(n)).encode()
            signature = sign(body=body, consumer_secret=social.SECRET)
            started = time.perf_counter()
            response = client.post(
                "/social/webhooks/twitter/",
                data=body,
                content_type="application/json",
                headers={"x-twitter-webhooks-signature": signature},
            )
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.content
    times.sort()
    return (
        f"broker {scenario:6}, in process: {len(times)} deliveries one after another, "
        f"p50 {statistics.median(times) * 1000:.1f} ms, p99 {times[int(len(times) * 0.99)] * 1000:.1f} ms, "
        f"max {times[-1] * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--broker", nargs="+", choices=["up", "closed", "hung"], default=["up", "closed", "hung"])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=10, help="seconds of deliveries before the measured ones")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--bodies", type=int, default=60_000)
    parser.add_argument("--debug", action="store_true", help="print wrk's output and gunicorn's log")
    parser.add_argument("--in-process", action="store_true", help="time each delivery in this process instead")
    parser.add_argument("--deliveries", type=int, default=300, help="with --in-process")
    args = parser.parse_args()
    if not os.environ.get("CELERY_BROKER_URL"):
        sys.exit("Set CELERY_BROKER_URL (Redis).")
    for tool in ("nginx", "wrk"):
        if not (shutil.which(tool) or Path(f"/usr/sbin/{tool}").exists()):
            sys.exit(f"{tool} is not installed (Debian: apt-get install {tool})")
    social.reset()
    if args.in_process:
        for index, scenario in enumerate(args.broker):
            print(in_process(scenario, args, offset=(index + 1) * 10_000_000), flush=True)
        return
    print(subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip(), "in front of gunicorn")
    with tempfile.TemporaryDirectory(prefix="desk-intake-") as tmp_name:
        tmp = Path(tmp_name)
        os.chmod(tmp, 0o755)  # noqa: S103 - nginx's workers run as another user and write their temp files here
        stack.self_signed_certificate(tmp)
        for index, scenario in enumerate(args.broker):
            print(run_scenario(scenario, args, tmp, offset=index * args.bodies * 10), flush=True)


if __name__ == "__main__":
    main()
