"""No webhook is lost when the worker is down, or its message is, at the moment of a change.

This runs the real thing: the Redis broker, a real `celery worker` process started after
the changes were committed, reading the test database, posting to a local receiver.
"""

import os
import subprocess
import sys

import pytest
import redis
from django.db import connection

from servicedesk.celery import app as celery_app
from webhooks import services as webhook_services
from webhooks.models import DeliveryState, WebhookDelivery
from webhooks.tasks import sweep_webhook_deliveries

from ..conftest import REPO_ROOT, service_missing
from ..factories import ContactFactory, IncidentFactory
from .conftest import SECRET
from .test_delivery import expected_signature

# Committed for real, so another process sees the rows. The test needs none of the seed
# data (roles, SLA targets) that an earlier live-server test's flush may have removed.
pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # leave the reference data
]


@pytest.fixture
def broker(db):
    url = os.environ.get("CELERY_BROKER_URL")
    if not url:
        service_missing("Redis", "CELERY_BROKER_URL is not set")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        service_missing("Redis", f"{url} does not answer: {error}")
    if connection.vendor != "postgresql":
        service_missing("PostgreSQL", "a worker process cannot share the test's SQLite database")
    celery_app.conf.task_always_eager = False  # restored by the suite's autouse fixture
    celery_app.control.purge()
    yield url
    celery_app.control.purge()


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(broker_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),  # the test database, where this test's rows are committed
        "CELERY_BROKER_URL": broker_url,
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",  # the receiver is on 127.0.0.1
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "servicedesk",
            "worker",
            "--pool=solo",
            # The webhooks' deliveries go to the default queue, which production's `worker` takes.
            f"--queues={celery_app.conf.task_default_queue}",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop(worker: subprocess.Popen) -> str:
    worker.terminate()
    try:
        output, _ = worker.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        output, _ = worker.communicate()
    return output


def test_events_made_while_the_worker_is_down_are_delivered_when_it_starts(broker, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    webhook_services.webhook_subscription_create(
        target_url=receiver.url, events=["incident.created"], secret=SECRET, actor=None
    )
    contact = ContactFactory()

    # A change whose delivery message is lost (a broker restarted without its data, a
    # crash between commit and enqueue): only the outbox row remembers it.
    lost = IncidentFactory(reporter=contact, title="Lost message")
    celery_app.control.purge()
    # A change made while no worker runs: its message waits in Redis.
    queued = IncidentFactory(reporter=contact, title="Queued message")
    assert receiver.requests == []
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {DeliveryState.PENDING}

    worker = start_worker(broker)
    try:
        assert receiver.wait_for(1, timeout=60), stop(worker)
        assert receiver.requests[0].json["data"]["incident"]["number"] == queued.number
        # The periodic sweep (beat runs it every minute) finds the one whose message was lost.
        sweep_webhook_deliveries.delay()
        assert receiver.wait_for(2, timeout=30), stop(worker)
    finally:
        output = stop(worker)

    assert sorted(r.json["data"]["incident"]["number"] for r in receiver.requests) == sorted(
        [lost.number, queued.number]
    ), output
    for request in receiver.requests:
        assert request.headers["X-ServiceDesk-Signature"] == expected_signature(SECRET, request.body)
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {DeliveryState.DELIVERED}
