"""Queued workers, end to end: Dovecot to actions applied, with 1, 2 and 4 worker processes per broker; IDLE latency.

Throughput: for each broker and each worker count, four fresh Dovecot users
(two clients, two accounts each) hold ``--per-account`` messages of
``bench/corpus.py`` (hard-linked and indexed, not timed). That many
``mailflow worker --processes 1 --threads 1`` processes are started and
ready (not timed); then ``mailflow run --once --workers 0`` asks for the
pass and waits for it: its wall clock, from start to exit, is the time.
Messages/s = all messages / that time. The rules are ``bench/rules_100.toml``
(100 rules: labels, flags, moves, drafts, time), as in the pipeline bench.
By default the embedded broker runs on SQLite and Redis and RabbitMQ on
PostgreSQL (the multi-machine setup), on this machine's servers; ``--store``
runs every broker on one database, to tell the broker's cost from the
store's.

IDLE latency: ``mailflow run`` (embedded broker, IDLE on) watches one
account; ``--idle-samples`` messages are delivered one at a time (APPEND)
and the time from the APPEND's completion to the reply's draft being
visible in Drafts (a second connection looks every 10 ms) is measured.
Watched Maildir: the same for a Maildir account (``--maildir-samples``), each
message written to tmp/ and renamed into new/, until its draft is in
``.Drafts`` (looked for every 10 ms).

Hot reload: with the daemon running, a rules file with one more rule is
saved and a message for that rule delivered at once; the time until its
draft is in Drafts is measured.

SIGTERM: ``mailflow run`` is stopped with SIGTERM a fifth of the way into a
pass over one account; the time until it exits is measured.

    python bench/workers_bench.py --json bench-workers.json
    python bench/workers_bench.py --brokers embedded --workers 1 2 --per-account 500

Numbers are reported, never asserted. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.pipeline_bench import Mailboxes, log, workspace, write_corpus  # noqa: E402

RULES = Path(__file__).with_name("rules_100.toml")
REDIS_URL = os.environ.get("MAILFLOW_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
AMQP_URL = os.environ.get("MAILFLOW_BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
PG_ADMIN = os.environ.get("MAILFLOW_BENCH_PG", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")

PING_RULES = """version = 1
[templates]
ack = "Thanks, received. {{ assistant.name }}"
[[rule]]
name = "Acknowledge every ping"
when = { subject = { contains = "ping" } }
then = [ { draft_reply = { template = "ack" } } ]
"""


def fresh_database(kind: str, workdir: Path, tag: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir / f'{tag}.db'}"
    import psycopg

    name = f"mailflow_bench_{tag}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def broker_url(broker: str, workdir: Path, tag: str) -> str:
    if broker == "embedded":
        return f"sqlite:///{workdir / f'{tag}-queue.db'}"
    return REDIS_URL if broker == "redis" else AMQP_URL


def empty_queue(url: str, database: str) -> None:
    from workers.actors import QUEUE
    from workers.broker import make_broker

    broker = make_broker(url, database)
    broker.declare_queue(QUEUE)
    broker.flush_all()
    broker.close()


def write_config(
    workdir: Path, tag: str, users: list[tuple[str, str]], boxes: Mailboxes, database: str, broker: str, rules: str
) -> Path:
    home = workdir / tag
    (home / "rules").mkdir(parents=True)
    text = f'database = "{database}"\nbroker = "{broker}"\n[workers]\nthreads = 1\nlease = 10\n'
    text += '[assistant]\nname = "Sam Rivera"\nemail = "sam@rivera-va.example"\n'
    for c in range(0, len(users), 2):
        client = f"exec{c // 2}"
        (home / "rules" / f"{client}.toml").write_text(rules)
        text += f'[[clients]]\nid = "{client}"\nname = "Executive {c // 2}"\nemail = "dana@acme.example"\n'
        for a, (name, password) in enumerate(users[c : c + 2]):
            text += (
                f'[[clients.accounts]]\nid = "acct{c + a}"\nkind = "imap"\nhost = "{boxes.server.host}"\n'
                f'port = {boxes.server.port}\nusername = "{name}"\npassword = "{password}"\ntls = "none"\n'
            )
    config = home / "config.toml"
    config.write_text(text)
    return config


def mailflow(config: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mailflow", "--config", str(config), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_ready(proc: subprocess.Popen[str], marker: str) -> None:
    """Read the process's output until ``marker``, then keep draining it on a thread (a full pipe would block it)."""
    assert proc.stdout is not None
    stream = proc.stdout
    for line in stream:
        if marker in line:
            threading.Thread(target=lambda: [None for _ in stream], daemon=True).start()
            return
    raise RuntimeError(f"the process exited before {marker!r}")


