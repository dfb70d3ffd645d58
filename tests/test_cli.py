"""The mailflow command, end to end over the bundled sample mailbox."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from mailflow.cli import EX_CONFIG, EX_OK, EX_RULES, cli
from workers.main import RUNTIME

ROOT = Path(__file__).parent.parent


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    result = CliRunner().invoke(cli, ["init", "--demo", str(tmp_path / "demo")], obj={"runtime": RUNTIME})
    assert result.exit_code == 0, result.output
    return tmp_path / "demo" / "config.toml"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), obj={"runtime": RUNTIME})
    return result.exit_code, result.output


def test_the_demo_runs_once_over_the_sample_mailbox_and_says_what_it_did(demo: Path) -> None:
    code, out = invoke("--config", str(demo), "run", "--once")
    assert code == EX_OK, out
    assert re.search(r"\[dana/dana\] 1[2-9] new, 0 already handled, 0 quarantined", out), out
    assert "draft reply" in out and "move to Newsletters" in out and "label Urgent" in out
    maildir = demo.parent / "maildir"
    assert len(list((maildir / ".Drafts" / "cur").iterdir())) >= 2
    assert list((maildir / ".Newsletters" / "cur").iterdir())


def test_a_second_run_finds_nothing_new(demo: Path) -> None:
    invoke("--config", str(demo), "run", "--once")
    code, out = invoke("--config", str(demo), "run", "--once", "--quiet")
    assert code == EX_OK
    assert "0 new" in out and "actions: none" in out


def test_the_time_report_in_json_lists_entries_and_the_raw_total(demo: Path) -> None:
    invoke("--config", str(demo), "run", "--once")
    month = datetime.now(ZoneInfo("America/New_York")).strftime("%Y-%m")
    code, out = invoke(
        "--config", str(demo), "time", "report", "--client", "dana", "--month", month, "--format", "json"
    )
    assert code == EX_OK, out
    report = json.loads(out)
    assert report["entries"], report
    assert {"minutes", "activity", "message_id"} <= set(report["entries"][0])
    assert report["total_minutes"] == pytest.approx(sum(e["minutes"] for e in report["entries"]))
    assert any(e["activity"] == "bookkeeping" for e in report["entries"])
    code, csv_out = invoke(
        "--config", str(demo), "time", "report", "--client", "dana", "--month", month, "--format", "csv"
    )
    assert code == EX_OK and csv_out.startswith("id,at,minutes,billed_minutes,activity,message_id")


def test_a_bad_month_and_an_unknown_client_are_config_errors(demo: Path) -> None:
    code, out = invoke("--config", str(demo), "time", "report", "--client", "dana", "--month", "Nov")
    assert code == EX_CONFIG and "expected YYYY-MM" in out
    code, out = invoke("--config", str(demo), "time", "report", "--client", "zed", "--month", "2026-11")
    assert code == EX_CONFIG and "no client 'zed'" in out


@pytest.mark.own_database  # its bad `database` is one of the problems
def test_a_broken_config_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    bad = tmp_path / "config.toml"
    bad.write_text('database = 5\nflavour = "x"\n[assistant]\nname = "Sam"\n')
    code, out = invoke("--config", str(bad), "status")
    assert code == EX_CONFIG
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) == 3, out
    assert any("flavour: unknown key" in e for e in errors)
    assert any("assistant.email: required key is missing" in e for e in errors)


def test_rules_check_reports_an_unknown_key_and_a_bad_regex_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "dana.toml"
    path.write_text(
        'version = 1\n\n[[rule]]\nname = "One"\nwhen = { subject = { matches = "(unclosed" } }\n'
        'then = [ { label = "X" } ]\n\n[[rule]]\nname = "Two"\nwhen = { form = "a@b.example" }\n'
        "then = [ { flag = true } ]\n"
    )
    code, out = invoke("rules", "check", str(path))
    assert code == EX_RULES
    assert f"{path}:5" in out and "'One'" in out
    assert f"{path}:10" in out and "'Two'" in out


def test_rules_check_without_files_checks_every_client_of_the_config(demo: Path) -> None:
    code, out = invoke("--config", str(demo), "rules", "check")
    assert code == EX_OK, out
    assert "dana.toml: ok" in out


def test_rules_test_shows_what_would_happen_and_changes_nothing(demo: Path) -> None:
    maildir = demo.parent / "maildir"
    files = sorted((maildir / "new").iterdir())
    before = sorted(p.name for p in maildir.rglob("*"))
    code, out = invoke("--config", str(demo), "rules", "test", "dana", *map(str, files))
    assert code == EX_OK, out
    assert "category newsletter" in out and "Re: " in out
    assert sorted(p.name for p in maildir.rglob("*")) == before


def test_status_shows_each_account(demo: Path) -> None:
    invoke("--config", str(demo), "run", "--once")
    code, out = invoke("--config", str(demo), "status")
    assert code == EX_OK, out
    assert "dana (Dana Whitfield): rules" in out and ": ok" in out
    assert re.search(r"dana \[maildir\]: last sync \d{4}-\d\d-\d\d", out)


def test_init_refuses_to_overwrite_without_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke("init")[0] == EX_OK
    code, out = invoke("init")
    assert code == EX_CONFIG and "--force" in out
    assert invoke("init", "--force")[0] == EX_OK


def commands() -> list[str]:
    found = []
    for name, command in cli.commands.items():
        sub = getattr(command, "commands", None)
        if sub:
            found.extend(f"{name} {s}" for s in sub)
        else:
            found.append(name)
    return found


@pytest.mark.parametrize("command", commands())
def test_every_command_has_help_and_is_documented_in_the_readme(command: str) -> None:
    code, out = invoke(*command.split(), "--help")
    assert code == 0 and "Usage:" in out
    readme = (ROOT / "README.md").read_text()
    assert f"mailflow {command}" in readme, f"README.md does not document `mailflow {command}`"


def test_a_draft_that_cannot_be_rendered_is_quarantined_with_its_reason_and_shown_by_status(demo: Path) -> None:
    rules = demo.parent / "rules" / "dana.toml"
    untested = rules.read_text().split("\n[[test]]")[0]  # without its tests, which would catch this first
    rules.write_text(untested.replace("{{ sender.first_name }}", "{{ sender.nickname }}"))
    code, out = invoke("--config", str(demo), "run", "--once")
    assert code == EX_OK, out
    assert "2 actions failed" in out
    code, out = invoke("--config", str(demo), "status")
    assert "2 quarantined" in out
    assert "nickname" in out, out
    assert not (demo.parent / "maildir" / ".Drafts").exists() or not list(
        (demo.parent / "maildir" / ".Drafts" / "cur").iterdir()
    )


def test_a_draft_that_cannot_be_rendered_is_caught_by_the_files_own_tests_before_any_mail(demo: Path) -> None:
    rules = demo.parent / "rules" / "dana.toml"
    rules.write_text(rules.read_text().replace("{{ sender.first_name }}", "{{ sender.nickname }}"))
    code, out = invoke("--config", str(demo), "run", "--once")
    assert code == 3, out
    assert "rules not loaded" in out and "test 'an invoice is filed, acknowledged and logged': FAILED" in out
    assert "does not render" in out and "nickname" in out
    code, out = invoke("--config", str(demo), "status")
    assert "0 handled" in out, "nothing was done with rules whose tests fail"


@pytest.mark.own_database  # the demo's ledger is the SQLite file it deletes
def test_making_the_demo_again_starts_it_afresh(demo: Path) -> None:
    invoke("--config", str(demo), "run", "--once")
    code, _ = invoke("init", "--demo", str(demo.parent), "--force")
    assert code == EX_OK
    code, out = invoke("--config", str(demo), "run", "--once", "--quiet")
    assert code == EX_OK and " 13 new," in out, out


def test_the_audit_log_shows_every_action_filtered_by_client_rule_and_time(demo: Path) -> None:
    invoke("--config", str(demo), "run", "--once")
    code, out = invoke("--config", str(demo), "log")
    assert code == EX_OK, out
    lines = out.strip().splitlines()
    assert len(lines) == 16, out  # the demo's 16 actions: labels, flags, moves, read states, drafts, time
    assert any("VIP mail is urgent: flag" in line for line in lines)
    code, out = invoke("--config", str(demo), "log", "--rule", "Newsletters leave the inbox", "--format", "json")
    entries = json.loads(out)
    assert {e["action"] for e in entries} == {"move", "mark_read"} and len(entries) == 4
    assert all(e["outcome"] == "done" and e["client"] == "dana" and e["message_id"] for e in entries)
    code, out = invoke("--config", str(demo), "log", "--since", "2999-01-01")
    assert code == EX_OK and "nothing in the audit log matches" in out
    code, out = invoke("--config", str(demo), "log", "--limit", "3")
    assert len(out.strip().splitlines()) == 3
    code, out = invoke("--config", str(demo), "log", "--client", "nobody")
    assert code == EX_CONFIG


def _maildir_state(root: Path) -> dict[str, list[tuple[str, str]]]:
    """Each folder's messages as (file name without flags, flag letters), sorted; empty folders left out."""
    state: dict[str, list[tuple[str, str]]] = {}
    for folder in [root, *sorted(p for p in root.iterdir() if p.name.startswith("."))]:
        items = []
        for sub in ("new", "cur"):
            for path in (folder / sub).iterdir() if (folder / sub).is_dir() else []:
                base, _, letters = path.name.partition(":2,")
                items.append((base, letters))
        if items:
            state[folder.name if folder != root else "INBOX"] = sorted(items)
    return state


def test_undo_puts_the_sample_maildir_back_as_it_was(demo: Path) -> None:
    maildir = demo.parent / "maildir"
    start = _maildir_state(maildir)
    code, out = invoke("--config", str(demo), "run", "--once")
    assert code == EX_OK and _maildir_state(maildir) != start
    code, out = invoke("--config", str(demo), "undo", "--since", "1h")
    assert code == EX_OK, out
    assert out.splitlines()[-1] == "16 undone", out
    # Reading moved a message from new/ to cur/ (the letters say it is unread, as before): compare by name and flags.
    assert _maildir_state(maildir) == start
    code, out = invoke(
        "--config",
        str(demo),
        "time",
        "report",
        "--client",
        "dana",
        "--month",
        datetime.now(ZoneInfo("America/New_York")).strftime("%Y-%m"),
        "--format",
        "json",
    )
    assert json.loads(out)["total_minutes"] == 0
