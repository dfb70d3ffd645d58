"""The time log by hand: `mailflow time log/start/stop/edit/delete`, kept in the audit log, refused when invoiced."""

from __future__ import annotations

import json
import re
import time as clock
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailflow.cli import cli
from mailflow.config import load_settings
from mailflow.store import open_store, timelog
from workers.main import RUNTIME


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    result = CliRunner().invoke(cli, ["init", "--demo", str(tmp_path / "demo")], obj={"runtime": RUNTIME})
    assert result.exit_code == 0, result.output
    return tmp_path / "demo" / "config.toml"


def invoke(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--config", str(config), *args], obj={"runtime": RUNTIME})
    return result.exit_code, result.output


def report(config: Path, month: str) -> dict[str, object]:
    code, out = invoke(config, "time", "report", "--client", "dana", "--month", month, "--format", "json")
    assert code == 0, out
    return json.loads(out)  # type: ignore[no-any-return]


def test_manual_entries_are_logged_edited_and_deleted_with_an_audit_trail(demo: Path) -> None:
    code, out = invoke(demo, "time", "log", "dana", "25m", "board deck prep", "--date", "2026-11-03")
    assert code == 0, out
    first = int(re.search(r"entry (\d+)", out).group(1))  # type: ignore[union-attr]
    code, out = invoke(
        demo,
        "time",
        "log",
        "dana",
        "1h10m",
        "travel booking",
        "--date",
        "2026-11-04",
        "--activity",
        "travel",
        "--no-billable",
    )
    assert code == 0 and "not billable" in out, out
    assert report(demo, "2026-11")["total_minutes"] == 95

    code, out = invoke(demo, "time", "edit", str(first), "--duration", "40m", "--note", "board deck, v2")
    assert code == 0, out
    assert report(demo, "2026-11")["total_minutes"] == 110
    code, out = invoke(demo, "time", "delete", str(first))
    assert code == 0 and "40 min" in out, out
    assert report(demo, "2026-11")["total_minutes"] == 70

    code, out = invoke(demo, "log", "--format", "json")
    kinds = [(e["action"], e["before"]) for e in json.loads(out) if e["action"].startswith("time ")]
    assert [k for k, _ in kinds] == ["time add", "time add", "time edit", "time delete"]
    assert kinds[2][1]["seconds"] == 1500 and kinds[3][1]["seconds"] == 2400, "each change keeps what was before"

    for duration, shown in (("90s", "1 min 30 s"), ("150s", "2 min 30 s"), ("45s", "45 s"), ("2h", "120 min")):
        code, out = invoke(demo, "time", "log", "dana", duration, "call", "--date", "2026-10-01")
        assert code == 0 and f"dana {shown} admin: call" in out, out

    code, out = invoke(demo, "time", "delete", "999")
    assert code == 1 and "no time entry 999" in out
    code, out = invoke(demo, "time", "log", "dana", "soon", "x")
    assert code == 2 and "'soon'" in out


def test_a_timer_runs_one_at_a_time_and_becomes_an_entry(demo: Path) -> None:
    code, out = invoke(demo, "time", "stop")
    assert code == 1 and "no timer is running" in out
    code, out = invoke(demo, "time", "start", "dana", "inbox zero")
    assert code == 0, out
    code, out = invoke(demo, "time", "start", "dana", "another")
    assert code == 1 and "a timer is already running for dana" in out and "'inbox zero'" in out
    clock.sleep(1.1)
    code, out = invoke(demo, "time", "stop")
    assert code == 0 and "inbox zero" in out, out
    assert re.search(r"entry \d+: dana \d s admin: inbox zero", out), "seconds, not a long fraction of a minute"
    month = json.loads(
        invoke(demo, "time", "report", "--client", "dana", "--month", clock.strftime("%Y-%m"), "--format", "json")[1]
    )
    assert [e["activity"] for e in month["entries"]] == ["admin"] and month["entries"][0]["minutes"] > 0


def test_an_invoiced_month_refuses_changes_until_reopened(demo: Path) -> None:
    code, out = invoke(demo, "time", "log", "dana", "30m", "calls", "--date", "2026-10-15")
    entry = out.split()[1].rstrip(":")
    store = open_store(load_settings(demo).database)
    try:
        number = timelog.issue_invoice(store, "dana", "2026-10", 2026, "USD", "42.50")
    finally:
        store.close()
    for args in (
        ("time", "edit", entry, "--duration", "45m"),
        ("time", "delete", entry),
        ("time", "log", "dana", "5m", "late", "--date", "2026-10-31"),
    ):
        code, out = invoke(demo, *args)
        assert code == 1 and f"dana's 2026-10 is invoiced (invoice {number})" in out, out
        assert "--reopen" in out
    code, out = invoke(demo, "time", "log", "dana", "5m", "next month", "--date", "2026-11-01")
    assert code == 0, "another month is open"
    store = open_store(load_settings(demo).database)
    try:
        timelog.reopen(store, "dana", "2026-10")
    finally:
        store.close()
    code, out = invoke(demo, "time", "edit", entry, "--duration", "45m")
    assert code == 0, out


def test_the_rate_card_logs_time_for_the_work_unless_a_rule_logs_its_own(demo: Path) -> None:
    text = demo.read_text()
    head, _, accounts = text.partition("[[clients.accounts]]")
    demo.write_text(head + '[clients.rate_card]\ntriage = "30s"\ndraft = "4m"\n\n[[clients.accounts]]' + accounts)
    code, out = invoke(demo, "run", "--once")
    assert code == 0, out
    month = clock.strftime("%Y-%m")
    entries = json.loads(invoke(demo, "time", "report", "--client", "dana", "--month", month, "--format", "json")[1])[
        "entries"
    ]
    by = {(e["rule"], e["activity"]): 0 for e in entries}
    for e in entries:
        by[(e["rule"], e["activity"])] += 1
    # The demo's invoice rule logs its own 3 minutes (no drafting entry from the card); its VIP rule logs 2m,
    # so those messages get no triage entry; newsletters (no log_time) get 30 s of triage each.
    assert ("Invoices go to bookkeeping", "drafting") not in by
    assert by[("rate card", "triage")] == 2, by
    assert all(e["minutes"] == 0.5 for e in entries if e["activity"] == "triage")


def test_a_summary_counts_the_work_of_the_period(demo: Path, tmp_path: Path) -> None:
    code, out = invoke(demo, "run", "--once")
    assert code == 0, out
    invoke(demo, "time", "log", "dana", "1h30m", "board deck")
    code, out = invoke(demo, "summary", "dana")
    assert code == 0, out
    assert "Dear Dana," in out and "13 emails triaged" in out and "2 replies drafted" in out, out
    assert "hours of work logged" in out and "Sam Rivera" in out
    code, out = invoke(demo, "summary", "dana", "--month", "2020-01", "--output", str(tmp_path / "s.txt"))
    assert code == 0 and "0 emails triaged" in (tmp_path / "s.txt").read_text()
    code, out = invoke(demo, "summary", "dana", "--month", "2020-01", "--week", "2020-01-06")
    assert code == 2
