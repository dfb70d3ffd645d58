"""`mailflow rules plan` over mail already in an IMAP mailbox: it counts what the rules would do and changes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailflow.cli import cli
from tests.servers.dovecot import DovecotServer, DovecotUser
from tests.test_imap_end_to_end import fill, server_state, statuses, write_config
from workers.main import RUNTIME

pytestmark = pytest.mark.dovecot


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), obj={"runtime": RUNTIME})
    return result.exit_code, result.output


def counts(out: str) -> dict[str, int]:
    """Messages per rule, from the plan's lines ``   N  rule name: actions``."""
    found = {}
    for line in out.splitlines():
        m = re.match(r"\s+(\d+)\s{2}(.+?)(?::\s|$)", line)
        if m:
            found[m.group(2)] = int(m.group(1))
    return found


def test_a_plan_changes_nothing_and_counts_what_a_run_then_does(
    dovecot_server: DovecotServer, imap_user: DovecotUser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = fill(dovecot_server, imap_user)
    config = write_config(tmp_path, imap_user)
    monkeypatch.setenv("DANA_IMAP_PASSWORD", imap_user.password)
    before = server_state(dovecot_server, imap_user)

    code, out = invoke("--config", str(config), "rules", "plan", "dana")
    assert code == 0, out
    assert f"INBOX: {total} messages planned (all {total})" in out
    assert "nothing was changed" in out
    assert server_state(dovecot_server, imap_user) == before, "no flag, keyword or folder changed"
    assert not (tmp_path / "mailflow.db").exists(), "nothing recorded"
    planned = counts(out)
    drafts = int(re.search(r"(\d+) drafts", out).group(1))  # type: ignore[union-attr]

    code, out = invoke("--config", str(config), "rules", "plan", "dana", "--last", "10", "-v")
    assert code == 0 and "INBOX: 10 messages planned (the newest 10 of" in out, out
    code, out = invoke("--config", str(config), "rules", "plan", "dana", "--since", "2000-01-01")
    assert code == 0 and "older than --since" not in out
    code, out = invoke("--config", str(config), "rules", "plan", "dana", "--since", "2999-01-01")
    undated = int(re.search(r"(\d+) without a readable Date header", out).group(1))  # type: ignore[union-attr]
    assert code == 0 and f"{undated} messages planned" in out and f"{total - undated} older than --since" in out
    code, out = invoke("--config", str(config), "rules", "plan", "dana", "--since", "soon")
    assert code == 2 and "expected a time ago like 30d" in out

    # What the run then does is what the plan said.
    code, out = invoke("--config", str(config), "run", "--once", "--quiet")
    assert code == 0, out
    assert sum(statuses(config).values()) == total
    after = server_state(dovecot_server, imap_user)
    assert sum(after.get("Drafts", {}).values()) == drafts
    assert sum(after.get("Newsletters", {}).values()) == planned["Newsletters leave the inbox"]
