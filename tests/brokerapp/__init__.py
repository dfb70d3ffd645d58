"""Actors for the broker tests, importable by worker subprocesses; every run is recorded in a SQLite file.

``python -m tests.brokerapp URL QUEUE RECORD [LEASE] [THREADS]`` runs a
dramatiq worker for these actors until SIGTERM, as ``mailflow worker`` does.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dramatiq
from dramatiq.broker import Broker

from workers.broker import make_broker


def runs(record: Path, tag: str | None = None) -> list[tuple[str, str, int]]:
    """(tag, what, pid) of every run recorded so far, in order."""
    if not record.exists():
        return []
    with sqlite3.connect(record, timeout=30) as db:
        db.execute("CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, tag TEXT, what TEXT, pid INTEGER)")
        sql = "SELECT tag, what, pid FROM runs" + (" WHERE tag = ?" if tag else "") + " ORDER BY id"
        return list(db.execute(sql, (tag,) if tag else ()))


def prepare(record: Path) -> None:
    """Create the record file (WAL) before any worker writes to it: two workers creating it at once
    can get "database is locked" from SQLite (switching to WAL takes an exclusive lock)."""
    with sqlite3.connect(record, timeout=30, isolation_level=None) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, tag TEXT, what TEXT, pid INTEGER)")


def note(record: Path, tag: str, what: str) -> int:
    """Record a run; returns how many times this tag has been recorded with ``what`` (this one included)."""
    with sqlite3.connect(record, timeout=30, isolation_level=None) as db:
        db.execute("INSERT INTO runs (tag, what, pid) VALUES (?, ?, ?)", (tag, what, os.getpid()))
        return int(db.execute("SELECT count(*) FROM runs WHERE tag = ? AND what = ?", (tag, what)).fetchone()[0])


@dataclass
class App:
    broker: Broker
    record: dramatiq.Actor[Any, Any]
    flaky: dramatiq.Actor[Any, Any]
    hang: dramatiq.Actor[Any, Any]


def build(url: str, queue: str, record: Path, lease: float = 2.0) -> App:
    prepare(record)
    broker = make_broker(url, "sqlite:///unused.db", lease=lease)

    def _record(tag: str) -> None:
        note(record, tag, "run")

    def _flaky(tag: str, failures: int) -> None:
        if note(record, tag, "run") <= failures:
            raise RuntimeError(f"{tag}: failing on purpose")

    def _hang(tag: str) -> None:
        """The first run waits to be killed; the next one finishes."""
        if note(record, tag, "start") == 1:
            time.sleep(3600)
        note(record, tag, "done")

    options: dict[str, Any] = {"queue_name": queue, "broker": broker, "min_backoff": 10, "max_backoff": 200}
    return App(
        broker,
        dramatiq.actor(_record, actor_name="record", max_retries=0, **options),
        dramatiq.actor(_flaky, actor_name="flaky", max_retries=3, **options),
        dramatiq.actor(_hang, actor_name="hang", max_retries=0, time_limit=7_200_000, **options),
    )
