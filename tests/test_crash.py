"""Workers killed with SIGKILL at random moments still do every message's work exactly once.

2,000 messages over 4 accounts (two clients) on Dovecot, the example rules
(labels, flags, moves, drafts, time). ``mailflow run --once --workers 0``
asks for the pass and waits (and a second one is asked for while the first
is under way, so two syncs of each account are queued at once); two
``mailflow worker`` processes of two threads do the work; ten times, while
the work goes on, one of them is killed with SIGKILL and another started.
At the end every account's mailbox must be exactly what an uninterrupted
run made of the same mail (no draft twice, no message lost or copied, every
keyword and flag), and the time log the same, entry for entry. It runs for
each broker (embedded, Redis, RabbitMQ) on each store (SQLite, PostgreSQL).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bench import corpus
from mailflow.store import open_store
from tests.servers.dovecot import DovecotServer, DovecotUser
from tests.test_imap_end_to_end import assert_same_state, server_state
from workers.actors import QUEUE
from workers.broker import make_broker

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "dana.toml"
PER_ACCOUNT = 500
ACCOUNTS = 4
KILLS = 10
LEASE = 2  # seconds: how soon a killed worker's account and messages go to another

pytestmark = [pytest.mark.dovecot, pytest.mark.slow]

State = dict[str, Counter[tuple[str, ...]]]


def make_users(server: DovecotServer, tag: str) -> list[DovecotUser]:
    users = []
    for n in range(ACCOUNTS):
        user = server.add_user(f"{tag}{n}-{os.urandom(4).hex()}", f"pw-{os.urandom(6).hex()}")
        with server.imap_client(user) as client:
            for raw in corpus.generate(PER_ACCOUNT, seed=500 + n):
                client.append("INBOX", raw)
        users.append(user)
    return users


def write_config(tmp: Path, users: list[DovecotUser], database: str, broker: str) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "rules").mkdir(exist_ok=True)
    text_ = f"""
database = "{database}"
broker = "{broker}"
batch_size = 25

[workers]
threads = 2
lease = {LEASE}

[assistant]
name = "Sam Rivera"
email = "sam@rivera-va.example"
"""
    for c in range(2):
        client = f"exec{c}"
        (tmp / "rules" / f"{client}.toml").write_text(RULES.read_text())
        text_ += f"""
[[clients]]
id = "{client}"
name = "Executive {c}"
email = "dana@acme.example"
timezone = "America/New_York"
"""
        for a in range(2):
            user = users[c * 2 + a]
            text_ += f"""
[[clients.accounts]]
id = "acct{c * 2 + a}"
kind = "imap"
host = "{user.host}"
port = {user.port}
username = "{user.name}"
password = "{user.password}"
tls = "none"
batch_size = 25
"""
    config = tmp / "config.toml"
    config.write_text(text_)
    return config


def mailflow(config: Path, *args: str) -> subprocess.Popen[str]:
    """A mailflow process whose output the test reads to the end (``communicate``)."""
    return subprocess.Popen(
        [sys.executable, "-m", "mailflow", "--config", str(config), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def worker(config: Path, log: Path) -> subprocess.Popen[str]:
    """A ``mailflow worker`` logging to a file.

    Not to a pipe: nobody reads a worker's pipe while it runs, and once the
    errors of an outage fill the pipe's 64 KB the worker blocks on its next
    log line, which looks exactly like a hung worker.
    """
    with log.open("a") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "mailflow", "--config", str(config), "worker", "--processes", "1"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )


def tails(logs: list[Path]) -> str:
    return "\n".join(f"--- {log.name} ---\n{log.read_text()[-4000:]}" for log in logs if log.exists())


def time_log(database: str) -> dict[str, Counter[tuple[str, str, int]]]:
    """Each account's time entries as (message key, activity, seconds)."""
    store = open_store(database)
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(text("SELECT account, message_key, activity, seconds FROM time_entries")).all()
    finally:
        store.close()
    log: dict[str, Counter[tuple[str, str, int]]] = {}
    for account, key, activity, seconds in rows:
        log.setdefault(account, Counter())[(key, activity, seconds)] += 1
    return log


def handled(database: str) -> int:
    store = open_store(database)
    try:
        return sum(n for _c, _a, status, n in store.counts() if status != "planned")
    finally:
        store.close()


@pytest.fixture(scope="module")
def reference(
    dovecot_server: DovecotServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[list[State], dict[str, Counter[tuple[str, str, int]]]]]:
    """What an uninterrupted run (embedded broker, SQLite) makes of the same four mailboxes."""
    tmp = tmp_path_factory.mktemp("reference")
    users = make_users(dovecot_server, "ref")
    database = f"sqlite:///{tmp / 'mailflow.db'}"
    config = write_config(tmp, users, database, "embedded")
    proc = mailflow(config, "run", "--once", "--quiet")
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out
    yield [server_state(dovecot_server, u) for u in users], time_log(database)


