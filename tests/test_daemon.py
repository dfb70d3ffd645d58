"""The daemon and its workers on the embedded broker: schedule, push entry point, parking, SIGTERM.

Maildir accounts keep these fast; the same code runs for IMAP (tests/test_crash.py).
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import text

from mailflow.cli import cli
from mailflow.config import load_settings
from mailflow.report import AccountReport
from mailflow.store import open_store
from workers.embedded import SQLiteBroker
from workers.main import RUNTIME
from workers.service import PassResult, Runtime, queued_pass, serve

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "mailflow" / "sample" / "maildir"
RULES = (ROOT / "rules" / "dana.toml").read_text()
SAMPLE_COUNT = 13


def setup(tmp_path: Path, clients: tuple[str, ...] = ("dana", "lee"), missing: tuple[str, ...] = ()) -> Path:
    (tmp_path / "rules").mkdir(exist_ok=True)
    text = 'database = "sqlite:///mf.db"\n[workers]\nlease = 2\ninterval = 1\n'
    text += '[assistant]\nname = "Sam Rivera"\nemail = "sam@rivera-va.example"\n'
    for client in clients:
        if client not in missing:
            shutil.copytree(SAMPLE, tmp_path / client)
        (tmp_path / "rules" / f"{client}.toml").write_text(RULES)
        text += f'[[clients]]\nid = "{client}"\nname = "{client.title()}"\nemail = "{client}@acme.example"\n'
        text += f'[[clients.accounts]]\nkind = "maildir"\npath = "{client}"\n'
    config = tmp_path / "config.toml"
    config.write_text(text)
    return config


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), obj={"runtime": RUNTIME})
    return result.exit_code, result.output


def done(database: str) -> dict[str, int]:
    store = open_store(database)
    try:
        return {f"{c}/{s}": n for c, _a, s, n in store.counts()}
    finally:
        store.close()


def test_a_queued_pass_returns_every_accounts_report(tmp_path: Path) -> None:
    settings = load_settings(setup(tmp_path))
    store = open_store(settings.database)
    result = queued_pass(settings, store)
    assert result.ok
    assert [(r.client, r.new) for r in result.reports] == [("dana", SAMPLE_COUNT), ("lee", SAMPLE_COUNT)]
    assert sum(r.actions["draft_reply"] for r in result.reports) > 0
    again = queued_pass(settings, store)
    assert [r.new for r in again.reports] == [0, 0]
    assert again.reports[0].skipped > 0
    store.close()


def test_a_missing_mailbox_parks_its_account_and_the_others_run(tmp_path: Path) -> None:
    config = setup(tmp_path, missing=("dana",))
    code, out = invoke("--config", str(config), "run", "--once", "--quiet")
    assert code == 3, out
    assert "[lee/lee] 13 new" in out
    assert "[dana/dana] error:" in out and "is not a Maildir" in out
    code, out = invoke("--config", str(config), "status")
    assert code == 3
    assert "PARKED since" in out and "mailflow resume dana" in out
    assert "healthy since" in out  # lee

    shutil.copytree(SAMPLE, tmp_path / "dana")
    code, out = invoke("--config", str(config), "resume", "dana")
    assert code == 0, out
    code, out = invoke("--config", str(config), "run", "--once", "--quiet")
    assert code == 0, out
    assert "[dana/dana] 13 new" in out
    code, out = invoke("--config", str(config), "status")
    assert code == 0 and "PARKED" not in out, out


def test_the_scheduler_syncs_new_mail_and_skips_a_parked_account(tmp_path: Path) -> None:
    config = setup(tmp_path, missing=("lee",))
    settings = load_settings(config)
    store = open_store(settings.database)
    stop = threading.Event()
    passes: list[PassResult] = []
    daemon = threading.Thread(target=serve, args=(settings, store, 1.0, stop, passes.append))
    daemon.start()
    try:
        deadline = time.monotonic() + 60
        while done(settings.database).get("dana/done", 0) < SAMPLE_COUNT and time.monotonic() < deadline:
            time.sleep(0.1)
        assert done(settings.database).get("dana/done") == SAMPLE_COUNT
        # New mail arrives: the next scheduled sync handles it.
        new = tmp_path / "dana" / "new" / "1700000000.arrived.host"
        new.write_bytes(
            next(p for p in (SAMPLE / "new").iterdir() if p.name != ".keep")
            .read_bytes()
            .replace(b"Message-ID: <", b"Message-ID: <x")
        )
        while done(settings.database).get("dana/done", 0) < SAMPLE_COUNT + 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert done(settings.database).get("dana/done") == SAMPLE_COUNT + 1
        time.sleep(2.5)  # two more intervals: the parked account is not tried again
    finally:
        stop.set()
        daemon.join()
    lee = [r for p in passes for r in p.reports if r.client == "lee"]
    assert len(lee) == 1 and lee[0].failure == "permanent"
    assert store.health()["lee"]["state"] == "parked"
    store.close()


def test_a_push_names_messages_and_only_those_are_handled_now(tmp_path: Path) -> None:
    settings = load_settings(setup(tmp_path, clients=("dana",)))
    store = open_store(settings.database)
    runtime = Runtime.start(settings, store, threads=1)
    try:
        box = tmp_path / "dana"
        names = sorted(p.name for sub in ("new", "cur") for p in (box / sub).iterdir() if p.name != ".keep")[:2]
        locators = [n.split(":2,")[0] for n in names]
        runtime.actors.process_message.send("dana", "dana", "INBOX", locators)
        broker = runtime.actors.broker
        assert isinstance(broker, SQLiteBroker)
        broker.join("mailflow", timeout=60_000)
        assert done(settings.database) == {"dana/done": 2}
    finally:
        runtime.stop()
    result = queued_pass(settings, store)
    assert [r.new for r in result.reports] == [SAMPLE_COUNT - 2]
    store.close()


def test_sigterm_stops_the_daemon_mid_pass_and_the_rest_is_done_once_later(tmp_path: Path) -> None:
    from bench import corpus

    config = setup(tmp_path, clients=("dana",), missing=("dana",))
    corpus.write_maildir(tmp_path / "dana", 3000, seed=3)
    proc = subprocess.Popen(
        [sys.executable, "-m", "mailflow", "--config", str(config), "run", "--quiet"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    database = load_settings(config).database
    deadline = time.monotonic() + 120
    while sum(done(database).values()) < 250 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert sum(done(database).values()) < 3000, "stopped mid-pass"
    queue = SQLiteBroker(tmp_path / "mailflow-queue.db")
    assert queue.depth("mailflow") == 1, "the interrupted sync went back to the queue"
    queue.close()
    code, out = invoke("--config", str(config), "run", "--once", "--quiet")
    assert code == 0, out
    assert done(database).get("dana/done", 0) + done(database).get("dana/quarantined", 0) == 3000


def test_two_syncs_of_one_account_in_one_worker_never_run_at_once(tmp_path: Path) -> None:
    from bench import corpus

    settings = load_settings(setup(tmp_path, clients=("dana",), missing=("dana",)))
    corpus.write_maildir(tmp_path / "dana", 1500, seed=5)
    store = open_store(settings.database)
    runtime = Runtime.start(settings, store, threads=2)
    try:
        first = runtime.request([("dana", "dana")])
        second = runtime.request([("dana", "dana")])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            runs = store.runs(first) + store.runs(second)
            if all(r["finished_at"] is not None for r in runs):
                break
            time.sleep(0.1)
    finally:
        runtime.stop()
    reports = [AccountReport.from_json(r["report"]) for r in store.runs(first) + store.runs(second)]
    assert [r.error for r in reports] == [None, None]
    assert sorted(r.new for r in reports) == [0, 1500], "one did it all, the other found it done"
    with store.engine.connect() as conn:
        entries = conn.execute(text("SELECT count(*), count(DISTINCT message_key) FROM time_entries")).one()
    assert entries[0] == entries[1] > 0, "one time entry per message"
    store.close()


def test_the_daemon_serves_prometheus_metrics_of_the_work_done(tmp_path: Path) -> None:
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = load_settings(setup(tmp_path, clients=("dana",)))
    store = open_store(settings.database)
    stop = threading.Event()
    passes: list[PassResult] = []
    daemon = threading.Thread(
        target=serve, args=(settings, store, 60.0, stop, passes.append), kwargs={"metrics": f"127.0.0.1:{port}"}
    )
    daemon.start()
    try:
        deadline = time.monotonic() + 60
        while not passes and time.monotonic() < deadline:
            time.sleep(0.05)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            page = response.read().decode()
    finally:
        stop.set()
        daemon.join()
    store.close()
    lines = set(page.splitlines())
    assert 'mailflow_messages_total{account="dana",client="dana",outcome="new"} 13.0' in lines
    drafts = passes[0].reports[0].actions["draft_reply"]
    assert f'mailflow_actions_total{{client="dana",kind="draft_reply"}} {float(drafts)}' in lines
    assert 'mailflow_syncs_total{account="dana",client="dana"} 1.0' in lines
    assert 'mailflow_sync_latency_seconds_count{trigger="poll"} 1.0' in lines
    assert 'mailflow_accounts{state="ok"} 1.0' in lines
    assert "mailflow_queue_depth 0.0" in lines
