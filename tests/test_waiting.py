"""Actions that wait for a server: ``apply_action`` tries them again without a sync, and exactly once.

A forward the mail server defers (``451`` to RCPT TO) stays planned and in
the report's ``waiting``; ``apply_action`` applies just those actions once
the server takes mail, and reads no new mail; the daemon's scheduler sends
it on a backoff of its own, long before the next sync. Meetings whose
calendars cannot be reached wait the same way instead of failing.
"""

from __future__ import annotations

import email
import socket
import threading
import time
from pathlib import Path

from sqlalchemy import select

from mailflow.config import load_settings
from mailflow.store import open_store
from mailflow.store.tables import actions
from tests.servers.smtp import SmtpServer
from tests.test_forward_notify import demo, invoices, invoke
from workers.embedded import SQLiteBroker
from workers.runner import PassResult
from workers.scheduler import Scheduler
from workers.service import Runtime, queued_pass, serve

INVOICE = (
    b"From: Billing <billing@brightline.example>\r\nTo: dana@acme.example\r\n"
    b"Subject: Invoice #5521\r\nMessage-ID: <pushed@brightline.example>\r\n\r\nDue in 30 days.\r\n"
)
NEW = (
    b"From: Kim <kim@friends.example>\r\nTo: dana@acme.example\r\nSubject: Lunch?\r\nMessage-ID: <late@x>\r\n\r\nHi\r\n"
)


def statuses(database: str, kind: str) -> list[str]:
    """The ledger status of each action of ``kind``."""
    store = open_store(database)
    try:
        with store.engine.connect() as conn:
            return list(conn.execute(select(actions.c.status).where(actions.c.kind == kind)).scalars())
    finally:
        store.close()


def forward_statuses(database: str) -> list[str]:
    return statuses(database, "forward")