def throughput(
    boxes: Mailboxes, corpus: Path, per_account: int, broker: str, workers: int, workdir: Path, store: str = "auto"
) -> dict[str, Any]:
    if store == "auto":
        store = "sqlite" if broker == "embedded" else "postgresql"
    tag = f"{broker}-{store[:2]}-{workers}"
    users = [boxes.user_with(corpus, per_account, f"{broker[:3]}{workers}x{n}") for n in range(4)]
    database = fresh_database(store, workdir, tag.replace("-", "_"))
    url = broker_url(broker, workdir, tag)
    empty_queue(url, database)
    config = write_config(workdir, tag, users, boxes, database, url, RULES.read_text())
    from mailflow.store import open_store

    open_store(database).close()
    procs = [mailflow(config, "worker", "--processes", "1", "--threads", "1") for _ in range(workers)]
    try:
        for proc in procs:
            wait_ready(proc, "threads on")
        cpu_before = boxes.dovecot_cpu()
        start = time.perf_counter()
        waiter = mailflow(config, "run", "--once", "--quiet", "--workers", "0")
        out, _ = waiter.communicate(timeout=3600)
        seconds = time.perf_counter() - start
        if waiter.returncode != 0:
            raise RuntimeError(f"run --once exited {waiter.returncode}:\n{out}")
        dovecot = boxes.dovecot_cpu() - cpu_before
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)
    total = per_account * 4
    result = {
        "broker": broker,
        "store": store,
        "workers": workers,
        "messages": total,
        "seconds": round(seconds, 2),
        "messages_per_s": round(total / seconds, 1),
        "dovecot_cpu_s": round(dovecot, 1),
    }
    log(f"{broker:>8} on {store:<10} x{workers}: {total} messages in {seconds:.1f}s = {total / seconds:.0f} msg/s")
    return result


def idle_latency(boxes: Mailboxes, samples: int, workdir: Path) -> dict[str, Any]:
    from imapclient import IMAPClient

    empty = workdir / "empty"
    (empty / "new").mkdir(parents=True)
    name, password = boxes.user_with(empty, 0, "idle")
    database = f"sqlite:///{workdir / 'idle.db'}"
    config = write_config(workdir, "idle", [(name, password)], boxes, database, "embedded", PING_RULES)
    daemon = mailflow(config, "run", "--quiet", "--interval", "3600")
    latencies: list[float] = []
    try:
        wait_ready(daemon, "IDLE")
        time.sleep(2.0)  # the first sync (an empty mailbox) and the watcher's IDLE
        with (
            IMAPClient(boxes.server.host, port=boxes.server.port, ssl=False) as sender,
            IMAPClient(boxes.server.host, port=boxes.server.port, ssl=False) as looker,
        ):
            sender.login(name, password)
            looker.login(name, password)
            for n in range(samples):
                mid = f"<ping-{n}-{uuid.uuid4().hex[:8]}@bench.example>"
                raw = (
                    f"From: Pat Doe <pat@example.org>\r\nTo: dana@acme.example\r\nSubject: ping {n}\r\n"
                    f"Message-ID: {mid}\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\n\r\nAre you there?\r\n"
                ).encode()
                sender.append("INBOX", raw)
                sent = time.perf_counter()
                while True:
                    if looker.folder_exists("Drafts"):
                        looker.select_folder("Drafts", readonly=True)
                        if looker.search(["HEADER", "In-Reply-To", mid]):
                            break
                    if time.perf_counter() - sent > 60:
                        raise RuntimeError(f"no draft for {mid} after 60 s")
                    time.sleep(0.01)
                latencies.append(time.perf_counter() - sent)
                time.sleep(0.3)
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)
    result = percentiles(latencies)
    log(f"IDLE: new mail to draft in Drafts, p50 {result['p50_s']}s, p95 {result['p95_s']}s over {len(latencies)}")
    return result


