"""`mailflow rules plan` over mail already in an IMAP mailbox: it counts what the rules would do and changes nothing."""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailflow.cli import cli
from tests.servers.dovecot import DovecotServer, DovecotUser
from tests.test_imap_end_to_end import fill, server_state, statuses, time_log, write_config
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
    # One of the awkward messages (tests/corpus/awkward/no-headers-garbage.eml) is not an email message.
    assert f"INBOX: {total - 1} messages planned (all {total})" in out
    assert "1 could not be read (they would be quarantined)" in out
    assert "nothing was changed" in out
    assert server_state(dovecot_server, imap_user) == before, "no flag, keyword or folder changed"
    assert not (tmp_path / "mailflow.db").exists(), "nothing recorded"
    planned = counts(out)
    drafts = int(re.search(r"(\d+) drafts", out).group(1))  # type: ignore[union-attr]

    code, out = invoke("--config", str(config), "rules", "plan", "dana", "--last", "10", "-v")
    newest = re.search(r"INBOX: (\d+) messages planned \(the newest 10 of", out)
    unreadable = re.search(r"(\d+) could not be read", out)
    assert code == 0 and newest, out
    assert int(newest.group(1)) + (int(unreadable.group(1)) if unreadable else 0) == 10
    code, out = invoke("--config", str(config), "rules", "plan", "dana", "--since", "2000-01-01")
    assert code == 0 and "older than --since" not in out
    code, out = invoke("--config", str(config), "rules", "plan", "dana", "--since", "2999-01-01")
    undated = int(re.search(r"(\d+) without a readable Date header", out).group(1))  # type: ignore[union-attr]
    assert code == 0 and f"{undated - 1} messages planned" in out and f"{total - undated} older than --since" in out
    code, out = invoke("--config", str(config), "rules", "plan", "dana", "--since", "soon")
    assert code == 2 and "expected a time ago like 30d" in out

    # What the run then does is what the plan said.
    code, out = invoke("--config", str(config), "run", "--once", "--quiet")
    assert code == 0, out
    assert sum(statuses(config).values()) == total
    after = server_state(dovecot_server, imap_user)
    assert sum(after.get("Drafts", {}).values()) == drafts
    assert sum(after.get("Newsletters", {}).values()) == planned["Newsletters leave the inbox"]


@pytest.mark.own_database  # two configs, a database each
def test_apply_does_what_the_plan_said_once_and_ends_as_a_run_would(
    dovecot_server: DovecotServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    new_database: Callable[[Path], str],
) -> None:
    # The same mail in two mailboxes: one handled by `run --once`, one by `rules apply`.
    by_run = dovecot_server.add_user(f"byrun-{os.getpid()}", "pw-run")
    by_apply = dovecot_server.add_user(f"byapply-{os.getpid()}", "pw-apply")
    total = fill(dovecot_server, by_run)
    fill(dovecot_server, by_apply)
    run_config = write_config(tmp_path / "run", by_run, database=new_database(tmp_path / "run"))
    apply_config = write_config(tmp_path / "apply", by_apply, database=new_database(tmp_path / "apply"))
    monkeypatch.setenv("DANA_IMAP_PASSWORD", by_run.password)
    code, out = invoke("--config", str(run_config), "run", "--once", "--quiet")
    assert code == 0, out
    want = server_state(dovecot_server, by_run)
    want_log = time_log(run_config)

    monkeypatch.setenv("DANA_IMAP_PASSWORD", by_apply.password)
    code, plan = invoke("--config", str(apply_config), "rules", "plan", "dana")
    assert code == 0, plan
    code, out = invoke("--config", str(apply_config), "rules", "apply", "dana")
    assert code == 0, out
    planned = re.search(r"the rules plan: (.*)", plan).group(1)  # type: ignore[union-attr]
    assert f"the rules plan: {planned}" in out
    assert server_state(dovecot_server, by_apply) == want, "apply ends as a run over the same mail"
    assert Counter(time_log(apply_config).values()) == Counter(want_log.values())
    assert sum(statuses(apply_config).values()) == total and statuses(apply_config)["planned"] == 0

    code, out = invoke("--config", str(apply_config), "rules", "apply", "dana")
    assert code == 0 and "actions: none" in out, "applying again does nothing"
    code, out = invoke("--config", str(apply_config), "run", "--once", "--quiet")
    assert code == 0 and "0 new" in out and "actions: none" in out, out
    assert server_state(dovecot_server, by_apply) == want
    assert Counter(time_log(apply_config).values()) == Counter(want_log.values())


def raw_state(server: DovecotServer, user: DovecotUser) -> dict[str, list[tuple[int, tuple[str, ...], str]]]:
    """Every folder's messages, byte for byte: (UID, flags, SHA-256 of the whole message), by folder."""
    state: dict[str, list[tuple[int, tuple[str, ...], str]]] = {}
    with server.imap_client(user) as client:
        for _flags, _sep, name in client.list_folders():
            client.select_folder(name, readonly=True)
            uids = client.search("ALL")
            data = client.fetch(uids, ["FLAGS", "BODY.PEEK[]"]) if uids else {}
            state[name] = sorted(
                (
                    uid,
                    tuple(sorted(str(f) for f in item[b"FLAGS"] if f != b"\\Recent")),
                    hashlib.sha256(item[b"BODY[]"]).hexdigest(),
                )
                for uid, item in data.items()
            )
    return state


def test_a_plan_over_1000_messages_leaves_the_server_byte_for_byte_unchanged_and_apply_does_what_it_said(
    dovecot_server: DovecotServer, imap_user: DovecotUser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench import corpus

    with dovecot_server.imap_client(imap_user) as client:
        for raw in corpus.generate(1000, seed=21):
            client.append("INBOX", raw)
    config = write_config(tmp_path, imap_user)
    monkeypatch.setenv("DANA_IMAP_PASSWORD", imap_user.password)
    before = raw_state(dovecot_server, imap_user)
    assert len(before["INBOX"]) == 1000
    code, plan = invoke("--config", str(config), "rules", "plan", "dana")
    assert code == 0, plan
    assert raw_state(dovecot_server, imap_user) == before, "folders, message count, flags and bytes unchanged"
    code, applied = invoke("--config", str(config), "rules", "apply", "dana")
    assert code == 0, applied
    summary = re.search(r"the rules plan: (.*)", plan).group(1)  # type: ignore[union-attr]
    assert f"the rules plan: {summary}" in applied
    done = re.search(r"actions: (.*?); [\d.]+ min logged", applied).group(1)  # type: ignore[union-attr]
    words = {"drafts saved": "drafts", "labelled": "label changes", "moved": "moves"}
    kinds = re.findall(r"(\d+) ([a-z -]+?)(?:,|$)", done)
    assert len(kinds) >= 5, done
    for n, what in kinds:
        assert f"{n} {words.get(what, what)}" in summary, (what, done, summary)
