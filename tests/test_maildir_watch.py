"""A watched Maildir: mail delivered to new/ or cur/ wakes the daemon at once, not at its next poll."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from mailflow.config import MaildirAccount, load_settings
from mailflow.store import open_store
from workers.scheduler import MaildirWatcher
from workers.service import serve

WAIT = 30.0
RULES = """
version = 1

[[rule]]
name = "Project mail"
when = { subject = { contains = "project" } }
then = [ { label = "Projects" }, { log_time = "1m" } ]
"""


def message(n: int, subject: str) -> bytes:
    return (
        f"From: Ann Lee <ann@partner.example>\r\nTo: dana@acme.example\r\nSubject: {subject}\r\n"
        f"Message-ID: <watch-{n}@partner.example>\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\n\r\nHello.\r\n"
    ).encode()


def make_maildir(root: Path, *folders: str) -> Path:
    for folder in ("", *(f".{f}" for f in folders)):
        for sub in ("cur", "new", "tmp"):
            (root / folder / sub).mkdir(parents=True, exist_ok=True)
    return root


def deliver(root: Path, name: str, data: bytes, sub: str = "new") -> None:
    """As a delivery agent does: written in tmp/, then renamed into new/ (or cur/)."""
    (root / "tmp" / name).write_bytes(data)
    (root / "tmp" / name).rename(root / sub / name)


def test_the_watcher_hears_a_delivery_to_new_or_cur_in_any_watched_folder(tmp_path: Path) -> None:
    root = make_maildir(tmp_path / "mail", "Clients")
    account = MaildirAccount(kind="maildir", id="dana", path=root, folders=["INBOX", "Clients"])
    heard = threading.Event()
    stop = threading.Event()
    watcher = MaildirWatcher(account, heard.set, stop, every=0.05)
    watcher.start()
    try:
        assert watcher.watching.wait(WAIT)
        time.sleep(0.2)
        assert not heard.is_set()  # nothing changed, nothing heard
        deliver(root, "1.M1P1.host", message(1, "one"))
        assert heard.wait(WAIT), "a delivery to new/"
        heard.clear()
        (root / "new" / "1.M1P1.host").rename(root / "cur" / "1.M1P1.host:2,S")  # read in a mail program
        assert heard.wait(WAIT), "a message moved to cur/"
        heard.clear()
        deliver(root / ".Clients", "2.M2P1.host", message(2, "two"), sub="cur")
        assert heard.wait(WAIT), "a delivery to another watched folder's cur/"
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert not watcher.is_alive()


def test_a_watched_maildir_wakes_the_daemon_long_before_its_poll_would(tmp_path: Path) -> None:
    root = make_maildir(tmp_path / "mail")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "dana.toml").write_text(RULES)
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
kind = "maildir"
path = "{root}"
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
        time.sleep(1.5)  # the watcher has looked at least once since
        deliver(root, "3.M3P1.host", message(3, "Project kickoff"))
        while sum(finished) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sum(finished) == 1, "the new message was handled at once, not an hour later"
        labelled = [p.name for p in (root / "cur").iterdir()] + [p.name for p in (root / "new").iterdir()]
        assert len(labelled) == 1 and labelled[0].startswith("3.M3P1.host:2,"), labelled
        time.sleep(2.5)  # the pass's own renames wake one more pass, which finds nothing new
    finally:
        stop.set()
        daemon.join(timeout=30)
    assert sum(finished) == 1 and len(finished) <= 3, finished
    store.close()
