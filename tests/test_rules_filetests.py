"""Tests inside a rules file: [[test]] tables are validated at load, run by `rules test` and `rules check`,
and a file whose tests fail is never used by the daemon."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailflow.cli import cli
from mailflow.errors import RulesSchemaError
from mailflow.rules import check_rules, format_result, load_rules, run_tests
from workers.main import RUNTIME
from workers.runner import RulesCache

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "rules" / "dana.toml"
AWKWARD = ROOT / "tests" / "corpus" / "awkward"

RULES = """version = 1

[lists]
vip = ["ceo@bigcorp.example"]

[templates]
ack = "Hi {{ sender.first_name }}, {{ client.name }} has it."

[[rule]]
name = "VIP"
when = { from = { in = "vip" } }
then = [ { label = "Urgent" }, { flag = true } ]

[[rule]]
name = "Contracts get a reply"
when = { has_attachment = { name = "*.pdf" } }
then = [ { draft_reply = { template = "ack", reply_all = true } } ]
"""


def write(tmp_path: Path, tests: str, rules: str = RULES) -> Path:
    path = tmp_path / "dana.toml"
    path.write_text(rules + tests)
    return path


def test_the_example_rules_carry_tests_and_they_pass() -> None:
    results = run_tests(load_rules(EXAMPLE))
    assert len(results) >= 4
    assert all(r.ok for r in results), "\n".join(format_result(r, EXAMPLE) for r in results)


def test_a_passing_and_a_failing_test_with_want_and_got(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[[test]]
name = "the CEO"
expect = [ { label = "Urgent" }, { flag = true } ]
message = { from = "Ann <ceo@bigcorp.example>", subject = "hi" }

[[test]]
name = "a contract"
expect = [ { label = "Legal" } ]
[test.message]
from = "Bo Chen <bo@law.example>"
subject = "Contract"
attachments = [ { name = "contract.pdf", type = "application/pdf", size = 3000 } ]
""",
    )
    first, second = run_tests(load_rules(path))
    assert first.ok
    assert not second.ok
    text = format_result(second, path)
    lines = path.read_text().splitlines()
    line = [n for n, text_ in enumerate(lines, 1) if text_ == "[[test]]"][1]
    assert text.startswith(f"{path}:{line}: test 'a contract': FAILED")
    assert "want: label Legal" in text
    assert "got:  draft reply (ack) [reply_all=true]" in text
    assert "missing: label Legal" in text and "not expected: draft reply (ack) [reply_all=true]" in text


def test_expect_nothing_a_category_and_an_eml_file(tmp_path: Path) -> None:
    eml = next(p for p in sorted(AWKWARD.glob("*.eml")))
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "one.eml").write_bytes(eml.read_bytes())
    path = write(
        tmp_path,
        """
[[test]]
name = "a stranger, nothing to do"
category = "newsletter"
expect = []
message = { from = "x@y.example", subject = "hello" }

[[test]]
name = "from a file"
eml = "mail/one.eml"
expect = []
""",
    )
    stranger, from_file = run_tests(load_rules(path))
    assert stranger.want == stranger.got == []
    assert not stranger.ok and stranger.problems == ["category: want newsletter, got personal"]
    assert from_file.ok, format_result(from_file, path)


def test_a_draft_that_does_not_render_fails_its_test(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[[test]]
name = "a contract"
expect = [ { draft_reply = { template = "ack", reply_all = true } } ]
message = { from = "Bo <bo@law.example>", attachments = [ { name = "c.pdf", content = "%PDF" } ] }
""",
        RULES.replace("{{ client.name }} has it.", "{{ client.name | nosuchfilter }}"),
    )
    with pytest.raises(RulesSchemaError):  # an unknown filter is found at load already
        load_rules(path)
    path = write(
        tmp_path,
        """
[[test]]
name = "a contract"
expect = [ { draft_reply = { template = "ack", reply_all = true } } ]
message = { from = "Bo <bo@law.example>", attachments = [ { name = "c.pdf", content = "%PDF" } ] }
""",
        RULES.replace("{{ client.name }} has it.", "{{ client.name }} has {{ 1 // 0 }}."),
    )
    (result,) = run_tests(load_rules(path))
    assert result.want == result.got
    assert not result.ok and "does not render" in result.problems[0] and "division" in result.problems[0]


def test_every_mistake_in_a_test_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[[test]]
name = "one"
expect = [ { label = "X" }, { stop = true } ]
message = { from = "a@b.example", subjet = "typo" }

[[test]]
name = "one"
eml = "missing.eml"
message = { from = "a@b.example" }
expect = []

[[test]]
name = "three"
category = "spam"
eml = "nowhere.eml"
expect = [ { lable = "X" } ]

[[test]]
name = "four"
message = { attachments = [ { type = "text/plain", size = -1 } ] }
""",
    )
    problems = [str(p) for p in check_rules(path)]
    joined = "\n".join(problems)
    assert "stop is not an action a message gets" in joined
    assert "unknown key 'subjet'; did you mean 'subject'?" in joined
    assert "two tests are named 'one'" in joined
    assert "either message = { ... } or eml" in joined
    assert (
        "category expects one of invite, notification, receipt, newsletter, cold_outreach, scheduling, personal"
        in joined
    )
    assert "no such file:" in joined and "nowhere.eml" in joined
    assert "unknown key 'lable'" in joined
    assert "the test needs expect = [ ... ]" in joined
    assert all(p.startswith(f"{path}:") and p.split(":")[1].isdigit() for p in problems), problems


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), obj={"runtime": RUNTIME})
    return result.exit_code, result.output


