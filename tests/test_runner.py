"""Passes over several clients: one client's broken rules never hold up another's mail."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from mailflow.config import Settings, load_settings
from mailflow.store import open_store
from workers.runner import PassResult, RulesCache, run_pass

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "mailflow" / "sample" / "maildir"
GOOD = (ROOT / "rules" / "dana.toml").read_text()


def setup(tmp_path: Path) -> Path:
    for client in ("dana", "lee"):
        shutil.copytree(SAMPLE, tmp_path / client)
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "dana.toml").write_text(GOOD)
    (tmp_path / "rules" / "lee.toml").write_text(GOOD)
    config = tmp_path / "config.toml"
    config.write_text(
        """
database = "sqlite:///mf.db"
[assistant]
name = "Sam Rivera"
email = "sam@rivera-va.example"
[[clients]]
id = "dana"
name = "Dana Whitfield"
email = "dana@acme.example"
[[clients.accounts]]
kind = "maildir"
path = "dana"
[[clients]]
id = "lee"
name = "Lee Okafor"
email = "lee@okafor.example"
[[clients.accounts]]
kind = "maildir"
path = "lee"
"""
    )
    return config


def one_pass(settings: Settings, cache: RulesCache | None = None) -> PassResult:
    store = open_store(settings.database)
    try:
        return run_pass(settings, store, cache)
    finally:
        store.close()


def test_a_broken_rules_file_is_reported_and_the_other_clients_still_run(tmp_path: Path) -> None:
    config = setup(tmp_path)
    (tmp_path / "rules" / "dana.toml").write_text("version = 1\n[[rule]]\nname = 'x'\nthen = [ { flg = true } ]\n")
    settings = load_settings(config)
    result = one_pass(settings)
    assert not result.ok
    assert "dana.toml:4" in result.rule_errors["dana"]
    assert [r.client for r in result.reports] == ["lee"]
    assert result.reports[0].new == 13


def test_a_client_keeps_its_last_good_rules_when_the_file_breaks(tmp_path: Path) -> None:
    config = setup(tmp_path)
    settings = load_settings(config)
    cache = RulesCache()
    path = tmp_path / "rules" / "dana.toml"
    good, problem = cache.get(path)
    assert good is not None and problem is None
    path.write_text("version = 1\n[[rule]]\nname = 'x'\nwhen = { subject = { matches = '(' } }\nthen = []\n")
    later = time.time() + 5
    os.utime(path, (later, later))
    kept, problem = cache.get(path)
    assert kept is good
    assert problem is not None and "keeping the last good rules" in problem and "dana.toml:4" in problem
    result = one_pass(settings, cache)
    assert {r.client for r in result.reports} == {"dana", "lee"}, "dana ran on her last good rules"


def test_a_missing_rules_file_says_what_to_write(tmp_path: Path) -> None:
    config = setup(tmp_path)
    (tmp_path / "rules" / "lee.toml").unlink()
    settings = load_settings(config)
    result = one_pass(settings)
    assert "no rules file for this client" in result.rule_errors["lee"]


def test_an_unexpected_failure_in_one_account_does_not_stop_the_others(tmp_path: Path) -> None:
    config = setup(tmp_path)
    shutil.rmtree(tmp_path / "dana" / "cur")  # no longer a Maildir
    (tmp_path / "dana" / "cur").write_text("not a folder")
    settings = load_settings(config)
    result = one_pass(settings)
    by_client = {r.client: r for r in result.reports}
    assert by_client["dana"].error is not None
    assert by_client["lee"].error is None and by_client["lee"].new == 13


def test_a_database_that_stops_answering_is_raised_for_a_retry_not_reported_as_the_accounts_failure(
    tmp_path: Path,
) -> None:
    import pytest

    from mailflow.errors import StoreUnavailable
    from workers.runner import run_account

    settings = load_settings(setup(tmp_path))
    gone = open_store("postgresql://postgres@127.0.0.1:1/nothing", migrate=False)  # nothing listens on port 1
    rules, _ = RulesCache().get(settings.rules_file("dana"))
    assert rules is not None
    try:
        with pytest.raises(StoreUnavailable, match="the database stopped answering"):
            run_account(settings, gone, settings.clients[0], 0, rules)
    finally:
        gone.close()


def test_the_interpreter_is_tuned_once_for_passes_and_a_disabled_collector_stays_off() -> None:
    import subprocess
    import sys

    probe = (
        "import gc, sys\n"
        "from workers.runner import GC_YOUNG_THRESHOLD, SWITCH_INTERVAL, tune_interpreter\n"
        "gc.set_threshold({young}, 10, 10)\n"
        "tune_interpreter()\n"
        "tuned = sys.getswitchinterval() <= SWITCH_INTERVAL\n"
        "print(gc.get_threshold()[0] == {want}, tuned, gc.get_freeze_count() > 0)\n"
    )
    for young, want in (("700", "GC_YOUNG_THRESHOLD"), ("0", "0"), ("50000", "50000")):
        out = subprocess.run(
            [sys.executable, "-c", probe.format(young=young, want=want)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert out.split() == ["True", "True", "True"], (young, out)
