"""`mailflow undo` against a real Dovecot: labels, flags, read state and moves go back exactly as they were.

The mailbox starts with a mix of states (some mail already read, flagged or
keyworded by the executive), the example rules run over it, the executive
then edits a draft and moves a message, and undo must restore everything
else to the starting state while leaving those two alone.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mailflow.cli import cli
from tests.servers.dovecot import DovecotServer, DovecotUser
from tests.test_imap_end_to_end import assert_same_state, fill, query, server_state, time_log, write_config
from workers.main import RUNTIME

pytestmark = pytest.mark.dovecot


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), obj={"runtime": RUNTIME})
    return result.exit_code, result.output


def mixed_start(server: DovecotServer, user: DovecotUser) -> None:
    """Give about a third of the messages the states the rules set: \\Seen, \\Flagged, the Urgent keyword."""
    rng = random.Random(7)
    with server.imap_client(user) as client:
        client.select_folder("INBOX")
        uids = client.search("ALL")
        for flag in (b"\\Seen", b"\\Flagged", b"Urgent", b"Bookkeeping"):
            chosen = [u for u in uids if rng.random() < 0.35]
            client.add_flags(chosen, [flag], silent=True)


def edit_a_draft(server: DovecotServer, user: DovecotUser) -> str:
    """As a mail client saves an edited draft: a new message with the same headers, the old one expunged."""
    with server.imap_client(user) as client:
        client.select_folder("Drafts")
        uid = sorted(client.search("ALL"))[0]
        raw = client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
        edited = raw.replace(b"has received this.", b"has received this and will answer on Monday.")
        assert edited != raw
        client.append("Drafts", edited, flags=(b"\\Draft", b"\\Seen"))
        client.delete_messages([uid])
        client.expunge()
        subject = re.search(rb"(?m)^Subject: (.*)$", raw)
        assert subject is not None
        return subject.group(1).decode().strip()


def move_a_newsletter(server: DovecotServer, user: DovecotUser) -> str:
    """The executive files one of the moved newsletters elsewhere: undo must leave it there."""
    with server.imap_client(user) as client:
        client.create_folder("Read later")
        client.select_folder("Newsletters")
        uid = sorted(client.search("ALL"))[0]
        header = client.fetch([uid], ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])[uid]
        message_id = next(iter(header.values())) if len(header) == 1 else list(header.values())[-1]
        client.move([uid], "Read later")
        text = message_id.decode() if isinstance(message_id, bytes) else str(message_id)
        return text.split(":", 1)[1].strip()


def test_undo_restores_the_mailbox_exactly_and_leaves_what_the_executive_touched(
    dovecot_server: DovecotServer, imap_user: DovecotUser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(dovecot_server, imap_user)
    mixed_start(dovecot_server, imap_user)
    config = write_config(tmp_path, imap_user)
    monkeypatch.setenv("DANA_IMAP_PASSWORD", imap_user.password)
    start = server_state(dovecot_server, imap_user)

    code, out = invoke("--config", str(config), "run", "--once", "--quiet")
    assert code == 0, out
    after_run = server_state(dovecot_server, imap_user)
    assert sum(after_run["Drafts"].values()) >= 5 and sum(after_run["Newsletters"].values()) >= 20
    assert time_log(config)

    edited_subject = edit_a_draft(dovecot_server, imap_user)
    moved_id = move_a_newsletter(dovecot_server, imap_user)
    touched = server_state(dovecot_server, imap_user)

    code, out = invoke("--config", str(config), "undo", "--since", "1h", "--dry-run")
    assert code == 0 and "actions would be undone; nothing was changed" in out, out
    assert server_state(dovecot_server, imap_user) == touched

    code, out = invoke("--config", str(config), "undo", "--client", "dana", "--since", "1h")
    assert code == 0, out
    assert "failed" not in out.splitlines()[-1], out
    assert re.search(r"kept .*the draft has been edited since", out), out
    assert re.search(r"kept .*no longer in Newsletters \(moved or deleted since\)", out), out

    # Everything is as it started, but for the edited draft and the newsletter the executive moved.
    got = server_state(dovecot_server, imap_user)
    want = {folder: Counter(items) for folder, items in start.items()}
    moved = next(k for k in touched["Read later"])
    want["INBOX"] -= Counter({k: 1 for k in want["INBOX"] if k[0] == moved_id})
    want["Read later"] = Counter({moved: 1})
    want["Drafts"] = Counter({k: n for k, n in touched["Drafts"].items() if edited_subject in k[0]})
    assert sum(want["Drafts"].values()) == 1, touched["Drafts"]
    assert_same_state(got, want)
    assert not time_log(config), "the time entries are deleted"

    # Undone is final: a second undo only reports again what it kept, a run does not redo anything.
    code, out = invoke("--config", str(config), "undo", "--since", "1h")
    assert code == 0 and out.splitlines()[-1] == "3 kept", out
    code, out = invoke("--config", str(config), "run", "--once", "--quiet")
    assert code == 0 and "actions: none" in out, out
    assert_same_state(server_state(dovecot_server, imap_user), want)

    code, out = invoke("--config", str(config), "log", "--format", "json", "--limit", "100000")
    entries: list[dict[str, Any]] = json.loads(out)
    undone = [e for e in entries if e["action"].startswith("undo ")]
    assert undone and all(e["outcome"] in ("undone", "kept") for e in undone)
    assert any(e["before"] == {"read": False} for e in entries if e["action"] == "mark_read")


def test_undo_by_rule_and_by_id_reverts_only_those(
    dovecot_server: DovecotServer, imap_user: DovecotUser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(dovecot_server, imap_user)
    mixed_start(dovecot_server, imap_user)
    config = write_config(tmp_path, imap_user)
    monkeypatch.setenv("DANA_IMAP_PASSWORD", imap_user.password)
    start = server_state(dovecot_server, imap_user)
    code, out = invoke("--config", str(config), "run", "--once", "--quiet")
    assert code == 0, out
    after_run = server_state(dovecot_server, imap_user)

    code, out = invoke("--config", str(config), "undo", "--rule", "VIP mail is urgent")
    assert code == 0, out
    got = server_state(dovecot_server, imap_user)
    # The VIP messages are back as they started; newsletters stay moved, drafts stay.
    assert got["Newsletters"] == after_run["Newsletters"] and got["Drafts"] == after_run["Drafts"]
    vip = {k[0] for k in after_run["INBOX"] if "Urgent" in k and "\\Flagged" in k}
    assert vip
    for ident in vip:
        was = sorted(k for k in start["INBOX"] if k[0] == ident)
        now = sorted(k for k in got["INBOX"] if k[0] == ident)
        if was != now:  # a VIP message that also got Bookkeeping from the invoice rule keeps that label
            assert [tuple(f for f in k if f != "Bookkeeping") for k in now] == [
                tuple(f for f in k if f != "Bookkeeping") for k in was
            ]
    assert {k for (k,) in query(config, "select distinct rule from time_entries")} == {"Invoices go to bookkeeping"}

    code, out = invoke("--config", str(config), "log", "--format", "json", "--rule", "Invoices go to bookkeeping")
    entry = next(e for e in json.loads(out) if e["action"] == "draft_reply" and e["outcome"] == "done")
    drafts = sum(got["Drafts"].values())
    code, out = invoke("--config", str(config), "undo", str(entry["id"]))
    assert code == 0 and out.startswith("undone"), out
    assert sum(server_state(dovecot_server, imap_user)["Drafts"].values()) == drafts - 1, "that one draft, deleted"
    code, out = invoke("--config", str(config), "undo", str(entry["id"]))
    assert code == 0 and "nothing to undo" in out

    code, out = invoke("--config", str(config), "undo")
    assert code == 2 and "say what to undo" in out


OPPOSITES = """
version = 1

