"""Rate limits hold across web processes: they count in one shared cache, the Redis the
desk already has, unless told otherwise."""

import os
import subprocess
import sys
import time
from uuid import uuid4

import pytest
import redis

from servicedesk import ratelimit

from ..conftest import REPO_ROOT, service_missing
from .test_settings import settings_values

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_url() -> str:
    """The suite's Redis, on the database CELERY_BROKER_URL names (this checkout's own)."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis"):
        service_missing("Redis", "CELERY_BROKER_URL does not name a Redis")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        service_missing("Redis", f"{url} does not answer: {error}")
    return url


@pytest.fixture
def shared_rate_limits(settings, redis_url):
    """The `ratelimit` cache on that Redis, under a prefix of this test's own (removed after)."""
    prefix = f"test-ratelimit-{uuid4()}"
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        },
    }
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


COUNT_IN_A_PROCESS = """
import sys, django
django.setup()
from servicedesk import ratelimit
ident, rate, tries = sys.argv[1], sys.argv[2], int(sys.argv[3])
print(sum(ratelimit.hit("test-processes", ident, rate) is None for _ in range(tries)))
"""


def requests_let_through(*, processes: int, tries: int, rate: str, env: dict[str, str]) -> int:
    """`processes` separate Python processes, as gunicorn's workers are, each trying `tries`
    requests of one client at once; how many of them all were let through."""
    ident = f"client-{uuid4()}"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "servicedesk.settings", **env}
    for name in ("CACHE_URL", "RATELIMIT_CACHE_URL"):
        if name not in env:
            environment.pop(name, None)
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", COUNT_IN_A_PROCESS, ident, rate, str(tries)],
            cwd=REPO_ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    let_through = 0
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        let_through += int(out)
    return let_through


def away_from_the_hour_boundary() -> None:
    """The counts below use an hourly window: start far enough from its end."""
    left = 3600 - time.time() % 3600
    if left < 30:
        time.sleep(left + 1)


def test_four_processes_on_the_brokers_redis_let_the_rate_through_once(redis_url):
    away_from_the_hour_boundary()
    # Only the broker is configured, as `make run` with Redis or a small deployment does.
    let_through = requests_let_through(
        processes=4, tries=300, rate="600/hour", env={"CELERY_BROKER_URL": redis_url, "DEBUG": "true"}
    )
    assert let_through == 600
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter("ratelimit:*:test-processes:*"):
        client.delete(key)


def test_without_a_shared_cache_each_process_counts_alone():
    # What the default was before: local memory. Four workers, four times the rate.
    away_from_the_hour_boundary()
    let_through = requests_let_through(
        processes=4,
        tries=300,
        rate="200/hour",
        env={"CELERY_BROKER_URL": "", "RATELIMIT_CACHE_URL": "locmemcache://", "DEBUG": "true"},
    )
    assert let_through == 800


def test_the_api_throttle_counts_in_the_shared_cache(shared_rate_limits, settings, agent):
    from tests.tickets.api.conftest import client_for

    settings.API_THROTTLE_RATES = {"user": "3/hour", "anon": "3/hour"}
    as_agent = client_for(agent)
    away_from_the_hour_boundary()
    assert [as_agent.get("/api/v1/me/").status_code for _ in range(4)] == [200, 200, 200, 429]
    keys = list(redis.Redis.from_url(settings.CACHES["ratelimit"]["LOCATION"]).scan_iter(f"{shared_rate_limits}:*"))
    assert len(keys) == 1  # one counter, for the token (hashed: the key is not in it)
    token = agent.auth_token.key
    assert token not in keys[0].decode()


def test_a_cache_that_does_not_answer_lets_requests_through(settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    assert ratelimit.hit("test-down", "someone", "1/minute") is None
    assert ratelimit.hit("test-down", "someone", "1/minute") is None
    assert "the rate-limit cache does not answer" in caplog.text


@pytest.mark.parametrize(
    ("env", "unset", "location"),
    [
        # Only the broker: its Redis.
        ({"CELERY_BROKER_URL": "redis://broker:6379/0"}, ("CACHE_URL", "RATELIMIT_CACHE_URL"), "redis://broker:6379/0"),
        # A shared default cache: that one.
        (
            {"CELERY_BROKER_URL": "redis://broker:6379/0", "CACHE_URL": "redis://cache:6379/1"},
            ("RATELIMIT_CACHE_URL",),
            "redis://cache:6379/1",
        ),
        # Said outright.
        (
            {"CACHE_URL": "redis://cache:6379/1", "RATELIMIT_CACHE_URL": "redis://limits:6379/2"},
            (),
            "redis://limits:6379/2",
        ),
    ],
)
def test_the_rate_limit_cache_is_the_redis_the_desk_has(env, unset, location):
    code = "import django; django.setup(); from django.conf import settings as s; print(s.CACHES['ratelimit'])"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in unset},
            "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
            "DEBUG": "true",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = eval(result.stdout)  # noqa: S307 - a dict printed by the line above
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert config["LOCATION"] == location
    assert config["KEY_PREFIX"] == "ratelimit"


def test_with_no_redis_at_all_the_rate_limit_cache_is_local_memory():
    values = settings_values(
        "CACHES", env={"DEBUG": "true"}, unset=("CELERY_BROKER_URL", "CACHE_URL", "RATELIMIT_CACHE_URL")
    )
    assert "'ratelimit': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'" in values[0]
