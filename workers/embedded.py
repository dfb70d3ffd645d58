"""The embedded broker: a durable dramatiq broker in one SQLite file, for one machine and no server.

Why our own: the published ``dramatiq-sqlite`` (0.1.0) deletes a row when a
worker takes it, so a worker killed mid-message loses that message, and it
crashes in ``requeue()`` when a worker stops on SIGTERM.

How it keeps every message:

* A message is a row. Taking it does not delete it: it sets a **lease**
  (``visible_at`` moves ``lease`` seconds ahead and ``owner`` names the
  consumer). The consumer renews the leases of what it holds each time the
  worker asks it for more (at least once a second, even while a long actor
  runs), so a live worker never loses a message it holds; a killed one stops
  renewing, and once the lease runs out any other consumer takes the row
  again. The row goes only when the actor is done (``ack``).
* A failed message (``nack``: dramatiq's retries are spent) moves to
  ``dead_letters`` with the reason; a message whose worker died with it
  ``max_deliveries`` times (a message that kills its worker) goes there too,
  instead of killing every worker in turn.
* Delays (dramatiq's retries with backoff, ``send_with_options(delay=...)``)
  are native: the row is written with ``visible_at`` in the future. No
  message waits in a worker's memory.
* ``requeue`` (a worker stopping) makes the rows visible again at once.
* The file is in WAL mode, each take is one ``BEGIN IMMEDIATE`` transaction,
  and any number of worker processes on the machine share it.

Latency: a consumer looks for new rows every ``poll`` seconds (0.05) while it
waits, and at once when this process enqueued something.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from dramatiq.broker import Broker, Consumer, MessageProxy
from dramatiq.errors import QueueJoinTimeout, QueueNotFound
from dramatiq.message import Message
from dramatiq.middleware import Middleware

from mailflow.store.engine import enable_wal

_SCHEMA = """
CREATE TABLE IF NOT EXISTS queue_messages (
    id INTEGER PRIMARY KEY,
    queue TEXT NOT NULL,
    message_id TEXT NOT NULL,
    body BLOB NOT NULL,
    enqueued_at INTEGER NOT NULL,
    visible_at INTEGER NOT NULL,
    owner TEXT,
    deliveries INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS queue_messages_ready ON queue_messages (queue, visible_at);
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY,
    queue TEXT NOT NULL,
    message_id TEXT NOT NULL,
    body BLOB NOT NULL,
    failed_at INTEGER NOT NULL,
    reason TEXT NOT NULL
);
"""


def _millis() -> int:
    return time.time_ns() // 1_000_000


class SQLiteBroker(Broker):
    """A dramatiq broker whose queues are rows in one SQLite file (see the module's doc).

    ``lease``: seconds a taken message stays hidden without a renewal (a
    killed worker's messages come back after this long). ``max_deliveries``:
    how many times a message may be taken without being acked or nacked
    before it is dead-lettered.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        middleware: list[Middleware] | None = None,
        lease: float = 30.0,
        max_deliveries: int = 10,
        poll: float = 0.05,
    ) -> None:
        super().__init__(middleware=middleware)
        self.path = Path(path)
        self.lease_ms = max(1, int(lease * 1000))
        self.max_deliveries = max_deliveries
        self.poll = poll
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._wake = threading.Condition()
        self._db().executescript(_SCHEMA)

    # -- connections ---------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        """This thread's connection (sqlite3 connections are not shared between threads)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=60.0, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA busy_timeout=60000")
            enable_wal(db)
            db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across a process kill
            self._local.db = db
        return db

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # -- the Broker interface ------------------------------------------------

    def consume(self, queue_name: str, prefetch: int = 1, timeout: int = 1000) -> Consumer:
        if queue_name not in self.queues:
            raise QueueNotFound(queue_name)  # type: ignore[no-untyped-call]
        return _Consumer(self, queue_name, prefetch, timeout)

    def declare_queue(self, queue_name: str) -> None:
        if queue_name in self.queues:
            return
        self.emit_before("declare_queue", queue_name)
        self.queues[queue_name] = None
        self.emit_after("declare_queue", queue_name)

    def enqueue(self, message: Message[Any], *, delay: int | None = None) -> Message[Any]:
        if message.queue_name not in self.queues:
            raise QueueNotFound(message.queue_name)  # type: ignore[no-untyped-call]
        self.emit_before("enqueue", message, delay)
        now = _millis()
        with self._tx() as db:
            db.execute(
                "INSERT INTO queue_messages (queue, message_id, body, enqueued_at, visible_at) VALUES (?, ?, ?, ?, ?)",
                (message.queue_name, message.message_id, message.encode(), now, now + max(0, delay or 0)),
            )
        with self._wake:
            self._wake.notify_all()
        self.emit_after("enqueue", message, delay)
        return message

    def flush(self, queue_name: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM queue_messages WHERE queue = ?", (queue_name,))

    def flush_all(self) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM queue_messages")
            db.execute("DELETE FROM dead_letters")

    def join(self, queue_name: str, *, timeout: int | None = None) -> None:
        """Wait until the queue holds no message, waiting, delayed or taken (for tests and ``run --once``)."""
        deadline = None if timeout is None else time.monotonic() + timeout / 1000
        while self.depth(queue_name, taken=True):
            if deadline is not None and time.monotonic() > deadline:
                raise QueueJoinTimeout(queue_name)  # type: ignore[no-untyped-call]
            time.sleep(self.poll)

    # -- inspection ----------------------------------------------------------

    def depth(self, queue_name: str | None = None, *, taken: bool = False) -> int:
        """Messages in a queue (or in all): ready or delayed, and with ``taken`` also those a worker holds."""
        sql = "SELECT count(*) FROM queue_messages WHERE 1 = 1"
        args: list[Any] = []
        if queue_name is not None:
            sql += " AND queue = ?"
            args.append(queue_name)
        if not taken:
            sql += " AND owner IS NULL"
        row = self._db().execute(sql, args).fetchone()
        return int(row[0])

    def dead_letters(self, queue_name: str | None = None) -> list[tuple[Message[Any], str]]:
        """Dead-lettered messages, oldest first, with why each one failed."""
        sql = "SELECT body, reason FROM dead_letters"
        args: tuple[str, ...] = ()
        if queue_name is not None:
            sql += " WHERE queue = ?"
            args = (queue_name,)
        rows = self._db().execute(sql + " ORDER BY id", args).fetchall()
        return [(Message.decode(body), reason) for body, reason in rows]

    # -- used by consumers ---------------------------------------------------

    def _take(self, queue_name: str, owner: str, limit: int) -> list[tuple[int, bytes]]:
        """Lease up to ``limit`` ready messages; dead-letter those that have been taken too often."""
        now = _millis()
        with self._tx() as db:
            rows = db.execute(
                "SELECT id, message_id, body, deliveries FROM queue_messages"
                " WHERE queue = ? AND visible_at <= ? ORDER BY visible_at, id LIMIT ?",
                (queue_name, now, limit),
            ).fetchall()
            taken: list[tuple[int, bytes]] = []
            for row_id, message_id, body, deliveries in rows:
                if deliveries >= self.max_deliveries:
                    reason = f"taken {deliveries} times and never finished: its worker died each time"
                    self._bury(db, row_id, queue_name, message_id, body, reason, now)
                    continue
                taken.append((row_id, body))
            if taken:
                db.executemany(
                    "UPDATE queue_messages SET visible_at = ?, owner = ?, deliveries = deliveries + 1 WHERE id = ?",
                    [(now + self.lease_ms, owner, row_id) for row_id, _ in taken],
                )
        return taken

    def _renew(self, owner: str, ids: Iterable[int]) -> None:
        ids = list(ids)
        if ids:
            until = _millis() + self.lease_ms
            with self._tx() as db:
                db.executemany(
                    "UPDATE queue_messages SET visible_at = ? WHERE id = ? AND owner = ?",
                    [(until, i, owner) for i in ids],
                )

    def _ack(self, owner: str, row_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM queue_messages WHERE id = ? AND owner = ?", (row_id, owner))

    def _nack(self, owner: str, row_id: int, reason: str) -> None:
        now = _millis()
        with self._tx() as db:
            row = db.execute(
                "SELECT queue, message_id, body FROM queue_messages WHERE id = ? AND owner = ?", (row_id, owner)
            ).fetchone()
            if row is not None:
                self._bury(db, row_id, row[0], row[1], row[2], reason, now)

    def _release(self, owner: str, ids: Iterable[int]) -> None:
        now = _millis()
        with self._tx() as db:
            db.executemany(
                "UPDATE queue_messages SET visible_at = ?, owner = NULL, deliveries = max(deliveries - 1, 0)"
                " WHERE id = ? AND owner = ?",
                [(now, i, owner) for i in ids],
            )
        with self._wake:
            self._wake.notify_all()

    @staticmethod
    def _bury(
        db: sqlite3.Connection, row_id: int, queue: str, message_id: str, body: bytes, reason: str, now: int
    ) -> None:
        db.execute(
            "INSERT INTO dead_letters (queue, message_id, body, failed_at, reason) VALUES (?, ?, ?, ?, ?)",
            (queue, message_id, body, now, reason),
        )
        db.execute("DELETE FROM queue_messages WHERE id = ?", (row_id,))

    def _wait(self, seconds: float) -> None:
        with self._wake:
            self._wake.wait(seconds)


class _Proxy(MessageProxy):
    def __init__(self, message: Message[Any], row_id: int) -> None:
        super().__init__(message)
        self.row_id = row_id


class _Consumer(Consumer):
    """Takes messages of one queue for one dramatiq consumer thread; ack and nack come from worker threads."""

    def __init__(self, broker: SQLiteBroker, queue_name: str, prefetch: int, timeout: int) -> None:
        self.broker = broker
        self.queue_name = queue_name
        self.prefetch = max(1, prefetch)
        self.timeout = timeout / 1000
        self.owner = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._held: set[int] = set()
        self._lock = threading.Lock()
        self._ready: list[_Proxy] = []
        self._renewed = time.monotonic()

    def __next__(self) -> MessageProxy | None:
        deadline = time.monotonic() + self.timeout
        while True:
            self._keep_leases()
            if self._ready:
                return self._ready.pop(0)
            with self._lock:
                room = self.prefetch - len(self._held)
            if room > 0:
                for row_id, body in self.broker._take(self.queue_name, self.owner, room):
                    with self._lock:
                        self._held.add(row_id)
                    self._ready.append(_Proxy(Message.decode(body), row_id))
                if self._ready:
                    return self._ready.pop(0)
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.broker._wait(min(self.broker.poll, left))

    def _keep_leases(self) -> None:
        """Renew what this consumer holds, a few times per lease (the worker calls ``__next__`` every second)."""
        now = time.monotonic()
        if now - self._renewed < self.broker.lease_ms / 4000:
            return
        self._renewed = now
        with self._lock:
            held = list(self._held)
        self.broker._renew(self.owner, held)

    def ack(self, message: MessageProxy) -> None:
        row_id = message.row_id if isinstance(message, _Proxy) else None
        if row_id is None:
            return
        self.broker._ack(self.owner, row_id)
        with self._lock:
            self._held.discard(row_id)

    def nack(self, message: MessageProxy) -> None:
        if not isinstance(message, _Proxy):
            return
        exc = message._exception
        reason = f"{type(exc).__name__}: {exc}" if exc is not None else "rejected"
        self.broker._nack(self.owner, message.row_id, reason[:4000])
        with self._lock:
            self._held.discard(message.row_id)

    def requeue(self, messages: Iterable[MessageProxy]) -> None:
        ids = [m.row_id for m in messages if isinstance(m, _Proxy)]
        self.broker._release(self.owner, ids)
        with self._lock:
            self._held.difference_update(ids)

    def close(self) -> None:
        # Taken but never handed to the worker: back to the queue at once.
        if self._ready:
            self.requeue(self._ready)
            self._ready.clear()