def test_workers_killed_at_random_moments_leave_every_message_done_exactly_once(
    dovecot_server: DovecotServer,
    reference: tuple[list[State], dict[str, Counter[tuple[str, str, int]]]],
    broker_url: str,
    store_url: str,
    tmp_path: Path,
) -> None:
    want_states, want_log = reference
    users = make_users(dovecot_server, "crash")
    broker = make_broker(broker_url, store_url, lease=LEASE)
    broker.declare_queue(QUEUE)
    broker.flush_all()  # nothing left over from another test on a shared server
    broker.close()
    config = write_config(tmp_path, users, store_url, broker_url)
    open_store(store_url).close()  # migrated once, before the processes race to do it

    waiter = mailflow(config, "run", "--once", "--quiet", "--workers", "0")
    second = waiter
    logs = [tmp_path / f"worker-{n}.log" for n in range(2)]
    workers = [worker(config, log) for log in logs]
    rng = random.Random(4)
    total = PER_ACCOUNT * ACCOUNTS
    kills_during_work = 0
    try:
        started = time.monotonic()
        for kill in range(KILLS):
            if kill == 3:  # a second pass asked for while the first is under way: two syncs per account queued
                second = mailflow(config, "run", "--once", "--quiet", "--workers", "0")
            time.sleep(rng.uniform(0.2, 0.8))
            victim = rng.randrange(len(workers))
            workers[victim].send_signal(signal.SIGKILL)
            workers[victim].communicate()
            if handled(store_url) < total and waiter.poll() is None:
                kills_during_work += 1
            workers[victim] = worker(config, logs[victim])
        killing = time.monotonic() - started
        out, _ = waiter.communicate(timeout=600)
        out2, _ = second.communicate(timeout=600)
    finally:
        for proc in [*workers, waiter, second]:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in workers:
            try:
                proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
        for proc in (waiter, second):
            if proc.poll() is None:
                proc.kill()
                proc.communicate()

    assert waiter.returncode == 0, out + tails(logs)
    assert second.returncode == 0, out2 + tails(logs)
    assert kills_during_work >= KILLS // 2, (
        f"only {kills_during_work} of the kills came while work remained (the kills took {killing:.1f} s)"
    )
    assert handled(store_url) == total
    for n, user in enumerate(users):
        assert_same_state(server_state(dovecot_server, user), want_states[n])
    got_log = time_log(store_url)
    assert got_log == want_log


# -- servers restarted during a run ----------------------------------------------


class OwnRedis:
    """A Redis of this test's own on a free port, keeping nothing on disk (as this machine's does)."""

    def __init__(self) -> None:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        import socket

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.proc = None


def _pg_restart() -> None:
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not versions or not shutil.which("pg_ctlcluster"):
        if os.environ.get("CI") == "true":
            pytest.fail("pg_ctlcluster is needed to restart PostgreSQL under CI=true")
        pytest.skip("no pg_ctlcluster to restart PostgreSQL with")
    # Down for three seconds: long enough for every worker to meet the outage mid-pass.
    cluster = ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main"]
    subprocess.run([*cluster, "stop", "-m", "fast"], check=True, capture_output=True)
    time.sleep(3.0)
    subprocess.run([*cluster, "start"], check=True, capture_output=True)


def _rabbit_restart() -> None:
    env = {**os.environ, "HOME": "/var/lib/rabbitmq"}
    subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True, env=env, timeout=120)
    time.sleep(1.0)
    subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True, env=env, timeout=120)


@pytest.mark.parametrize("part", ["redis", "rabbitmq", "postgresql"])
def test_a_server_restarted_during_a_run_loses_nothing(
    dovecot_server: DovecotServer,
    reference: tuple[list[State], dict[str, Counter[tuple[str, str, int]]]],
    part: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    from tests.servers.brokers import AMQP_URL, require_server

    want_states, want_log = reference
    redis = OwnRedis()
    store_url = f"sqlite:///{tmp_path / 'mailflow.db'}"
    if part == "redis":
        if not shutil.which("redis-server"):
            require_server("redis-server", "127.0.0.1", 1)  # skips, or fails under CI=true
        redis.start()
        broker_url, restart = redis.url, lambda: (redis.stop(), time.sleep(1.0), redis.start())
    elif part == "rabbitmq":
        require_server("RabbitMQ", "127.0.0.1", 5672)
        if not shutil.which("rabbitmqctl"):
            if os.environ.get("CI") == "true":
                pytest.fail("rabbitmqctl is needed to restart RabbitMQ under CI=true")
            pytest.skip("no rabbitmqctl to restart RabbitMQ with")
        broker_url, restart = AMQP_URL, _rabbit_restart
    else:
        store_url = request.getfixturevalue("postgres_url")
        broker_url, restart = f"sqlite:///{tmp_path / 'queue.db'}", _pg_restart
    try:
        users = make_users(dovecot_server, part[:4])
        broker = make_broker(broker_url, store_url, lease=LEASE)
        broker.declare_queue(QUEUE)
        broker.flush_all()
        broker.close()
        config = write_config(tmp_path, users, store_url, broker_url)
        open_store(store_url).close()
        waiter = mailflow(config, "run", "--once", "--quiet", "--workers", "0")
        logs = [tmp_path / f"worker-{n}.log" for n in range(2)]
        workers = [worker(config, log) for log in logs]
        try:
            deadline = time.monotonic() + 120
            while handled(store_url) < 300 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert handled(store_url) < PER_ACCOUNT * ACCOUNTS, "the restart comes while work remains"
            restart()
            out, _ = waiter.communicate(timeout=600)
        finally:
            for proc in [*workers, waiter]:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in [*workers, waiter]:
                try:
                    proc.communicate(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.communicate()
        assert waiter.returncode == 0, out + tails(logs)
        assert handled(store_url) == PER_ACCOUNT * ACCOUNTS
        for n, user in enumerate(users):
            assert_same_state(server_state(dovecot_server, user), want_states[n])
        assert time_log(store_url) == want_log
    finally:
        redis.stop()
