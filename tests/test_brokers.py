"""One suite for the three brokers (embedded, Redis, RabbitMQ): delivery, delays, retries, dead letters, kills.

Workers run as real processes (``python -m tests.brokerapp``) so that a
SIGKILL is a real kill: nothing in the dying process gets to clean up.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.brokerapp import App, build, runs
from workers.embedded import SQLiteBroker

ROOT = Path(__file__).resolve().parent.parent
LEASE = 2.0  # seconds: how soon a killed worker's message comes back (Redis: its heartbeat timeout)
WAIT = 60.0


class Workers:
    """Worker processes for one test; every one still running is stopped at the end."""

    def __init__(self, url: str, queue: str, record: Path) -> None:
        self.url, self.queue, self.record = url, queue, record
        self.procs: list[subprocess.Popen[str]] = []

    def start(self, threads: int = 2) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.brokerapp", self.url, self.queue, str(self.record), str(LEASE), str(threads)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()


def wait_for(what: Callable[[], bool], message: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not what():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting: {message}")
        time.sleep(0.05)


@pytest.fixture
def app(broker_url: str, tmp_path: Path) -> Iterator[App]:
    queue = "t" + uuid.uuid4().hex[:10]
    built = build(broker_url, queue, tmp_path / "runs.db", LEASE)
    built.broker.flush_all()
    yield built
    built.broker.flush_all()
    built.broker.close()


@pytest.fixture
def workers(app: App, broker_url: str, tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(broker_url, app.record.queue_name, tmp_path / "runs.db")
    yield pool
    pool.stop_all()


def test_every_message_is_delivered_once(app: App, workers: Workers, tmp_path: Path) -> None:
    for proc in range(3):
        del proc
        workers.start()
    tags = [f"m{i}" for i in range(150)]
    for tag in tags:
        app.record.send(tag)
    record = tmp_path / "runs.db"
    wait_for(lambda: len(runs(record)) >= len(tags), "150 messages")
    time.sleep(LEASE * 1.5)  # long enough for a lost lease to show as a second delivery
    done = [tag for tag, _what, _pid in runs(record)]
    assert sorted(done) == sorted(tags)
    assert len({pid for _t, _w, pid in runs(record)}) > 1, "three workers shared the work"


def test_a_delayed_message_waits_for_its_time(app: App, workers: Workers, tmp_path: Path) -> None:
    workers.start()
    app.record.send_with_options(args=("later",), delay=1500)
    app.record.send("now")
    record = tmp_path / "runs.db"
    wait_for(lambda: len(runs(record)) == 2, "both messages")
    assert [tag for tag, _w, _p in runs(record)] == ["now", "later"]


def test_failures_are_retried_then_dead_lettered(app: App, workers: Workers, tmp_path: Path) -> None:
    workers.start()
    app.flaky.send("twice", 2)  # fails twice, succeeds on the third run
    app.flaky.send("always", 99)  # max_retries 3: four runs, then dead-lettered
    record = tmp_path / "runs.db"
    wait_for(lambda: len(runs(record, "twice")) == 3 and len(runs(record, "always")) == 4, "the retries")
    time.sleep(0.5)
    assert len(runs(record, "twice")) == 3
    assert len(runs(record, "always")) == 4
    if isinstance(app.broker, SQLiteBroker):
        broker = app.broker
        wait_for(lambda: bool(broker.dead_letters(app.flaky.queue_name)), "the dead letter")
        dead = broker.dead_letters(app.flaky.queue_name)
        why = "RuntimeError: always: failing on purpose"
        assert [(list(m.args), reason) for m, reason in dead] == [(["always", 99], why)]


def test_a_message_held_by_a_killed_worker_is_taken_again(app: App, workers: Workers, tmp_path: Path) -> None:
    first = workers.start(threads=1)
    app.hang.send("job")
    record = tmp_path / "runs.db"
    wait_for(lambda: len(runs(record, "job")) == 1, "the first worker to start the job")
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    workers.start(threads=1)
    wait_for(lambda: ("job", "done", 0) in [(t, w, 0) for t, w, _p in runs(record, "job")], "the job to finish")
    assert [w for _t, w, _p in runs(record, "job")] == ["start", "start", "done"]


def test_messages_a_stopped_worker_had_taken_go_back_to_the_queue(app: App, workers: Workers, tmp_path: Path) -> None:
    first = workers.start(threads=1)
    app.hang.send("blocker")  # keeps the only thread busy while the others sit prefetched
    record = tmp_path / "runs.db"
    wait_for(lambda: len(runs(record, "blocker")) == 1, "the blocker to start")
    for i in range(5):
        app.record.send(f"queued{i}")
    time.sleep(0.5)
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=30) == 0  # requeue() on shutdown must not crash
    workers.start(threads=2)
    wait_for(lambda: len([r for r in runs(record) if r[0].startswith("queued")]) == 5, "the queued messages")
    wait_for(lambda: [w for _t, w, _p in runs(record, "blocker")][-1:] == ["done"], "the blocker to be redone")
    assert sorted(t for t, _w, _p in runs(record) if t.startswith("queued")) == [f"queued{i}" for i in range(5)]