def config_for(tmp_path: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        'rules_dir = "."\n[assistant]\nname = "Sam"\nemail = "sam@x.example"\n'
        '[[clients]]\nid = "dana"\nname = "Dana Whitfield"\nemail = "dana@acme.example"\n'
    )
    return config


def test_rules_test_and_rules_check_run_them_and_exit_1_on_a_failure(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    path = write(
        tmp_path,
        '\n[[test]]\nname = "the CEO"\nexpect = [ { label = "Urgent" } ]\nmessage = { from = "ceo@bigcorp.example" }\n',
    )
    code, out = invoke("--config", str(config), "rules", "test", "dana")
    assert code == 1, out
    assert "test 'the CEO': FAILED" in out and "not expected: flag" in out and "0 passed, 1 failed" in out
    code, out = invoke("--config", str(config), "rules", "check", str(path))
    assert code == 1 and "test 'the CEO': FAILED" in out
    path.write_text(
        path.read_text().replace(
            'expect = [ { label = "Urgent" } ]', 'expect = [ { label = "Urgent" }, { flag = true } ]'
        )
    )
    code, out = invoke("--config", str(config), "rules", "test", "dana")
    assert code == 0 and "1 passed, 0 failed" in out, out
    code, out = invoke("--config", str(config), "rules", "check", str(path))
    assert code == 0 and out.strip().endswith(": ok")


def test_the_daemon_keeps_the_last_good_rules_when_a_saved_files_tests_fail(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '\n[[test]]\nname = "the CEO"\nexpect = [ { label = "Urgent" }, { flag = true } ]\n'
        'message = { from = "ceo@bigcorp.example" }\n',
    )
    cache = RulesCache()
    good, problem = cache.get(path)
    assert good is not None and problem is None
    path.write_text(path.read_text().replace("{ flag = true } ]\n\n[[rule]]", "{ flag = false } ]\n\n[[rule]]"))
    later = time.time() + 5
    os.utime(path, (later, later))
    kept, problem = cache.get(path)
    assert kept is good, "the file whose tests fail is not used"
    assert problem is not None and "test 'the CEO': FAILED" in problem and "keeping the last good rules" in problem
    assert f"{path}:" in problem


def test_a_worker_starting_while_the_file_is_broken_uses_the_version_accepted_before(tmp_path: Path) -> None:
    from mailflow.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'mf.db'}")
    path = write(tmp_path, "")
    first, problem = RulesCache(store).get(path, "dana")
    assert first is not None and problem is None
    path.write_text(path.read_text().replace('name = "VIP"', 'name = "VIP"\nwhen2 = 1'))
    later = time.time() + 5
    os.utime(path, (later, later))
    fresh = RulesCache(store)  # another process, after a restart: nothing in memory
    kept, problem = fresh.get(path, "dana")
    assert kept is not None and [r.name for r in kept.rules] == ["VIP", "Contracts get a reply"]
    assert problem is not None and "unknown key 'when2'" in problem and "keeping the version accepted at" in problem
    assert fresh.get(path, "dana")[0] is kept, "the broken file is not parsed again until it changes"
    store.close()


def test_the_daemon_swaps_in_a_saved_file_and_refuses_a_broken_one(tmp_path: Path) -> None:
    import shutil
    import threading

    from mailflow.config import load_settings
    from mailflow.store import open_store
    from workers.service import PassResult, serve

    shutil.copytree(ROOT / "mailflow" / "sample" / "maildir", tmp_path / "dana")
    (tmp_path / "rules").mkdir()
    rules = tmp_path / "rules" / "dana.toml"
    rules.write_text(EXAMPLE.read_text())
    config = tmp_path / "config.toml"
    config.write_text(
        'database = "sqlite:///mf.db"\n[workers]\ninterval = 3600\n'
        '[assistant]\nname = "Sam"\nemail = "sam@x.example"\n'
        '[[clients]]\nid = "dana"\nname = "Dana Whitfield"\nemail = "dana@acme.example"\n'
        '[[clients.accounts]]\nkind = "maildir"\npath = "dana"\n'
    )
    settings = load_settings(config)
    store = open_store(settings.database)
    stop = threading.Event()
    passes: list[PassResult] = []
    daemon = threading.Thread(target=serve, args=(settings, store, None, stop, passes.append))
    daemon.start()
    try:
        deadline = time.monotonic() + 60
        while not any(p.reports for p in passes) and time.monotonic() < deadline:
            time.sleep(0.05)
        rules.write_text(rules.read_text().replace('label = "Urgent"', 'lable = "Urgent"'))
        later = time.time() + 5
        os.utime(rules, (later, later))
        while not any(p.rule_errors for p in passes) and time.monotonic() < deadline:
            time.sleep(0.05)  # no sync is due for an hour: only the file's check can report this
    finally:
        stop.set()
        daemon.join()
    (problem,) = [p.rule_errors["dana"] for p in passes if p.rule_errors]
    assert f"{rules}:" in problem and "unknown key 'lable'" in problem and "keeping the last good rules" in problem
    code, out = invoke("--config", str(config), "status")
    assert code == 3 and "in use meanwhile: the version accepted at" in out, out
    store.close()


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "rules").glob("*.toml")))
def test_every_example_client_in_rules_loads_and_its_tests_pass(name: str) -> None:
    path = ROOT / "rules" / f"{name}.toml"
    assert check_rules(path) == []
    results = run_tests(load_rules(path))
    assert len(results) >= 4, f"{path}: an example shows its tests"
    assert all(r.ok for r in results)


def test_there_are_three_example_clients_besides_dana() -> None:
    assert {p.stem for p in (ROOT / "rules").glob("*.toml")} >= {"dana", "lee", "morgan", "ari"}
