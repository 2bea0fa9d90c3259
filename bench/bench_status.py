"""The public status page under load, and how soon subscribers hear of a state change.

    createdb -h 127.0.0.1 -U postgres sd_status_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sd_status_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/11 \\
        .venv/bin/python bench/bench_status.py --services 30 --subscribers 1000

1. Data: migrates the database, makes --services active services with 90 days of state
   history, open major incidents and problems on some, 200 published status broadcasts,
   20 upcoming changes.
2. The page under load: gunicorn (gunicorn.conf.py, production settings: DEBUG off, HTTPS
   behind a proxy, so requests carry X-Forwarded-Proto) on a free port; --clients threads
   request /status/ (and a share of /status/feed/) as fast as they can for --seconds; every
   request's latency is kept and the percentiles printed. The first request after a state
   change renders (cache miss); its time is measured apart, in-process.
3. State change → e-mails: --subscribers confirmed subscribers (half to the service, half to
   every service); a Celery worker (the real one, on CELERY_BROKER_URL) with the file e-mail
   backend; a major incident is raised on the service, and the time from its commit until
   every message is handed to the mail backend (written by it) is printed.
Every process it starts is stopped at the end.
"""

import argparse
import concurrent.futures
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_django(mail_dir: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    os.environ["EMAIL_URL"] = f"filemail:///{mail_dir}"
    import django

    django.setup()


def make_data(*, services: int) -> None:
    from datetime import timedelta

    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.utils import timezone

    from broadcasts import services as broadcasts
    from broadcasts.changes import change_create
    from broadcasts.models import Broadcast
    from status.models import StateChange
    from tickets import services as tickets
    from tickets.models import Contact, Service

    call_command("migrate", verbosity=0)
    agent, _ = User.objects.get_or_create(username="bench-agent")
    agent.groups.add(Group.objects.get(name="agent"))
    manager, _ = User.objects.get_or_create(username="bench-manager")
    manager.groups.add(Group.objects.get(name="manager"))
    if Service.objects.filter(name__startswith="Bench service").count() >= services:
        return
    now = timezone.now()
    made = [Service.objects.get_or_create(name=f"Bench service {n:02d}")[0] for n in range(services)]
    reporter = Contact.objects.create(name="Bench reporter")
    for n, service in enumerate(made):
        for day in range(0, 90, 7 + n % 5):
            start = now - timedelta(days=day, hours=n % 7)
            StateChange.objects.create(service=service, state="degraded", previous="operational", at=start)
            StateChange.objects.create(
                service=service, state="operational", previous="degraded", at=start + timedelta(hours=2)
            )
        if n % 6 == 0:
            tickets.incident_create(reporter=reporter, title="Down", service=service, major=True, actor=agent)
        if n % 4 == 1:
            tickets.problem_create(title="Slow", service=service, actor=agent)
    for n in range(200):
        broadcast = broadcasts.broadcast_create(
            by=agent,
            kind=["outage", "resolved", "maintenance", "news"][n % 4],
            text=f"Bench update {n}: the service had a problem and we told everyone about it here.",
            channels=["status"],
            services=[made[n % len(made)]],
        )
        broadcasts.broadcast_submit(broadcast=broadcast, by=agent)
        broadcasts.broadcast_approve(broadcast=broadcast, by=manager)
        broadcasts.broadcast_publish(broadcast_id=broadcast.pk, now=now - timedelta(hours=n * 10))
    Broadcast.objects.update(created_at=now - timedelta(days=1))
    for n in range(20):
        start = now + timedelta(days=n + 1)
        change = change_create(
            by=agent, title=f"Bench change {n}", planned_start=start, planned_end=start + timedelta(hours=2)
        )
        change.services.set(made[n % len(made) : n % len(made) + 2])


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def load(*, clients: int, seconds: float, env: dict) -> None:
    import requests

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(REPO / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "servicedesk.wsgi",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    try:
        for _ in range(200):
            try:
                if requests.get(f"{base}/status/", headers=headers, timeout=30).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                # The kernel accepts connections as soon as gunicorn listens; an answer waits for a
                # worker to have loaded Django, which on busy cores takes longer than the timeout.
                time.sleep(0.1)
        else:
            raise SystemExit(f"gunicorn did not answer: {server.stderr.read().decode()[-2000:]}")
        # Until every worker serves: one answering is not the five the measurement meets.
        warm_until = time.monotonic() + 60
        while time.monotonic() < warm_until:
            with concurrent.futures.ThreadPoolExecutor(clients) as pool:
                answers = list(
                    pool.map(lambda _: requests.get(f"{base}/status/", headers=headers, timeout=30).elapsed, range(20))
                )
            if max(answers).total_seconds() < 0.5:
                break
        times: dict[str, list[float]] = {"/status/": [], "/status/feed/": []}
        errors = []
        stop = time.monotonic() + seconds

        def client(n: int) -> None:
            session = requests.Session()
            i = 0
            while time.monotonic() < stop:
                path = "/status/feed/" if (i + n) % 10 == 0 else "/status/"
                started = time.perf_counter()
                response = session.get(f"{base}{path}", headers=headers, timeout=10)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    errors.append(response.status_code)
                times[path].append(elapsed)
                i += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        total = sum(len(v) for v in times.values())
        print(
            f"\nLoad: {clients} clients for {seconds:.0f} s against gunicorn "
            f"({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}): {total} requests, "
            f"{total / seconds:.0f}/s, {len(errors)} errors"
        )
        print("| path | requests | median ms | p95 ms | p99 ms |")
        print("|---|---|---|---|---|")
        for path, values in times.items():
            if values:
                print(
                    f"| {path} | {len(values)} | {statistics.median(values):.1f} | {percentile(values, 95):.1f} | "
                    f"{percentile(values, 99):.1f} |"
                )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def render_cold(repeat: int = 20) -> None:
    from django.core.cache import cache
    from django.test import Client

    from status.services import page_changed

    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    values = []
    for _ in range(repeat):
        page_changed()
        cache.clear()
        started = time.perf_counter()
        assert client.get("/status/", secure=True).status_code == 200
        values.append((time.perf_counter() - started) * 1000)
    print(
        f"\nCache miss (a render after a state change), in-process, {repeat} renders: "
        f"median {statistics.median(values):.1f} ms, p95 {percentile(values, 95):.1f} ms"
    )
    warm = []
    for _ in range(500):
        started = time.perf_counter()
        assert client.get("/status/", secure=True).status_code == 200
        warm.append((time.perf_counter() - started) * 1000)
    print(
        f"Cache hit, in-process, 500 requests: median {statistics.median(warm):.2f} ms, "
        f"p95 {percentile(warm, 95):.2f} ms, p99 {percentile(warm, 99):.2f} ms"
    )


def state_change_to_mail(*, subscribers: int, mail_dir: str, env: dict) -> None:
    from django.db import transaction
    from django.utils import timezone

    from status.models import Subscriber
    from status.services import state_changes_record
    from tickets import services as tickets
    from tickets.models import Contact, Service

    # A service of its own each run: an earlier run's major incident would leave nothing to change.
    service = Service.objects.create(name=f"Bench mailed service {time.time():.0f}")
    Subscriber.objects.filter(email__startswith="bench-").delete()
    now = timezone.now()
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=f"bench-{n}@example.org", service=service if n % 2 else None, created_at=now, confirmed_at=now
            )
            for n in range(subscribers)
        ]
    )
    state_changes_record()  # the state as it is, before the change
    expected = subscribers  # everybody: half subscribed to the service, half to every service
    # The worker's log to a file: a pipe nobody reads fills up and stops the worker mid-task.
    worker_log = open(Path(mail_dir).parent / "status-bench-worker.log", "w")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "servicedesk",
            "worker",
            "--concurrency=2",
            "--loglevel=warning",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=REPO,
        env=env,
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    try:
        subprocess.run(
            [sys.executable, "-m", "celery", "-A", "servicedesk", "purge", "-f"],
            cwd=REPO,
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # tasks an earlier run left behind
        time.sleep(10)  # the worker connects
        for path in Path(mail_dir).glob("*"):
            path.unlink()
        from servicedesk.celery import app

        app.conf.task_always_eager = False
        with transaction.atomic():
            tickets.incident_create(
                reporter=Contact.objects.create(name="Bench"), title="Down", service=service, major=True, actor=None
            )
        committed = time.perf_counter()
        deadline = committed + 120
        handed = 0
        while time.perf_counter() < deadline:
            handed = sum(p.read_text(errors="replace").count("\nSubject: ") for p in Path(mail_dir).glob("*"))
            if handed >= expected:
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - committed
        print(
            f"\nState change → e-mails: {handed} of {expected} messages handed to the mail backend "
            f"{elapsed:.2f} s after the incident's commit (a real worker; target: within 60 s)"
        )
        if handed < expected:
            print(f"The worker's log ({worker_log.name}):\n{Path(worker_log.name).read_text()[-3000:]}")
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        worker_log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", type=int, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--load", action="store_true", help="also the load test through gunicorn")
    args = parser.parse_args()
    mail_dir = tempfile.mkdtemp(prefix="status-bench-mail-")
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-" + "x" * 40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Static files from the app's folders (WhiteNoise's finders), not a collected manifest:
        # the page's HTML is what is measured, its CSS is not fetched.
        "STATIC_FROM_COLLECTSTATIC": "false",
        # Four slashes: django-environ drops the first of an absolute path (three wrote the messages
        # under the checkout, relative, and the run counted 0 of 1,000 in a folder that stayed empty).
        # The file backend: each message written when handed over. Four slashes: django-environ drops
        # the first of an absolute path (with three, messages went under the checkout, relatively,
        # and the earlier run counted 0 of 1,000 in a folder that stayed empty).
        "EMAIL_URL": f"filemail:///{mail_dir}",
    }
    os.environ.update({k: env[k] for k in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "STATIC_FROM_COLLECTSTATIC")})
    setup_django(mail_dir)
    started = time.perf_counter()
    make_data(services=args.services)
    print(f"Data ready in {time.perf_counter() - started:.1f} s")
    render_cold()
    state_change_to_mail(subscribers=args.subscribers, mail_dir=mail_dir, env=env)
    if args.load:
        load(clients=args.clients, seconds=args.seconds, env=env)


if __name__ == "__main__":
    main()