[[rule]]
name = "Handled elsewhere"
when = { subject = { contains = "invoice" } }
then = [ { unlabel = ["Urgent", "Never there"] }, { unflag = true }, { mark_unread = true } ]

[[rule]]
name = "Relabel"
when = { subject = { contains = "invoice" } }
then = [ { label = "Paid" }, { unlabel = "Paid" } ]
"""


def test_unlabel_unflag_and_mark_unread_are_applied_and_undone(
    dovecot_server: DovecotServer, imap_user: DovecotUser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(dovecot_server, imap_user)
    mixed_start(dovecot_server, imap_user)
    config = write_config(tmp_path, imap_user)
    (tmp_path / "rules" / "dana.toml").write_text(OPPOSITES)
    monkeypatch.setenv("DANA_IMAP_PASSWORD", imap_user.password)
    start = server_state(dovecot_server, imap_user)

    code, out = invoke("--config", str(config), "run", "--once", "--quiet")
    assert code == 0, out
    got = server_state(dovecot_server, imap_user)
    subjects = {k[0] for k in start["INBOX"]}
    assert subjects == {k[0] for k in got["INBOX"]}
    touched = [k for k in got["INBOX"] if k not in start["INBOX"]]
    assert touched, "some invoice mail started urgent, flagged or read"
    for key in touched:
        assert not {"Urgent", "\\Flagged", "\\Seen", "Paid"} & set(key[1:]), key

    code, out = invoke("--config", str(config), "undo", "--since", "1h")
    assert code == 0, out
    assert_same_state(server_state(dovecot_server, imap_user), start)
