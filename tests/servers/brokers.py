"""The three brokers, for one test suite that runs against each: embedded, Redis and RabbitMQ.

``broker_url`` is parametrized: the embedded broker in a temporary file, Redis
on 127.0.0.1:6379 (database 15, flushed before each test) and RabbitMQ on
127.0.0.1:5672 (guest/guest; the test's queues are purged before it). The
test command (scripts/services) starts Redis and RabbitMQ when they are not
running; a missing server skips its half locally and fails it when CI=true.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

REDIS_URL = os.environ.get("MAILFLOW_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
AMQP_URL = os.environ.get("MAILFLOW_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_server(name: str, host: str, port: int) -> None:
    if _reachable(host, port):
        return
    reason = f"{name} does not answer on {host}:{port} (scripts/services starts it)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is required under CI=true: {reason}")
    pytest.skip(reason)


def _flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


@pytest.fixture(params=["embedded", "redis", "rabbitmq"])
def broker_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A broker URL for each broker mailflow supports, empty at the start of the test."""
    if request.param == "embedded":
        return f"sqlite:///{tmp_path / 'queue.db'}"
    if request.param == "redis":
        require_server("Redis", "127.0.0.1", 6379)
        _flush_redis(REDIS_URL)
        return REDIS_URL
    require_server("RabbitMQ", "127.0.0.1", 5672)
    return AMQP_URL
