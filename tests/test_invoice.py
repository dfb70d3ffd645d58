"""Billing from the command line: `time report` with a plan, `mailflow invoice`, locks and reopening."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailflow.cli import cli
from workers.main import RUNTIME

HOURLY = """
[clients.billing]
plan = "hourly"
currency = "USD"
rate = "85.00"
increment = "6m"
rounding = "up"
minimum = "15m"
"""

RETAINER = """
[clients.billing]
plan = "retainer"
currency = "USD"
monthly_fee = "1500.00"
included_hours = 2
overage_rate = "90.00"
rollover_cap_hours = 1
rollover_expiry_months = 2
"""


def invoke(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--config", str(config), *args], obj={"runtime": RUNTIME})
    return result.exit_code, result.output


def demo(tmp_path: Path, billing: str) -> Path:
    result = CliRunner().invoke(cli, ["init", "--demo", str(tmp_path / "demo")], obj={"runtime": RUNTIME})
    assert result.exit_code == 0, result.output
    config = tmp_path / "demo" / "config.toml"
    text = config.read_text()
    head, _, accounts = text.partition("[[clients.accounts]]")
    config.write_text(head + billing + "\n[[clients.accounts]]" + accounts)
    return config


def log(config: Path, duration: str, day: str, note: str = "work", *extra: str) -> None:
    code, out = invoke(config, "time", "log", "dana", duration, note, "--date", day, *extra)
    assert code == 0, out


def test_an_hourly_month_is_rounded_billed_invoiced_and_locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = demo(tmp_path, HOURLY)
    monkeypatch.chdir(tmp_path)
    log(config, "7m", "2026-11-02")  # 15 (minimum)
    log(config, "20m", "2026-11-03")  # 24
    log(config, "1h01m", "2026-11-04", "calls", "--activity", "calls")  # 66
    log(config, "30m", "2026-11-05", "filing", "--no-billable")  # 0
    code, out = invoke(config, "time", "report", "--client", "dana", "--month", "2026-11", "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    assert report["total_minutes"] == 118, "the raw total, as logged"
    assert [e["billed_minutes"] for e in report["entries"]] == [15, 24, 66, 0]
    assert report["billed_minutes"] == 105 and report["amount"] == "148.75"  # 105 min at 85/h
    assert report["by_source"]["manual"]["billed_minutes"] == 105
    code, out = invoke(config, "time", "report", "--client", "dana", "--month", "2026-11")
    assert "amount USD 148.75" in out and "105 min billed" in out, out

    code, out = invoke(config, "invoice", "dana", "--month", "2026-11")
    assert code == 0, out
    assert "invoice 2026-0001 issued for Dana Whitfield, 2026-11: USD 148.75" in out
    html = (tmp_path / "invoice-2026-0001-dana-2026-11.html").read_text()
    HTMLParser().feed(html)
    assert html.startswith("<!DOCTYPE html>") and "Sam Rivera" in html and "148.75" in html
    code, out = invoke(config, "invoice", "dana", "--month", "2026-11", "--format", "pdf", "--output", "n.pdf")
    assert code == 0 and "written again" in out, out
    assert (tmp_path / "n.pdf").read_bytes().startswith(b"%PDF-1.4")

    code, out = invoke(config, "time", "log", "dana", "5m", "late", "--date", "2026-11-30")
    assert code == 1 and "dana's 2026-11 is invoiced (invoice 2026-0001)" in out
    code, out = invoke(config, "invoice", "dana", "--month", "2026-11", "--reopen")
    assert code == 0 and "reopened" in out
    log(config, "5m", "2026-11-30", "late")
    code, out = invoke(config, "invoice", "dana", "--month", "2026-11", "--format", "csv")
    assert code == 0 and "invoice 2026-0002 issued" in out and "USD 170.00" in out, out  # +15 min
    code, out = invoke(config, "invoice", "dana", "--month", "2026-12")
    assert code == 1 and "nothing to invoice for dana in 2026-12" in out


def test_a_retainer_rolls_unused_hours_over_and_bills_the_overage(tmp_path: Path) -> None:
    config = demo(tmp_path, RETAINER)
    log(config, "1h30m", "2026-09-10")  # 30 min unused of 2 h: rolls over
    log(config, "3h", "2026-10-10")  # 30 rolled over + 2 h included + 30 min overage
    code, out = invoke(config, "time", "report", "--client", "dana", "--month", "2026-10", "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    assert report["retainer"] is not None and report["billed_minutes"] == 180
    assert report["amount"] == "1545.00", report  # the fee and 30 minutes at 90/h
    code, out = invoke(config, "time", "report", "--client", "dana", "--month", "2026-10")
    assert "rolled over in 0.5 h" in out and "overage 0.5 h = USD 45.00" in out, out


def test_the_retainer_shows_in_status_alerts_once_and_gates_rules(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    config = demo(tmp_path, RETAINER.replace("rollover_cap_hours = 1\nrollover_expiry_months = 2\n", ""))
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    log(config, "1h40m", today)  # billed 1h42m (6-minute rounding up): 85% of 2 h
    code, out = invoke(config, "status")
    assert "retainer " in out and "1.7 of 2 h used (85%); past 80%" in out, out
    invoke(config, "status")
    code, out = invoke(config, "log", "--format", "json")
    alerts = [e for e in json.loads(out) if e["action"] == "alert"]
    assert len(alerts) == 1 and "80%" in alerts[0]["detail"], "noted once however often it is looked at"

    rules = tmp_path / "demo" / "rules" / "dana.toml"
    rules.write_text(
        "version = 1\n"
        '[[rule]]\nname = "Spent"\nwhen = { retainer_used = { min = 100 } }\nthen = [ { label = "Over" } ]\n'
        '[[rule]]\nname = "Not yet"\nwhen = { retainer_used = { max = 99 } }\nthen = [ { label = "Under" } ]\n'
    )
    code, out = invoke(config, "run", "--once")
    assert code == 0 and "label Under" in out and "label Over" not in out, out
    log(config, "30m", today)
    code, out = invoke(config, "status")
    assert "(110%); past 100%" in out, out