def test_apply_action_applies_the_waiting_forwards_once_and_reads_no_new_mail(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    config = demo(tmp_path, smtp_server.port, timeout=5.0)
    settings = load_settings(config)
    want = invoices(tmp_path)
    smtp_server.handler.defer = True
    store = open_store(settings.database)
    first = queued_pass(settings, store)
    (report,) = first.reports
    assert report.error is None and len(report.waiting) == want > 0, "each deferred forward waits"
    assert not smtp_server.received and forward_statuses(settings.database) == ["planned"] * want
    recorded = sum(n for *_, n in store.counts())
    code, out = invoke("--config", str(config), "status")
    assert f"waiting for a server (outgoing mail, calendars): {want} forward; tried again automatically" in out, out
    (tmp_path / "demo" / "maildir" / "new" / "1800000000.late.host").write_bytes(NEW)

    smtp_server.handler.defer = False
    runtime = Runtime.start(settings, store, threads=1)
    try:
        broker = runtime.actors.broker
        assert isinstance(broker, SQLiteBroker)
        for _ in range(2):  # the second time finds them done: nothing is sent again
            pass_id = runtime.retry("dana", "dana", report.waiting)
            broker.join("mailflow", timeout=60_000)
            (run,) = store.runs_of([pass_id])
            assert run["finished_at"] is not None and run["report"]["waiting"] == []
    finally:
        runtime.stop()
    assert len(smtp_server.received) == want, "every forward went out, once"
    assert forward_statuses(settings.database) == ["done"] * want
    assert sum(n for *_, n in store.counts()) == recorded, "the new message waits for a sync"
    code, out = invoke("--config", str(config), "status")
    assert code == 0 and "waiting for a server" not in out, out
    store.close()


def test_the_scheduler_retries_waiting_forwards_long_before_the_next_sync(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    config = demo(tmp_path, smtp_server.port, timeout=5.0)
    text = config.read_text()
    config.write_text(text.replace("[assistant]", "[workers]\ninterval = 3600\nretry_waiting = 0.5\n\n[assistant]", 1))
    settings = load_settings(config)
    assert settings.workers.interval == 3600
    want = invoices(tmp_path)
    smtp_server.handler.defer = True
    store = open_store(settings.database)
    stop = threading.Event()
    passes: list[PassResult] = []
    daemon = threading.Thread(target=serve, args=(settings, store, None, stop, passes.append))  # the config's
    daemon.start()
    try:
        deadline = time.monotonic() + 60
        while not any(r.waiting for p in passes for r in p.reports) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.5)  # a few retries while the server still defers
        smtp_server.handler.defer = False
        smtp_server.wait_for(want, timeout=60)
        time.sleep(1.5)  # nothing more goes out
    finally:
        stop.set()
        daemon.join()
    reports = [r for p in passes for r in p.reports]
    assert len(smtp_server.received) == want, "every forward went out, once"
    assert all(email.message_from_bytes(m.data)["To"] == "books@ledger.example" for m in smtp_server.received)
    assert forward_statuses(settings.database) == ["done"] * want
    assert reports[0].new > 0 and all(r.new == 0 for r in reports[1:]), "one sync; the rest were retries"
    assert len(reports) >= 3, "retried while the server deferred, then once it took the mail"
    store.close()


def test_a_forward_that_a_pushed_message_leaves_waiting_is_retried_too(tmp_path: Path, smtp_server: SmtpServer) -> None:
    config = demo(tmp_path, smtp_server.port, timeout=5.0)
    text = config.read_text()
    config.write_text(text.replace("[assistant]", "[workers]\ninterval = 3600\nretry_waiting = 0.5\n\n[assistant]", 1))
    settings = load_settings(config)
    want = invoices(tmp_path)
    store = open_store(settings.database)
    stop = threading.Event()
    passes: list[PassResult] = []
    schedulers: list[Scheduler] = []
    daemon = threading.Thread(
        target=serve, args=(settings, store, None, stop, passes.append), kwargs={"ready": schedulers.append}
    )
    daemon.start()
    try:
        smtp_server.wait_for(want, timeout=60)  # the first sync: every invoice forwarded
        deadline = time.monotonic() + 60
        while not passes and time.monotonic() < deadline:
            time.sleep(0.05)
        smtp_server.handler.defer = True
        name = "1800000001.pushed.host"
        (tmp_path / "demo" / "maildir" / "new" / name).write_bytes(INVOICE)
        schedulers[0].notify("dana", "INBOX", [name])  # as a push notification names a message
        while not any(r.waiting for p in passes for r in p.reports) and time.monotonic() < deadline:
            time.sleep(0.05)
        smtp_server.handler.defer = False
        smtp_server.wait_for(want + 1, timeout=60)
        time.sleep(1.5)  # nothing more goes out
    finally:
        stop.set()
        daemon.join()
    reports = [r for p in passes for r in p.reports]
    assert len(smtp_server.received) == want + 1, "the pushed invoice was forwarded once, by a retry"
    news = [r.new for r in reports if r.new]
    assert news[0] > 1 and news[1:] == [1], "the first sync, then the push; the retries read no new mail"
    assert len(reports) >= 3, "the sync, the push, and at least one retry"
    assert forward_statuses(settings.database) == ["done"] * (want + 1)
    store.close()


def test_meetings_wait_while_the_calendars_cannot_be_reached(tmp_path: Path, smtp_server: SmtpServer) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    config = demo(tmp_path, smtp_server.port)
    text = config.read_text()
    calendars = (
        f'\n[[clients.calendars]]\nkind = "caldav"\nurl = "http://127.0.0.1:{closed}/dana/"\n'
        'username = "dana"\npassword = "x"\n'
    )
    config.write_text(text.replace("\n[[clients.accounts]]", calendars + "\n[[clients.accounts]]", 1))
    (tmp_path / "demo" / "rules" / "dana.toml").write_text(
        'version = 1\n[[rule]]\nname = "Meeting requests"\nwhen = { body = { contains = "meet" } }\n'
        'then = [ { propose_meeting = { duration = "30m", within = "10 business days", slots = 3 } } ]\n'
    )
    settings = load_settings(config)
    store = open_store(settings.database)
    (report,) = queued_pass(settings, store).reports
    proposals = statuses(settings.database, "propose_meeting")
    assert proposals and proposals == ["planned"] * len(proposals), "not failed: they wait for the calendars"
    assert len(report.waiting) == len(proposals)
    store.close()
