"""Drafts for the assistant's own mailbox: retainer alerts and summaries, once each, however the mailbox fails."""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import UTC, date, datetime
from pathlib import Path

from click.testing import CliRunner

from connectors import connector_for
from mailflow.billing import Period
from mailflow.cli import cli
from mailflow.config import load_settings
from mailflow.notes import deliver, last_period, summary_note
from mailflow.store import notes as queued
from mailflow.store import open_store
from tests.servers.dovecot import DovecotServer, DovecotUser
from workers.main import RUNTIME

RETAINER = """
[clients.billing]
plan = "retainer"
currency = "USD"
monthly_fee = "1500.00"
included_hours = 10
overage_rate = "90.00"
"""


def invoke(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--config", str(config), *args], obj={"runtime": RUNTIME})
    return result.exit_code, result.output


def demo(tmp_path: Path, assistant: str, billing: str = RETAINER) -> Path:
    """The demo, with ``assistant`` added to its [assistant] table (keys, then any sub-tables) and ``billing``."""
    result = CliRunner().invoke(cli, ["init", "--demo", str(tmp_path / "demo")], obj={"runtime": RUNTIME})
    assert result.exit_code == 0, result.output
    config = tmp_path / "demo" / "config.toml"
    text = config.read_text()
    head, _, clients = text.partition("[[clients]]")
    client, _, accounts = clients.partition("[[clients.accounts]]")
    config.write_text(head + assistant + "\n[[clients]]" + client + billing + "\n[[clients.accounts]]" + accounts)
    return config


def maildir_box(path: Path) -> str:
    make_maildir(path)
    return f'alert_drafts = true\nsummaries = "monthly"\n\n[assistant.mailbox]\nkind = "maildir"\npath = "{path}"\n'


def make_maildir(path: Path) -> Path:
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    return path


def drafts_in(maildir: Path) -> list[email.message.EmailMessage]:
    folder = maildir / ".Drafts"
    files = sorted(p for sub in ("cur", "new") for p in (folder / sub).glob("*")) if folder.exists() else []
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files]


def log(config: Path, duration: str) -> None:
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    code, out = invoke(config, "time", "log", "dana", duration, "work", "--date", today)
    assert code == 0, out


def test_retainer_alerts_and_the_monthly_summary_are_drafted_once_in_the_assistants_mailbox(tmp_path: Path) -> None:
    box = tmp_path / "sam"
    config = demo(tmp_path, maildir_box(box))
    log(config, "8h30m")  # 85% of 10 h (the demo's rules log a few minutes more)
    code, out = invoke(config, "run", "--once")
    assert code == 0, out
    drafts = drafts_in(box)
    subjects = sorted(str(d["Subject"]) for d in drafts)
    assert len(drafts) == 2, subjects
    alert = next(d for d in drafts if str(d["Subject"]).startswith("Retainer alert"))
    assert "past 80%" in str(alert["Subject"]) and str(alert["To"]) == "Sam Rivera <sam@rivera-va.example>"
    assert "of 10 h used (8" in alert.get_body().get_content()  # type: ignore[union-attr]
    summary = next(d for d in drafts if str(d["Subject"]).startswith("What I handled"))
    last_month = last_period("monthly", datetime.now(UTC).date())[1]
    assert str(summary["Subject"]) == f"What I handled for you in {last_month}"
    assert str(summary["To"]) == "Dana Whitfield <dana@acme.example>" and "Dear Dana," in summary.get_content()
    assert all(d["X-Mailflow-Key"] and d["Message-ID"] for d in drafts)

    for _ in range(2):  # again, and with status looking in between: nothing new
        assert invoke(config, "status")[0] == 0
        assert invoke(config, "run", "--once")[0] == 0
    assert len(drafts_in(box)) == 2

    log(config, "2h")  # past 100%
    assert invoke(config, "run", "--once")[0] == 0
    subjects = sorted(str(d["Subject"]) for d in drafts_in(box))
    assert len(subjects) == 3 and any("past 100%" in s for s in subjects), subjects


def test_without_alert_drafts_nothing_is_drafted_and_a_mailbox_is_required_to_ask_for_them(tmp_path: Path) -> None:
    box = tmp_path / "sam"
    config = demo(tmp_path, f'\n[assistant.mailbox]\nkind = "maildir"\npath = "{make_maildir(box)}"\n')
    log(config, "8h30m")
    assert invoke(config, "run", "--once")[0] == 0
    assert drafts_in(box) == [], "a mailbox alone drafts nothing: alert_drafts and summaries are asked for"

    config = demo(tmp_path / "b", 'alert_drafts = true\nsummaries = "weekly"\n')
    code, out = invoke(config, "status")
    assert code == 2, out
    assert "assistant: alert_drafts and summaries need [assistant.mailbox]" in out, out


