"""servicedesk/broker.py: a worker survives acknowledging a task on a channel that a
reconnection left behind (kombu's Redis transport raised AttributeError there, which stopped
the worker's event loop)."""

import logging
import os
import uuid

import pytest
import redis
from kombu import Connection

from servicedesk.broker import Transport

from ..conftest import service_missing


@pytest.fixture
def redis_url():
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        service_missing("Redis", "CELERY_BROKER_URL does not name a Redis server")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        service_missing("Redis", f"{url} does not answer: {error}")
    yield url
    # What the tests leave behind: their queues, and the unacknowledged messages Redis keeps
    # to deliver again.
    client = redis.Redis.from_url(url)
    for queue, tag in LEFT_BEHIND:
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        client.hdel("unacked", tag)
        client.zrem("unacked_index", tag)
    LEFT_BEHIND.clear()


LEFT_BEHIND: list[tuple[str, str]] = []  # (queue, delivery tag)


def a_message_whose_connection_was_replaced(url: str, transport):
    """A message received on a channel, then the state Celery's reconnection leaves that
    channel in (the worker's traceback): its pools dropped, its transport's client forgotten."""
    connection = Connection(url, transport=transport)
    name = f"broker-test-{uuid.uuid4().hex}"
    queue = connection.SimpleQueue(name)
    queue.put({"n": 1})
    message = queue.get(timeout=5)
    LEFT_BEHIND.append((name, message.delivery_tag))
    message.channel._disconnect_pools()
    message.channel.connection.client = None
    return message, connection.connection_errors


def test_kombus_own_transport_raises_what_stops_a_worker(redis_url):
    # Proves the test reproduces the failure: if kombu mends it, servicedesk/broker.py can go.
    message, connection_errors = a_message_whose_connection_was_replaced(redis_url, "redis")
    with pytest.raises(AttributeError, match="hostname"):
        message.ack_log_error(logging.getLogger(__name__), connection_errors)


def test_ours_makes_it_a_connection_error_that_celery_logs_and_survives(redis_url, caplog):
    message, connection_errors = a_message_whose_connection_was_replaced(redis_url, Transport)
    with caplog.at_level(logging.CRITICAL):
        message.ack_log_error(logging.getLogger(__name__), connection_errors)  # what Celery calls
    assert "Couldn't ack" in caplog.text
    assert "The broker connection this channel belonged to is closed." in caplog.text


def test_the_desk_uses_it_for_a_redis_broker(settings):
    from servicedesk.celery import app

    if not (settings.CELERY_BROKER_URL or "").startswith("redis://"):
        pytest.skip("no Redis broker configured: tasks run in-process")
    assert app.connection_for_write().transport_cls == "servicedesk.broker:Transport"