def percentiles(latencies: list[float]) -> dict[str, Any]:
    latencies = sorted(latencies)
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    return {
        "samples": len(latencies),
        "p50_s": round(statistics.median(latencies), 3),
        "p95_s": round(p95, 3),
        "max_s": round(latencies[-1], 3),
    }


def maildir_latency(samples: int, workdir: Path) -> dict[str, Any]:
    """The same as ``idle_latency`` for a watched Maildir: a file delivered to new/ until its draft is in .Drafts."""
    root = workdir / "watched"
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    home = workdir / "maildir-watch"
    (home / "rules").mkdir(parents=True)
    (home / "rules" / "dana.toml").write_text(PING_RULES)
    config = home / "config.toml"
    config.write_text(
        f'database = "sqlite:///{home / "mf.db"}"\n[workers]\nthreads = 1\n'
        '[assistant]\nname = "Sam Rivera"\nemail = "sam@rivera-va.example"\n'
        '[[clients]]\nid = "dana"\nname = "Dana Whitfield"\nemail = "dana@acme.example"\n'
        f'[[clients.accounts]]\nid = "dana"\nkind = "maildir"\npath = "{root}"\n'
    )
    daemon = mailflow(config, "run", "--quiet", "--interval", "3600")
    latencies: list[float] = []
    drafts = [root / ".Drafts" / "cur", root / ".Drafts" / "new"]
    try:
        wait_ready(daemon, "Maildir accounts watched")
        time.sleep(2.0)  # the first sync (an empty mailbox)
        for n in range(samples):
            mid = f"<ping-{n}-{uuid.uuid4().hex[:8]}@bench.example>"
            raw = (
                f"From: Pat Doe <pat@example.org>\r\nTo: dana@acme.example\r\nSubject: ping {n}\r\n"
                f"Message-ID: {mid}\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\n\r\nAre you there?\r\n"
            ).encode()
            name = f"{time.time():.6f}.M{n}P{os.getpid()}.bench"
            (root / "tmp" / name).write_bytes(raw)
            (root / "tmp" / name).rename(root / "new" / name)  # delivered, as an MDA or mbsync does
            sent = time.perf_counter()
            while sum(len(list(d.iterdir())) for d in drafts if d.is_dir()) <= n:
                if time.perf_counter() - sent > 60:
                    raise RuntimeError(f"no draft for {mid} after 60 s")
                time.sleep(0.01)
            latencies.append(time.perf_counter() - sent)
            time.sleep(random.uniform(0.3, 1.3))  # not in step with the watcher's looks
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)
    result = percentiles(latencies)
    log(f"Maildir: new mail to draft in .Drafts, p50 {result['p50_s']}s, p95 {result['p95_s']}s over {samples}")
    return result


def reload_latency(boxes: Mailboxes, samples: int, workdir: Path) -> dict[str, Any]:
    """Seconds from saving a rules file with a new rule to that rule's draft being in Drafts for the next message.

    ``mailflow run`` (embedded broker, IDLE) runs with rules that match nothing; each sample saves
    a file with one more rule (answer subject "reload N"), then at once delivers such a message.
    """
    from imapclient import IMAPClient

    empty = workdir / "empty-reload"
    (empty / "new").mkdir(parents=True)
    name, password = boxes.user_with(empty, 0, "reload")
    database = f"sqlite:///{workdir / 'reload.db'}"
    base = 'version = 1\n[templates]\nack = "Thanks."\n'
    config = write_config(workdir, "reload", [(name, password)], boxes, database, "embedded", base)
    rules_file = workdir / "reload" / "rules" / "exec0.toml"
    rule = '[[rule]]\nname = "Answer {n}"\nwhen = {{ subject = {{ contains = "reload {n}" }} }}\n'
    rule += 'then = [ {{ draft_reply = {{ template = "ack" }} }} ]\n'
    daemon = mailflow(config, "run", "--quiet", "--interval", "3600")
    latencies: list[float] = []
    try:
        wait_ready(daemon, "IDLE")
        time.sleep(2.0)
        text = base
        with (
            IMAPClient(boxes.server.host, port=boxes.server.port, ssl=False) as sender,
            IMAPClient(boxes.server.host, port=boxes.server.port, ssl=False) as looker,
        ):
            sender.login(name, password)
            looker.login(name, password)
            for n in range(samples):
                text += rule.format(n=n)
                mid = f"<reload-{n}-{uuid.uuid4().hex[:8]}@bench.example>"
                raw = (
                    f"From: Pat Doe <pat@example.org>\r\nTo: dana@acme.example\r\nSubject: reload {n}\r\n"
                    f"Message-ID: {mid}\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\n\r\nNew rule?\r\n"
                ).encode()
                saved = time.perf_counter()
                rules_file.write_text(text)
                sender.append("INBOX", raw)
                while True:
                    if looker.folder_exists("Drafts"):
                        looker.select_folder("Drafts", readonly=True)
                        if looker.search(["HEADER", "In-Reply-To", mid]):
                            break
                    if time.perf_counter() - saved > 60:
                        raise RuntimeError(f"the new rule {n} did not act within 60 s")
                    time.sleep(0.01)
                latencies.append(time.perf_counter() - saved)
                time.sleep(0.5)
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)
    latencies.sort()
    result = {
        "samples": len(latencies),
        "p50_s": round(statistics.median(latencies), 3),
        "max_s": round(latencies[-1], 3),
    }
    log(f"hot reload: saved rule to its draft in Drafts, p50 {result['p50_s']}s, max {result['max_s']}s")
    return result