def test_a_summary_by_hand_is_drafted_to_the_client(tmp_path: Path) -> None:
    box = tmp_path / "sam"
    config = demo(tmp_path, f'\n[assistant.mailbox]\nkind = "maildir"\npath = "{make_maildir(box)}"\n', billing="")
    assert invoke(config, "run", "--once")[0] == 0
    code, out = invoke(config, "summary", "dana", "--draft")
    assert code == 0, out
    assert "drafted in your mailbox's Drafts, addressed to Dana Whitfield <dana@acme.example>" in out, out
    code, out = invoke(config, "summary", "dana", "--month", "2020-01", "--draft")
    assert code == 0, out
    drafts = drafts_in(box)
    assert len(drafts) == 2, "each summary asked for by hand is a new draft"
    bodies = {str(d["Subject"]): d.get_content() for d in drafts}
    assert "13 emails triaged" in next(b for s, b in bodies.items() if "seven days" in s), bodies
    assert "0 emails triaged" in bodies["What I handled for you in January 2020"]

    config = demo(tmp_path / "b", "", billing="")
    code, out = invoke(config, "summary", "dana", "--draft")
    assert code == 2 and "--draft needs [assistant.mailbox]" in out, out


def imap_box(user: DovecotUser, port: int) -> str:
    return (
        'alert_drafts = true\n\n[assistant.mailbox]\nkind = "imap"\nhost = "127.0.0.1"\n'
        f'port = {port}\nusername = "{user.name}"\npassword = "{user.password}"\ntls = "none"\ntimeout = 5\n'
    )


def imap_drafts(server: DovecotServer, user: DovecotUser) -> list[tuple[bytes, tuple[bytes, ...]]]:
    with server.imap_client(user) as client:
        if not client.folder_exists("Drafts"):
            return []
        client.select_folder("Drafts", readonly=True)
        uids = client.search(["ALL"])
        got = client.fetch(uids, ["FLAGS", "BODY.PEEK[HEADER.FIELDS (SUBJECT X-MAILFLOW-KEY)]"])
        return [(d[b"BODY[HEADER.FIELDS (SUBJECT X-MAILFLOW-KEY)]"], tuple(d[b"FLAGS"])) for d in got.values()]


def test_notes_wait_for_an_unreachable_mailbox_then_land_on_imap_once(
    dovecot_server: DovecotServer, imap_user: DovecotUser, tmp_path: Path
) -> None:
    with socket.socket() as probe:  # a port nothing listens on: connections are refused at once
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    config = demo(tmp_path, imap_box(imap_user, closed))
    log(config, "8h30m")
    code, out = invoke(config, "run", "--once")
    assert code == 0, "the executive's mail is handled whatever the assistant's mailbox does: " + out
    code, out = invoke(config, "status")
    assert code == 3 and "your mailbox (assistant): 1 drafts waiting to be saved; last try:" in out, out

    config.write_text(config.read_text().replace(f"port = {closed}\n", f"port = {imap_user.port}\n"))
    assert invoke(config, "run", "--once")[0] == 0
    drafts = imap_drafts(dovecot_server, imap_user)
    assert len(drafts) == 1, drafts
    header, flags = drafts[0]
    assert b"Retainer alert: Dana Whitfield past 80%" in header and b"\\Draft" in flags
    code, out = invoke(config, "status")
    assert code == 0 and "drafts waiting" not in out, out


def test_a_save_interrupted_after_the_append_is_not_drafted_twice(
    dovecot_server: DovecotServer, imap_user: DovecotUser, tmp_path: Path
) -> None:
    config = demo(tmp_path, imap_box(imap_user, imap_user.port), billing="")
    settings = load_settings(config)
    store = open_store(settings.database)
    try:
        client = settings.clients[0]
        note = summary_note(settings, store, client, Period(date(2026, 11, 1), date(2026, 11, 30)), "November", "k1")
        assert queued.queue(store, note) and not queued.queue(store, note), "queued once per key"
        # The APPEND reached the server, then the process died before it could mark the note saved.
        dovecot_server.deliver(imap_user, note.raw.encode(), "Drafts", [b"\\Draft", b"\\Seen"])
        done = deliver(settings, store, "test", connector_for)
        assert (done.saved, done.waiting, done.error) == (1, 0, None)
        assert len(imap_drafts(dovecot_server, imap_user)) == 1, "found by its X-Mailflow-Key, not saved again"
        assert queued.waiting(store) == [] and deliver(settings, store, "test", connector_for).saved == 0
    finally:
        store.close()


def test_the_last_whole_week_or_month() -> None:
    sunday, monday = date(2026, 11, 29), date(2026, 11, 30)
    assert last_period("weekly", monday)[0] == Period(date(2026, 11, 23), date(2026, 11, 29))
    assert last_period("weekly", sunday)[0] == Period(date(2026, 11, 16), date(2026, 11, 22))
    period, label, tag = last_period("monthly", date(2027, 1, 1))
    assert period == Period(date(2026, 12, 1), date(2026, 12, 31))
    assert (label, tag) == ("December 2026", "month 2026-12")
    assert last_period("weekly", monday)[1:] == ("the week of 23 November 2026", "week 2026-11-23")
