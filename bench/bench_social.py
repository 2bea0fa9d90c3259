"""Social intake on PostgreSQL + Redis with gunicorn and one Celery worker: three figures.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/servicedesk_bench_social
    export CELERY_BROKER_URL=redis://127.0.0.1:6379/5
    .venv/bin/python bench/bench_social.py drain --events 100000
    .venv/bin/python bench/bench_social.py drain --events 20000 --judgement off   # issue 12's, switched off
    .venv/bin/python bench/bench_social.py drain --events 20000 --queues shared   # one worker for both queues
    .venv/bin/python bench/bench_social.py intake --seconds 20 --connections 16
    .venv/bin/python bench/bench_social.py e2e --rate 200 --seconds 60

drain:  a backlog of stored events (70% new mentions, 20% replies in their threads, 10% DMs)
        processed into incidents by one `celery worker` (2 pool processes) on intake's queue,
        beside one (niced) on the judgement's, as docker-compose.yml runs them: events/s until
        drained, until intake's queue is idle and until everything intake enqueued beside it
        is done too. One mention in eight is praise. `--judgement off` runs the worker without
        issue 12's intent, service suggestion and similarity indexing
        (bench/worker_without_judgement.py); `--queues shared` one worker for both queues.
intake: signed single-event X webhook deliveries fired by `wrk` (apt-get install wrk) at
        gunicorn: deliveries accepted per second and latency percentiles (processing tasks
        are queued in Redis, not run: this measures the door, not the desk).
e2e:    deliveries at a steady rate to gunicorn with the worker running; for each event the
        time from its sending to its incident being committed (the incident's "created" audit
        line), p50/p95/p99.

The database named must contain "bench": its incidents and social tables are emptied first.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("USE_HTTPS", "false")
os.environ.setdefault("STATIC_FROM_COLLECTSTATIC", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from social.events import SHARDS, Kind, ParsedEvent  # noqa: E402
from social.inbox import store  # noqa: E402
from social.models import InboundEvent, InboundState, MessageState, SocialAccount, SocialMessage  # noqa: E402
from tickets.models import Event, EventKind, Incident  # noqa: E402

DESK = "900000001"
# What the new mentions of the drain say: mostly problems and questions, one in eight praise or
# thanks (with the judgement on, those are kept as feedback and open no incident).
MENTIONS = [
    "VPN down",
    "my VPN drops every 5 minutes since this morning",
    "can't log in to the expense portal, it says my account is locked",
    "Outlook keeps asking for my password, tried everything",
    "is the wifi in building B down?",
    "Teams calls keep freezing, is something down?",
    "the printer on floor 3 is jammed again",
    "great job fixing the email outage so fast, thank you!",
]
SECRET = "bench-consumer-secret"
PORT = 8765
BIN = Path(sys.executable).parent
LOGS = Path(tempfile.gettempdir())


def reset() -> None:
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or "bench" not in name:
        sys.exit(f"Refusing to empty {name!r}: use a PostgreSQL database whose name contains 'bench'.")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE social_socialmessage, social_inboundevent, social_socialidentity, "
            "tickets_event, tickets_comment, tickets_webhookevent, tickets_incident, tickets_contact CASCADE"
        )
    SocialAccount.objects.update_or_create(
        channel="twitter", external_id=DESK, defaults={"handle": "@bench_desk", "consumer_secret": SECRET}
    )
    subprocess.run(
        [BIN / "celery", "-A", "servicedesk", "purge", "-f", f"--queues={INTAKE_QUEUE},{JUDGEMENT_QUEUE}"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )


def start(command: list[str], log: str) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=open(log, "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


INTAKE_QUEUE = settings.CELERY_TASK_DEFAULT_QUEUE
JUDGEMENT_QUEUE = settings.JUDGEMENT_QUEUE


def workers(concurrency: int, *, judgement: bool = True, layout: str = "own") -> list[subprocess.Popen]:
    """The workers as production runs them (docker-compose.yml): `layout="own"`, one worker
    (`concurrency` processes) on intake's queue and one niced process on the judgement's; or
    `layout="shared"`, one worker taking both queues, the shape before the judgement had a queue
    of its own. With `judgement` off there is no judgement to run (worker_without_judgement.py)."""
    if not judgement:  # issue 12's intent, service suggestion and similarity indexing off
        command = [BIN / "python", ROOT / "bench" / "worker_without_judgement.py", f"--concurrency={concurrency}"]
        return [start(command, str(LOGS / "bench_social_worker.log"))]
    celery = [BIN / "celery", "-A", "servicedesk", "worker", "--loglevel=warning"]
    if layout == "shared":
        queues = f"--queues={INTAKE_QUEUE},{JUDGEMENT_QUEUE}"
        return [start([*celery, f"--concurrency={concurrency}", queues], str(LOGS / "bench_social_worker.log"))]
    return [
        start(
            [*celery, f"--concurrency={concurrency}", f"--queues={INTAKE_QUEUE}", "--hostname=intake@%h"],
            str(LOGS / "bench_social_worker.log"),
        ),
        start(
            ["nice", "-n", "10", *celery, "--concurrency=1", f"--queues={JUDGEMENT_QUEUE}", "--hostname=judgement@%h"],
            str(LOGS / "bench_social_judgement_worker.log"),
        ),
    ]


def queue_idle(queues: list[str], timeout: float = 1800) -> float:
    """Wait until `queues` are empty in the broker and no task of theirs runs (what intake
    enqueued beside the drain: acknowledgements and sentiment on intake's queue, and with the
    judgement on, suggestions and the similarity index on the judgement's). The seconds waited."""
    from servicedesk.celery import app

    started = time.monotonic()
    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        while time.monotonic() - started < timeout:
            active = app.control.inspect(timeout=1.0).active() or {}
            running = [
                task for tasks in active.values() for task in tasks if task["delivery_info"]["routing_key"] in queues
            ]
            if not any(client.llen(queue) for queue in queues) and not running:
                return time.monotonic() - started
            time.sleep(0.5)
    sys.exit(f"{', '.join(queues)} still busy after 30 minutes")


def gunicorn(workers: int, threads: int = 1) -> subprocess.Popen:
    process = start(
        [
            BIN / "gunicorn",
            "servicedesk.wsgi",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        str(LOGS / "bench_social_gunicorn.log"),
    )
    import urllib.request

    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/login/", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not come up; see bench_social_gunicorn.log in the temporary folder")


def tweet_payload(n: int, *, reply_to: int | None = None, sent_at: datetime | None = None) -> dict:
    sent_at = sent_at or datetime.now(UTC)
    author = 10_000_000 + (reply_to if reply_to is not None else n)
    return {
        "for_user_id": DESK,
        "tweet_create_events": [
            {
                "created_at": sent_at.strftime("%a %b %d %H:%M:%S +0000 %Y"),
                "timestamp_ms": str(int(sent_at.timestamp() * 1000)),
                "id_str": str(n),
                "id": n,
                "text": f"@bench_desk the VPN drops every few minutes ({n})",
                "in_reply_to_status_id_str": str(reply_to) if reply_to is not None else None,
                "in_reply_to_status_id": reply_to,
                "user": {"id_str": str(author), "id": author, "name": f"Person {author}", "screen_name": f"p{author}"},
                "entities": {"user_mentions": [{"id_str": DESK, "screen_name": "bench_desk"}], "urls": []},
            }
        ],
    }


# --- drain ---------------------------------------------------------------------------------


def drain(args) -> None:
    reset()
    now = timezone.now()
    store._enqueue_processing = lambda shards: None  # a backlog: stored, nobody told
    started = time.monotonic()
    chunk = []
    for n in range(1, args.events + 1):
        roll = n % 10
        if roll < 7 or n < 100:
            text = MENTIONS[n % len(MENTIONS)]
            event = ParsedEvent(
                channel="twitter",
                account_id=DESK,
                external_id=str(n),
                kind=Kind.MENTION,
                author_id=str(n),
                author_handle=f"@p{n}",
                author_name=f"Person {n}",
                text=f"@bench_desk {text} ({n})",
                created_at=now,
                thread_key=str(n),
                mentions_account=True,
            )
        elif roll < 9:
            parent = n - 50 - (n % 7)
            event = ParsedEvent(
                channel="twitter",
                account_id=DESK,
                external_id=str(n),
                kind=Kind.REPLY,
                author_id=str(parent),
                author_handle=f"@p{parent}",
                text="@bench_desk still broken",
                created_at=now,
                in_reply_to=str(parent),
                thread_key=str(parent),
                mentions_account=True,
            )
        else:
            event = ParsedEvent(
                channel="twitter",
                account_id=DESK,
                external_id=f"dm{n}",
                kind=Kind.DM,
                author_id=f"d{n % 2000}",
                author_name=f"DM person {n % 2000}",
                text="my laptop will not boot",
                created_at=now,
                thread_key=f"dm:{n % 2000}",
            )
        chunk.append(event)
        if len(chunk) == 5000:
            store.inbound_store(events=chunk, source="bench")
            chunk = []
    store.inbound_store(events=chunk, source="bench")
    print(f"stored {args.events:,} events in {time.monotonic() - started:.1f} s")

    judgement = args.judgement == "on"
    processes = workers(args.concurrency, judgement=judgement, layout=args.queues)
    try:
        from servicedesk.celery import app
        from social.tasks import process_inbox

        # The clock starts once the workers answer: their start-up (Django, the models) is not intake.
        while len(app.control.ping(timeout=1.0)) < len(processes):
            if any(process.poll() is not None for process in processes):
                sys.exit("a worker stopped: see bench_social_*worker.log in the temporary folder")
        started = time.monotonic()
        for shard in range(SHARDS):
            process_inbox.delay(shard=shard)
        while InboundEvent.objects.filter(state=InboundState.PENDING).exists():
            time.sleep(0.5)
            if time.monotonic() - started > 1800:
                sys.exit("not drained after 30 minutes")
        elapsed = time.monotonic() - started
        # Intake's own follow-ups (acknowledgements, sentiment) first, then the judgement's.
        intake_settled = elapsed + queue_idle([INTAKE_QUEUE])
        settled = intake_settled + queue_idle([INTAKE_QUEUE, JUDGEMENT_QUEUE])
    finally:
        for process in processes:
            stop(process)
    incidents = Incident.objects.count()
    kept = SocialMessage.objects.filter(state=MessageState.FEEDBACK).count()
    layout = {"own": "the judgement on its own queue and worker", "shared": "one worker for both queues"}
    print(f"judgement {args.judgement}" + (f", {layout[args.queues]}" if judgement else ""))
    print(f"drained {args.events:,} events in {elapsed:.1f} s: {args.events / elapsed:,.0f} events/s")
    print(f"  intake's queue idle after {intake_settled:.1f} s: {args.events / intake_settled:,.0f} events/s")
    print(f"  everything enqueued beside it done after {settled:.1f} s: {args.events / settled:,.0f} events/s")
    print(f"  {incidents:,} incidents, {kept:,} messages kept as feedback; batch size {settings.SOCIAL_BATCH_SIZE}; ")
    print(f"  worker concurrency {args.concurrency}; load average {os.getloadavg()[0]:.2f}")


# --- intake --------------------------------------------------------------------------------

WRK_SCRIPT = """
local bodies = {}
local signatures = {}
local i = 0
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  for line in io.lines(args[1]) do
    local tab = line:find("\\t")
    table.insert(signatures, line:sub(1, tab - 1))
    table.insert(bodies, line:sub(tab + 1))
  end
  -- each thread its own half of the bodies: every request is a new event
  i = id * math.floor(#bodies / 2)
end
function request()
  i = i + 1
  local n = (i % #bodies) + 1
  return wrk.format("POST", "/social/webhooks/twitter/", {
    ["Content-Type"] = "application/json",
    ["x-twitter-webhooks-signature"] = signatures[n],
  }, bodies[n])
end
"""


def intake(args) -> None:
    from social.twitter.signature import sign

    reset()
    with tempfile.TemporaryDirectory() as folder:
        bodies = Path(folder) / "bodies.tsv"
        with bodies.open("w") as out:
            for n in range(1, args.bodies + 1):
                payload = tweet_payload(n * args.per_delivery)
                for extra in range(1, args.per_delivery):
                    payload["tweet_create_events"] += tweet_payload(n * args.per_delivery + extra)[
                        "tweet_create_events"
                    ]
                body = json.dumps(payload).encode()
                out.write(f"{sign(body=body, consumer_secret=SECRET)}\t{body.decode()}\n")
        script = Path(folder) / "post.lua"
        script.write_text(WRK_SCRIPT)
        server = gunicorn(args.web_workers, args.threads)
        try:
            result = subprocess.run(
                [
                    "wrk",
                    "-t",
                    "2",
                    "-c",
                    str(args.connections),
                    "-d",
                    f"{args.seconds}s",
                    "--latency",
                    "-s",
                    str(script),
                    f"http://127.0.0.1:{PORT}",
                    "--",
                    str(bodies),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
        finally:
            stop(server)
    print(result.stdout)
    stored = InboundEvent.objects.count()
    print(
        f"stored {stored:,} events: {stored / args.seconds:,.0f} events/s accepted and stored "
        f"({args.per_delivery} per delivery, gunicorn {args.web_workers} workers, {args.connections} connections)"
    )
    print(f"  load average {os.getloadavg()[0]:.2f}")


# --- end to end ----------------------------------------------------------------------------


def e2e(args) -> None:
    from social.twitter.signature import sign

    reset()
    server = gunicorn(args.web_workers)
    processes = workers(args.concurrency)
    total = int(args.rate * args.seconds)
    counter = iter(range(1, total + 1))
    lock = threading.Lock()
    errors = []
    started = time.monotonic()

    def send() -> None:
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            delay = started + n / args.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            reply_to = n - 40 if n > 100 and n % 5 == 0 else None
            body = json.dumps(tweet_payload(n, reply_to=reply_to)).encode()
            conn.request(
                "POST",
                "/social/webhooks/twitter/",
                body,
                {
                    "Content-Type": "application/json",
                    "x-twitter-webhooks-signature": sign(body=body, consumer_secret=SECRET),
                },
            )
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)

    try:
        threads = [threading.Thread(target=send) for _ in range(args.senders)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        sent_in = time.monotonic() - started
        deadline = time.monotonic() + 120
        while InboundEvent.objects.filter(state=InboundState.PENDING).exists() and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        for process in processes:
            stop(process)
        stop(server)
    latencies = sorted(
        (event.created_at - event.incident.created_at).total_seconds()
        for event in Event.objects.filter(kind=EventKind.CREATED)
        .select_related("incident")
        .only("created_at", "incident__created_at")
    )
    # Tweet times are whole milliseconds; the incident's is that time, the audit line's is when it was committed.
    print(f"sent {total:,} deliveries in {sent_in:.1f} s ({total / sent_in:,.0f}/s); errors: {len(errors)}")
    print(
        f"  {len(latencies):,} incidents; webhook → incident visible: "
        f"p50 {statistics.median(latencies) * 1000:,.0f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:,.0f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:,.0f} ms, max {latencies[-1] * 1000:,.0f} ms"
    )
    print(
        f"  gunicorn {args.web_workers} workers, worker concurrency {args.concurrency}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("drain")
    p.add_argument("--events", type=int, default=100_000)
    p.add_argument("--concurrency", type=int, default=2)
    p.add_argument(
        "--judgement",
        choices=["on", "off"],
        default="on",
        help="issue 12's intent, service suggestion and similarity indexing in the worker (off: as before them)",
    )
    p.add_argument(
        "--queues",
        choices=["own", "shared"],
        default="own",
        help="own: the judgement's queue has a worker of its own, as in production; shared: one worker takes both",
    )
    p = commands.add_parser("intake")
    p.add_argument("--seconds", type=int, default=20)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--web-workers", type=int, default=3)
    p.add_argument("--bodies", type=int, default=200_000)
    p.add_argument("--per-delivery", type=int, default=1, help="events in each delivery")
    p.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread)")
    p = commands.add_parser("e2e")
    p.add_argument("--rate", type=float, default=200)
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--web-workers", type=int, default=3)
    p.add_argument("--concurrency", type=int, default=2)
    p.add_argument("--senders", type=int, default=16)
    args = parser.parse_args()
    if not settings.CELERY_BROKER_URL:
        sys.exit("Set CELERY_BROKER_URL (Redis): the benchmark runs a real worker.")
    {"drain": drain, "intake": intake, "e2e": e2e}[args.command](args)


if __name__ == "__main__":
    main()
