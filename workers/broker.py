"""The dramatiq broker named by the config's ``broker`` URL.

* ``embedded`` (the default): ``SQLiteBroker`` (``workers.embedded``), in
  the file ``mailflow-queue.db`` beside a SQLite database (or beside the
  config file when the database is PostgreSQL); ``sqlite:///path/queue.db``
  names the file.
* ``redis://host:port/db``: dramatiq's ``RedisBroker``. A worker that dies
  stops its heartbeat; after ``lease`` seconds another worker takes back what
  it held.
* ``amqp://user:password@host:port/vhost``: dramatiq's ``RabbitMQBroker``.
  RabbitMQ gives a dead worker's unacknowledged messages back as soon as its
  connection drops.

Every broker gets the same middleware: dramatiq's defaults (age and time
limits, retries with exponential backoff and jitter, shutdown notifications)
with the limits mailflow's actors set for themselves.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from dramatiq.broker import Broker
from dramatiq.middleware import Middleware, default_middleware

from mailflow.errors import ConfigError

from .embedded import SQLiteBroker

QUEUE_FILE = "mailflow-queue.db"

# Redis: the share (of 1,000,000) of fetches that also look for dead workers' messages.
# dramatiq's default (1,000) can leave a dead worker's message waiting for minutes on an
# idle queue; 100,000 looks on every tenth fetch, a cheap Lua call.
_REDIS_MAINTENANCE = 100_000


def describe(url: str) -> str:
    """The broker's URL with any password hidden, for logs and ``mailflow status``."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def queue_file(url: str, database: str, home: Path | None = None) -> Path:
    """Where the embedded broker keeps its queue: beside a SQLite database, else in ``home`` (the config's folder)."""
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///"))
    if database.startswith("sqlite:///") and database != "sqlite:///:memory:":
        return Path(database.removeprefix("sqlite:///")).parent / QUEUE_FILE
    return (home or Path(".")) / QUEUE_FILE


def make_broker(url: str, database: str, *, lease: float = 30.0, home: Path | None = None) -> Broker:
    """The broker for ``url``; raises ``ConfigError`` naming the key when it is not one mailflow knows."""
    middleware: list[Middleware] = [m() for m in default_middleware]
    scheme = urlsplit(url).scheme
    if url == "embedded" or scheme == "sqlite":
        return SQLiteBroker(queue_file(url, database, home), middleware=middleware, lease=lease)
    if scheme in ("redis", "rediss"):
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(  # type: ignore[no-untyped-call]
            url=url,
            middleware=middleware,
            heartbeat_timeout=int(lease * 1000),
            maintenance_chance=_REDIS_MAINTENANCE,
        )
    if scheme in ("amqp", "amqps"):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        return RabbitmqBroker(url=url, middleware=middleware, confirm_delivery=True)
    raise ConfigError(
        [f'broker: {describe(url)!r} is not a broker URL; use "embedded", "redis://host:6379/0" or "amqp://host:5672/"']
    )


def queue_depth(broker: Broker, queue: str) -> int | None:
    """Messages waiting in ``queue`` (delayed ones included) on any of the three brokers; None if unknown."""
    if isinstance(broker, SQLiteBroker):
        return broker.depth(queue)
    client = getattr(broker, "client", None)
    if client is not None and hasattr(client, "llen"):  # Redis
        namespace = getattr(broker, "namespace", "dramatiq")
        return int(client.llen(f"{namespace}:{queue}")) + int(client.llen(f"{namespace}:{queue}.DQ"))
    counts = getattr(broker, "get_queue_message_counts", None)
    if counts is not None:  # RabbitMQ: ready, delayed, dead-lettered
        ready, delayed, _dead = counts(queue)
        return int(ready) + int(delayed)
    return None
