"""Real processes for the social pipeline's reliability tests: `celery worker` subprocesses
on the test database, a private `redis-server` that can be killed, and the counts that
say whether every inbound event became exactly one incident."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import redis
from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from servicedesk.celery import app as celery_app
from social.events import Kind, ParsedEvent
from social.inbox.claim import SHARD_LOCK_NAMESPACE
from social.models import Direction, InboundEvent, InboundState, SocialMessage
from tickets.models import Incident

from ..conftest import REPO_ROOT

DESK = "1000"  # the desk's X account id (a SocialAccount row makes its mentions count)


def mentions(count: int, *, prefix: str) -> list[ParsedEvent]:
    """`count` mentions of the desk, each by a different person: each opens one incident."""
    now = timezone.now()
    return [
        ParsedEvent(
            channel="twitter",
            account_id=DESK,
            external_id=f"{prefix}{n}",
            kind=Kind.MENTION,
            author_id=f"{prefix}-author-{n}",
            author_handle=f"@user{n}",
            author_name=f"User {n}",
            text=f"@desk printer {n} is on fire",
            created_at=now,
            thread_key=f"{prefix}{n}",
            mentions_account=True,
        )
        for n in range(count)
    ]


# --- where the worker looks ----------------------------------------------------------------


def database_url() -> str:
    """The test database (not the one DATABASE_URL names), where the test's rows are committed."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def own_redis_db(url: str, *, first: int = 13) -> str:
    """`url` on a Redis database of these tests' own (one per xdist worker), so a stray task
    left by another test or another checkout's suite is never consumed here."""
    index = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{first + index % 3}"))


@contextlib.contextmanager
def enqueue_to(broker_url: str) -> Iterator[None]:
    """Tasks enqueued by this process (inbound_store's on-commit, the sweeper) go to
    `broker_url`, for real: not eager. The suite's autouse fixture restores eagerness."""
    conf = celery_app.conf
    # Celery prefers the CELERY_BROKER_URL environment variable to `broker_url`, but not to
    # these two, which every publish (write) and purge or inspect (read) goes through.
    previous = {key: conf.get(key) for key in ("broker_write_url", "broker_read_url", "task_always_eager")}
    conf.update(broker_write_url=broker_url, broker_read_url=broker_url, task_always_eager=False)
    _forget_broker_connections()
    try:
        yield
    finally:
        conf.update(previous)
        _forget_broker_connections()


def _forget_broker_connections() -> None:
    # The app caches its connection and producer pools on first use; drop them so the next
    # publish connects to the broker now configured. (Closing them would not do: kombu keeps
    # one pool per broker URL for the whole process, and a closed one stays closed.)
    celery_app._after_fork()


# --- celery worker -------------------------------------------------------------------------


# Production runs one worker on each queue (docker-compose.yml); a test's single worker takes
# both, so what intake sets off in the judgement's queue is run too and not left in Redis.
ALL_QUEUES = (settings.CELERY_TASK_DEFAULT_QUEUE, settings.JUDGEMENT_QUEUE)


class Worker:
    """`celery -A servicedesk worker --pool prefork` in its own session (process group), so
    the main process and its pool children can be killed together."""

    def __init__(
        self,
        *,
        broker_url: str,
        log: Path,
        concurrency: int = 2,
        env: dict[str, str] | None = None,
        queues: tuple[str, ...] = ALL_QUEUES,
    ):
        self.log = log
        self._log_file = log.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "servicedesk",
                "worker",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                f"--queues={','.join(queues)}",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=REPO_ROOT,
            env={
                **os.environ,
                "DATABASE_URL": database_url(),
                "CELERY_BROKER_URL": broker_url,
                **(env or {}),
            },
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL to the whole group: no warm shutdown, no requeue, no rollback by us."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log_file.close()

    def stop(self) -> None:
        """Warm shutdown (the main process lets running tasks finish), then nothing left behind."""
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        # Pool children outlive a main process that died first; take the group down.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log_file.close()

    def output(self, *, tail: int | None = 4000) -> str:
        text = self.log.read_text(errors="replace")
        return text[-tail:] if tail else text


@contextlib.contextmanager
def running_worker(**options) -> Iterator[Worker]:
    worker = Worker(**options)
    try:
        yield worker
    finally:
        worker.stop()


# --- a Redis of our own ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A throwaway `redis-server` without persistence: killing it loses every queued task."""

    executable = shutil.which("redis-server")

    def __init__(self, log: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [
                    self.executable,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        wait_until(lambda: _answers(client), timeout=10, what=f"redis-server on port {self.port} to answer")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def queued(self) -> int:
        return redis.Redis.from_url(self.url).llen(settings.CELERY_TASK_DEFAULT_QUEUE)

    def consumers(self) -> int:
        """Clients blocked waiting for tasks: a worker connected and consuming."""
        try:
            return sum(client["cmd"] == "brpop" for client in redis.Redis.from_url(self.url).client_list())
        except redis.RedisError:
            return 0


def _answers(client: redis.Redis) -> bool:
    try:
        return client.ping()
    except redis.RedisError:
        return False


# --- waiting and counting --------------------------------------------------------------------


SLOW_MACHINE_FACTOR = float(os.environ.get("WORKER_TEST_TIMEOUT_FACTOR", "4"))


def wait_until(
    predicate: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    log: Callable[[], str] | None = None,
    interval: float = 0.05,
) -> None:
    """Poll `predicate`; on timeout, fail saying what was awaited, with `log()` (a worker's output).

    Timeouts are stretched by SLOW_MACHINE_FACTOR: the suite runs these beside other tests on
    two cores, where a worker's start or a reconnection can take several times as long. A
    test that passes waits no longer for it."""
    timeout *= SLOW_MACHINE_FACTOR
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{log() if log else ''}")
        time.sleep(interval)


def done_count() -> int:
    return InboundEvent.objects.filter(state=InboundState.DONE).count()


def shard_lock_holders() -> set[int]:
    """Backend pids holding a shard's advisory lock: a batch transaction is open there."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = %s AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())",
            [SHARD_LOCK_NAMESPACE],
        )
        return {pid for (pid,) in cursor.fetchall()}


def other_backends() -> int:
    """Other connections to the test database inside a transaction or a statement (a killed
    worker's linger a moment). Idle ones do not count: the live server of the browser tests
    keeps one open for the whole session."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND state IS DISTINCT FROM 'idle'"
        )
        return cursor.fetchone()[0]


def outcome() -> dict[str, object]:
    """The pipeline's promise, counted: compare with `exactly_once(n)`."""
    inbound = SocialMessage.objects.filter(direction=Direction.INBOUND)
    return {
        "events": InboundEvent.objects.count(),
        "events done": done_count(),
        "incidents": Incident.objects.count(),
        "inbound messages": inbound.count(),
        "distinct inbound external ids": inbound.values("external_id").distinct().count(),
        "incidents without exactly one inbound message": Incident.objects.annotate(
            inbound=Count("social_messages", filter=Q(social_messages__direction=Direction.INBOUND))
        )
        .exclude(inbound=1)
        .count(),
        "acknowledgements": SocialMessage.objects.filter(direction=Direction.OUTBOUND).count(),
    }


def exactly_once(count: int) -> dict[str, object]:
    return {
        "events": count,
        "events done": count,
        "incidents": count,
        "inbound messages": count,
        "distinct inbound external ids": count,
        "incidents without exactly one inbound message": 0,
        "acknowledgements": count,
    }