def sigterm_stop(boxes: Mailboxes, corpus: Path, per_account: int, samples: int, workdir: Path) -> dict[str, Any]:
    """Seconds from SIGTERM to exit of ``mailflow run`` in the middle of a pass (embedded broker)."""
    from mailflow.store import open_store

    stops: list[float] = []
    for n in range(samples):
        user = boxes.user_with(corpus, per_account, f"term{n}")
        database = f"sqlite:///{workdir / f'term{n}.db'}"
        config = write_config(workdir, f"term{n}", [user], boxes, database, "embedded", RULES.read_text())
        daemon = mailflow(config, "run", "--quiet")
        wait_ready(daemon, "IDLE")
        store = open_store(database)
        try:
            while sum(c for _cl, _a, _st, c in store.counts()) < per_account // 5:  # recorded, planned or not
                time.sleep(0.02)
            start = time.perf_counter()
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=120)
            stops.append(time.perf_counter() - start)
            recorded = sum(c for _cl, _a, _st, c in store.counts())
        finally:
            store.close()
        log(f"SIGTERM mid-pass ({recorded} of {per_account} recorded at exit): exited in {stops[-1]:.2f}s")
    return {"samples": len(stops), "max_s": round(max(stops), 2), "median_s": round(statistics.median(stops), 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-account", type=int, default=1000, help="messages in each of the 4 accounts")
    parser.add_argument("--brokers", nargs="+", default=["embedded", "redis", "rabbitmq"])
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2, 4])
    parser.add_argument(
        "--store",
        choices=["auto", "sqlite", "postgresql"],
        default="auto",
        help="the database: auto is SQLite for the embedded broker, PostgreSQL for Redis and RabbitMQ",
    )
    parser.add_argument("--idle-samples", type=int, default=40, help="0 skips the IDLE latency")
    parser.add_argument("--maildir-samples", type=int, default=40, help="0 skips the watched-Maildir latency")
    parser.add_argument("--reload-samples", type=int, default=10, help="0 skips the hot-reload latency")
    parser.add_argument("--sigterm-samples", type=int, default=3, help="0 skips the SIGTERM stop time")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "per_account": args.per_account,
        "throughput": [],
    }
    with workspace(keep=False) as workdir:
        boxes = Mailboxes(workdir)
        boxes.start()
        try:
            corpus = workdir / "corpus"
            write_corpus(corpus, args.per_account, seed=7)
            for broker in args.brokers:
                for workers in args.workers:
                    results["throughput"].append(
                        throughput(boxes, corpus, args.per_account, broker, workers, workdir, args.store)
                    )
            if args.idle_samples:
                results["idle"] = idle_latency(boxes, args.idle_samples, workdir)
            if args.maildir_samples:
                results["maildir"] = maildir_latency(args.maildir_samples, workdir)
            if args.reload_samples:
                results["reload"] = reload_latency(boxes, args.reload_samples, workdir)
            if args.sigterm_samples:
                results["sigterm"] = sigterm_stop(boxes, corpus, args.per_account, args.sigterm_samples, workdir)
        finally:
            boxes.stop()
    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
