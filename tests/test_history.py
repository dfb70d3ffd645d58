"""The correspondent history: senders of recorded mail, and the executive's Sent folder, learnt incrementally."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from mailflow.cli import cli
from mailflow.config import load_settings
from mailflow.store import open_store
from mailflow.store.history import known_addresses, replied_ids
from tests.servers.dovecot import DovecotServer, DovecotUser
from tests.test_imap_end_to_end import write_config
from workers.main import RUNTIME

pytestmark = pytest.mark.dovecot


def sent(n: int, to: str, in_reply_to: str | None = None) -> bytes:
    lines = [
        "From: Dana Whitfield <dana@acme.example>",
        f"To: {to}",
        "Cc: Sam Rivera <sam@rivera-va.example>",
        f"Subject: note {n}",
        f"Message-ID: <sent-{n}@acme.example>",
        "Date: Mon, 03 Mar 2025 09:00:00 +0000",
    ]
    if in_reply_to:
        lines += [f"In-Reply-To: {in_reply_to}", f"References: <root@x.example> {in_reply_to}"]
    return ("\r\n".join([*lines, "", "Thanks!", ""])).encode()


def incoming(n: int, sender: str) -> bytes:
    return (
        f"From: {sender}\r\nTo: dana@acme.example\r\nSubject: hello {n}\r\nMessage-ID: <in-{n}@x.example>\r\n"
        "Date: Mon, 03 Mar 2025 10:00:00 +0000\r\n\r\nHi Dana\r\n"
    ).encode()


def run(config: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(config), "run", "--once", "--quiet"], obj={"runtime": RUNTIME})
    assert result.exit_code == 0, result.output


def test_senders_and_the_sent_folder_make_correspondents_once_each(
    dovecot_server: DovecotServer, imap_user: DovecotUser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, imap_user)
    monkeypatch.setenv("DANA_IMAP_PASSWORD", imap_user.password)
    with dovecot_server.imap_client(imap_user) as client:
        client.append("Sent", sent(1, "Partner <Partner@Known.example>", in_reply_to="<thread-1@x.example>"))
        client.append("INBOX", incoming(1, "Ann <ann@first.example>"))
        client.append("INBOX", incoming(2, "Ann <ann@first.example>"))
    run(config)
    store = open_store(load_settings(config).database)
    try:
        got = known_addresses(store, "dana", ["partner@known.example", "ann@first.example", "bob@nobody.example"])
        assert got == {"partner@known.example", "ann@first.example"}
        assert replied_ids(store, "dana", ["<thread-1@x.example>", "<root@x.example>", "<other@x>"]) == {
            "<thread-1@x.example>",
            "<root@x.example>",
        }
        with dovecot_server.imap_client(imap_user) as client:
            client.append("Sent", sent(2, "Partner <partner@known.example>"))
        run(config)
        run(config)  # nothing new: nothing counted again
        with store.engine.connect() as conn:
            query = text("select address, sent + 100 * received from correspondents where client = 'dana'")
            rows = {address: n for address, n in conn.execute(query)}
        assert rows == {"partner@known.example": 2, "sam@rivera-va.example": 2, "ann@first.example": 200}
    finally:
        store.close()


FIRST_TIME = """
version = 1

[[rule]]
name = "New people"
when = { first_time_sender = true }
then = [ { label = "New contact" } ]

[[rule]]
name = "Threads Dana answered"
when = { replied = true }
then = [ { flag = true } ]
"""


def test_rules_see_first_time_senders_and_threads_the_executive_answered(
    dovecot_server: DovecotServer, imap_user: DovecotUser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, imap_user)
    (tmp_path / "rules" / "dana.toml").write_text(FIRST_TIME)
    monkeypatch.setenv("DANA_IMAP_PASSWORD", imap_user.password)
    with dovecot_server.imap_client(imap_user) as client:
        client.append("Sent", sent(1, "Partner <partner@known.example>", in_reply_to="<thread-1@x.example>"))
        client.append("INBOX", incoming(1, "Ann <ann@first.example>"))
        client.append("INBOX", incoming(2, "Ann <ann@first.example>"))  # the second time Ann writes
        client.append("INBOX", incoming(3, "Partner <partner@known.example>"))
        answer = incoming(4, "Zed <zed@new.example>").replace(
            b"Subject:", b"In-Reply-To: <thread-1@x.example>\r\nSubject:"
        )
        client.append("INBOX", answer)
    run(config)
    with dovecot_server.imap_client(imap_user) as client:
        client.select_folder("INBOX", readonly=True)
        data = client.fetch(client.search("ALL"), ["FLAGS", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
        flags = {
            next(v for k, v in item.items() if k.startswith(b"BODY")).decode().split()[-1]: {
                f.decode() for f in item[b"FLAGS"]
            }
            for item in data.values()
        }
    assert "New_contact" in flags["<in-1@x.example>"]
    assert "New_contact" not in flags["<in-2@x.example>"], "Ann is known once her first message is seen"
    assert "New_contact" not in flags["<in-3@x.example>"], "Dana wrote to Partner"
    assert {"New_contact", "\\Flagged"} <= flags["<in-4@x.example>"], "a stranger in a thread Dana answered"
    assert "\\Flagged" not in flags["<in-1@x.example>"]
