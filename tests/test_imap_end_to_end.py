"""`mailflow run --once` against a real Dovecot: ~150 mixed messages, the example rules.

Every message is handled; drafts land in Drafts; newsletters are moved and read;
VIP mail is flagged and keyworded; time is logged. A second run changes nothing
on the server or in the time log. A run killed with SIGKILL midway, then run
again, ends in exactly the state of an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bench import corpus
from mailflow.config import load_settings
from mailflow.store import open_store
from tests.servers.dovecot import DovecotServer, DovecotUser

ROOT = Path(__file__).resolve().parent.parent
AWKWARD = sorted((ROOT / "tests" / "corpus" / "awkward").glob("*.eml"))
RULES = ROOT / "rules" / "dana.toml"
COUNT = 134  # plus the 16 awkward messages: 150

pytestmark = pytest.mark.dovecot


def fill(server: DovecotServer, user: DovecotUser) -> int:
    raws = [*corpus.generate(COUNT, seed=11), *(p.read_bytes() for p in AWKWARD)]
    with server.imap_client(user) as client:
        for raw in raws:
            client.append("INBOX", raw)
    return len(raws)


def write_config(tmp: Path, user: DovecotUser, batch_size: int = 500, database: str = "sqlite:///mailflow.db") -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "rules").mkdir(exist_ok=True)
    (tmp / "rules" / "dana.toml").write_text(RULES.read_text())
    config = tmp / "config.toml"
    config.write_text(
        f"""
database = "{database}"
batch_size = {batch_size}

[assistant]
name = "Sam Rivera"
email = "sam@rivera-va.example"

[[clients]]
id = "dana"
name = "Dana Whitfield"
email = "dana@acme.example"
timezone = "America/New_York"

[[clients.accounts]]
kind = "imap"
host = "{user.host}"
port = {user.port}
username = "{user.name}"
password_env = "DANA_IMAP_PASSWORD"
tls = "none"
batch_size = {batch_size}
"""
    )
    return config


def mailflow(config: Path, user: DovecotUser, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DANA_IMAP_PASSWORD": user.password}
    return subprocess.Popen(
        [sys.executable, "-m", "mailflow", "--config", str(config), *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run_once(config: Path, user: DovecotUser) -> str:
    proc = mailflow(config, user, "run", "--once", "--quiet")
    out, _ = proc.communicate(timeout=240)
    assert proc.returncode == 0, out
    return out


def server_state(server: DovecotServer, user: DovecotUser) -> dict[str, Counter[tuple[str, ...]]]:
    """Each folder's messages as (identity, flags...), drafts identified by what they answer."""
    parser = BytesHeaderParser()
    state: dict[str, Counter[tuple[str, ...]]] = {}
    with server.imap_client(user) as client:
        for _flags, _sep, name in client.list_folders():
            client.select_folder(name, readonly=True)
            items: Counter[tuple[str, ...]] = Counter()
            uids = client.search("ALL")
            data = client.fetch(uids, ["FLAGS", "BODY.PEEK[HEADER]"]) if uids else {}
            for item in data.values():
                headers = parser.parsebytes(item[b"BODY[HEADER]"])
                if name == "Drafts":
                    ident = f"reply-to {headers['In-Reply-To']} {headers['Subject']}"
                else:
                    ident = str(headers["Message-ID"] or headers["Subject"] or "(none)")
                flags = sorted(f.decode() if isinstance(f, bytes) else str(f) for f in item[b"FLAGS"])
                flags = [f for f in flags if f != "\\Recent"]  # session state, not something mailflow sets
                items[(ident, *flags)] += 1
            state[name] = items
    return state


def assert_same_state(got: dict[str, Counter[tuple[str, ...]]], want: dict[str, Counter[tuple[str, ...]]]) -> None:
    """Equal server states, or a readable list of what differs, folder by folder."""
    problems = []
    for folder in sorted(set(got) | set(want)):
        extra = got.get(folder, Counter()) - want.get(folder, Counter())
        missing = want.get(folder, Counter()) - got.get(folder, Counter())
        problems += [f"{folder}: unexpected {k} x{n}" for k, n in extra.items()]
        problems += [f"{folder}: missing {k} x{n}" for k, n in missing.items()]
    assert not problems, "\n".join(problems)


