"""IMAP IDLE against Dovecot: the watcher hears new mail, survives a dropped connection, wakes the daemon."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bench import corpus
from mailflow.config import load_settings
from mailflow.store import open_store
from tests.servers.dovecot import DovecotServer, DovecotUser
from workers.scheduler import IdleWatcher
from workers.service import serve

pytestmark = pytest.mark.dovecot

WAIT = 30.0


def wait_for(flag: threading.Event, what: str) -> None:
    assert flag.wait(WAIT), f"timed out waiting for {what}"


def test_the_watcher_hears_new_mail_and_again_after_the_connection_drops(
    dovecot_server: DovecotServer, imap_user: DovecotUser
) -> None:
    heard = threading.Event()
    stop = threading.Event()
    watcher = IdleWatcher(imap_user.account(), heard.set, stop)
    watcher.start()
    try:
        wait_for(watcher.watching, "IDLE to start")
        dovecot_server.deliver(imap_user, next(corpus.generate(1, seed=1)))
        wait_for(heard, "the first message to be reported")

        heard.clear()
        watcher.watching.clear()
        dovecot_server.kick(imap_user)  # the server drops every connection of this user
        wait_for(watcher.watching, "IDLE to come back after the drop")
        dovecot_server.deliver(imap_user, next(corpus.generate(1, seed=2)))
        wait_for(heard, "a message after the reconnection")
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert not watcher.is_alive()


def test_idle_wakes_the_daemon_long_before_its_poll_would(
    dovecot_server: DovecotServer, imap_user: DovecotUser, tmp_path: Path
) -> None:
    (tmp_path / "rules").mkdir()
    rules = Path(__file__).resolve().parent.parent / "rules" / "dana.toml"
    (tmp_path / "rules" / "dana.toml").write_text(rules.read_text())
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
database = "sqlite:///mf.db"
[workers]
interval = 3600
[assistant]
name = "Sam Rivera"
email = "sam@rivera-va.example"
[[clients]]
id = "dana"
name = "Dana Whitfield"
email = "dana@acme.example"
[[clients.accounts]]
kind = "imap"
host = "{imap_user.host}"
port = {imap_user.port}
username = "{imap_user.name}"
password = "{imap_user.password}"
tls = "none"
"""
    )
    settings = load_settings(config)
    store = open_store(settings.database)
    stop = threading.Event()
    finished: list[int] = []
    daemon = threading.Thread(
        target=serve, args=(settings, store, None, stop, lambda r: finished.extend(x.new for x in r.reports))
    )
    daemon.start()
    try:
        deadline = time.monotonic() + WAIT
        while not finished and time.monotonic() < deadline:  # the first sync: an empty mailbox
            time.sleep(0.05)
        assert finished == [0]
        time.sleep(0.5)  # let the watcher's IDLE open
        dovecot_server.deliver(imap_user, next(corpus.generate(1, seed=3)))
        while len(finished) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert finished == [0, 1], "the new message was handled at once, not an hour later"
    finally:
        stop.set()
        daemon.join(timeout=30)
    store.close()