def query(config: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` in the database the config names (SQLite, or PostgreSQL when the suite runs there).

    Never migrates: a run in another process may be creating the tables this moment.
    """
    store = open_store(load_settings(config).database, migrate=False)
    try:
        with store.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        store.close()


def time_log(config: Path) -> Counter[tuple[str, str, int]]:
    return Counter((k, a, s) for k, a, s in query(config, "select message_key, activity, seconds from time_entries"))


def statuses(config: Path) -> Counter[str]:
    return Counter(r[0] for r in query(config, "select status from messages"))


def test_a_mixed_mailbox_is_fully_handled_and_a_second_run_changes_nothing(
    dovecot_server: DovecotServer, imap_user: DovecotUser, tmp_path: Path
) -> None:
    total = fill(dovecot_server, imap_user)
    config = write_config(tmp_path / "a", imap_user)
    run_once(config, imap_user)

    assert sum(statuses(config).values()) == total, "every message is recorded"
    assert statuses(config)["planned"] == 0
    state = server_state(dovecot_server, imap_user)
    newsletters = state["Newsletters"]
    assert sum(newsletters.values()) >= 20
    assert all("\\Seen" in key for key in newsletters)
    drafts = state["Drafts"]
    assert sum(drafts.values()) >= 5
    assert all("\\Draft" in key for key in drafts)
    assert all(key[0].startswith("reply-to <") for key in drafts), "drafts thread on the original"
    urgent = [key for key in state["INBOX"] if "Urgent" in key]
    assert urgent and all("\\Flagged" in key for key in urgent)
    assert not any("\\Seen" in key for key in state["INBOX"]), "reading never marks mail read"
    logged = time_log(config)
    assert sum(logged.values()) >= len(urgent) + sum(drafts.values())

    run_once(config, imap_user)
    assert server_state(dovecot_server, imap_user) == state
    assert time_log(config) == logged


@pytest.mark.own_database  # a database per run (each on PostgreSQL in PostgreSQL mode)
def test_a_run_killed_midway_then_run_again_ends_as_an_uninterrupted_run(
    dovecot_server: DovecotServer, tmp_path: Path, new_database: Callable[[Path], str]
) -> None:
    clean = dovecot_server.add_user("clean-" + str(os.getpid()), "pw-clean")
    fill(dovecot_server, clean)
    clean_config = write_config(tmp_path / "clean", clean, batch_size=10, database=new_database(tmp_path / "clean"))
    run_once(clean_config, clean)
    expected = server_state(dovecot_server, clean)
    expected_log = time_log(clean_config)

    killed_midway = 0
    for attempt in range(4):
        user = dovecot_server.add_user(f"killed-{os.getpid()}-{attempt}", "pw-killed")
        fill(dovecot_server, user)
        home = tmp_path / f"killed{attempt}"
        config = write_config(home, user, batch_size=10, database=new_database(home))
        proc = mailflow(config, user, "run", "--once", "--quiet")
        # Wait until the run has recorded some messages, then kill it without warning.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if _recorded(config) >= 20 + 40 * attempt:
                break
            time.sleep(0.005)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=30)
            before = statuses(config)
            if proc.returncode == -signal.SIGKILL and (before["planned"] or sum(before.values()) < 150):
                killed_midway += 1
        else:
            proc.communicate(timeout=30)
        run_once(config, user)
        assert_same_state(server_state(dovecot_server, user), expected)
        assert Counter(time_log(config).values()) == Counter(expected_log.values())
        assert time_log(config) == expected_log
        if killed_midway >= 2:
            break
    assert killed_midway >= 1, "no run was killed midway: the test proved nothing"


def _recorded(config: Path) -> int:
    try:
        return int(query(config, "select count(*) from messages")[0][0])
    except SQLAlchemyError:  # not created yet, or busy
        return 0


def test_the_time_report_of_an_imap_run_is_valid_json(
    dovecot_server: DovecotServer, imap_user: DovecotUser, tmp_path: Path
) -> None:
    with dovecot_server.imap_client(imap_user) as client:
        for raw in corpus.generate(40, seed=5):
            client.append("INBOX", raw)
    config = write_config(tmp_path, imap_user)
    run_once(config, imap_user)
    month = time.strftime("%Y-%m")
    proc = mailflow(config, imap_user, "time", "report", "--client", "dana", "--month", month, "--format", "json")
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    report = json.loads(out)
    assert report["total_minutes"] == pytest.approx(sum(e["minutes"] for e in report["entries"]))


def test_a_uidvalidity_reset_does_not_reprocess_anything(
    dovecot_server: DovecotServer, imap_user: DovecotUser, tmp_path: Path
) -> None:
    fill(dovecot_server, imap_user)
    config = write_config(tmp_path, imap_user)
    run_once(config, imap_user)
    state = server_state(dovecot_server, imap_user)
    logged = time_log(config)
    old, new = dovecot_server.reset_uidvalidity(imap_user)
    assert old != new
    out = run_once(config, imap_user)
    assert " 0 new," in out, out
    assert server_state(dovecot_server, imap_user) == state
    assert time_log(config) == logged


def test_a_connection_dropped_mid_sync_is_reopened_and_the_pass_completes(
    dovecot_server: DovecotServer, imap_user: DovecotUser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workers.runner import run_pass

    total = fill(dovecot_server, imap_user)
    config = write_config(tmp_path, imap_user, batch_size=5)
    monkeypatch.setenv("DANA_IMAP_PASSWORD", imap_user.password)
    settings = load_settings(config)
    store = open_store(settings.database)
    kicked = 0

    def progress(_n: int) -> None:
        nonlocal kicked
        if kicked < 3:  # drop the connection between batches, three times
            kicked += 1
            dovecot_server.kick(imap_user, wait=False)

    result = run_pass(settings, store, progress=progress)
    store.close()
    assert kicked == 3
    assert result.ok, [r.error for r in result.reports]
    assert sum(statuses(config).values()) == total
    assert statuses(config)["planned"] == 0


def test_a_folder_listed_in_small_pages_ends_as_one_listed_at_once(
    dovecot_server: DovecotServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from connectors.imap import ImapConnector
    from mailflow.drafting import Person
    from mailflow.pipeline import AccountPass
    from mailflow.rules import load_rules

    states = []
    for size in (10, 5000):
        user = dovecot_server.add_user(f"paged-{size}-{os.getpid()}", "pw")
        total = fill(dovecot_server, user)
        store = open_store(f"sqlite:///{tmp_path / f'paged{size}.db'}")
        step = AccountPass(
            store,
            ImapConnector(user.account()),
            load_rules(RULES),
            Person("dana", "Dana Whitfield", "dana@acme.example"),
            Person("assistant", "Sam Rivera", "sam@rivera-va.example"),
            batch_size=10,
            page_size=size,
            reader=ImapConnector(user.account()),
        )
        report = step.run()
        assert report.new == total
        cursor = store.get_cursor(user.account().id, "INBOX")
        assert cursor is not None and cursor.state["last_uid"] == total
        store.close()
        states.append(server_state(dovecot_server, user))
    assert states[0] == states[1]
