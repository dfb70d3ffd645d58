"""Tests inside a rules file: ``[[test]]`` tables, each a message and the actions it must get.

A test gives a message, inline or as an ``.eml`` file, and what the rules must
plan for it, in order (the same syntax as a rule's ``then``; ``[]`` for "no
rule matches"). It can also give the category triage must find::

    [[test]]
    name = "the CEO's mail is urgent"
    message = { from = "Ann Lee <ceo@bigcorp.example>", subject = "Board deck", body = "Can you send it?" }
    expect = [ { label = "Urgent" }, { flag = true }, { log_time = "2m" } ]

    [[test]]
    name = "a newsletter leaves the inbox"
    eml = "tests/newsletter.eml"          # relative to the rules file
    category = "newsletter"
    expect = [ { move = "Newsletters" }, { mark_read = true } ]

Message keys: ``from``, ``to``, ``cc``, ``reply_to``, ``sender`` (an address
or a list), ``subject``, ``date``, ``message_id``, ``in_reply_to``,
``headers`` (a table of any others), ``body`` (plain text), ``html``, and
``attachments`` (a list of ``{ name = "x.pdf", type = "application/pdf",
size = 20000 }`` or with ``content`` instead of ``size``). ``folder`` and
``account`` give where the message is (``INBOX``, ``test``).

A test passes when the planned actions are exactly those expected, every
planned draft renders, and (when given) the category is the one expected.
``mailflow rules test CLIENT`` runs them and shows want and got; ``mailflow
rules check`` runs them too, and the daemon keeps a client's last good
rules when a saved file's tests fail.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..triage import CATEGORIES as TRIAGE_CATEGORIES
from .actions import ActionParser
from .diagnostics import Path as KeyPath
from .diagnostics import Report, check_keys, describe, expect_table, expect_text
from .nodes import ActionSpec

if TYPE_CHECKING:
    from ..drafting import Person
    from .ruleset import RuleSet

TEST_KEYS = ("name", "message", "eml", "expect", "category", "folder", "account")
MESSAGE_KEYS = (
    "from",
    "to",
    "cc",
    "reply_to",
    "sender",
    "subject",
    "date",
    "message_id",
    "in_reply_to",
    "headers",
    "body",
    "html",
    "attachments",
)
ATTACHMENT_KEYS = ("name", "type", "size", "content")
CATEGORIES = TRIAGE_CATEGORIES  # what a test's ``category`` may expect: what triage produces
_ADDRESS_HEADERS = {"from": "From", "to": "To", "cc": "Cc", "reply_to": "Reply-To", "sender": "Sender"}
_DEFAULT_DATE = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class TestSpec:
    """One ``[[test]]`` as validated: the message (inline or a file) and what it must get."""

    index: int
    name: str
    expect: tuple[ActionSpec, ...]
    message: Mapping[str, Any] | None = None
    eml: Path | None = None
    category: str | None = None
    folder: str = "INBOX"
    account: str = "test"
    line: int | None = None


@dataclass
class TestResult:
    """What one test found: ``ok``, and when not, the wanted and got actions (described)."""

    spec: TestSpec
    want: list[str]
    got: list[str]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.want == self.got


def parse_tests(value: Any, report: Report, actions: ActionParser, base: Path | None) -> list[TestSpec]:
    """Validate the ``[[test]]`` tables, reporting every problem; ``base`` resolves ``eml`` paths."""
    if not isinstance(value, list) or not all(isinstance(t, Mapping) for t in value):
        report.error(("test",), f"tests are written as [[test]] tables, got test = {describe(value)}")
        return []
    specs: list[TestSpec] = []
    seen: set[str] = set()
    for i, test in enumerate(value):
        spec = _test(i, test, report, actions, base, seen)
        if spec is not None:
            specs.append(spec)
    return specs


def _test(
    i: int, test: Mapping[str, Any], report: Report, actions: ActionParser, base: Path | None, seen: set[str]
) -> TestSpec | None:
    path: KeyPath = ("test", i)
    ok = check_keys(report, test, TEST_KEYS, path)
    name = expect_text(report, test.get("name"), (*path, "name"), "a test name") if "name" in test else None
    if "name" not in test:
        report.error(path, 'the test needs a name = "..."')
    if name is not None:
        if name in seen:
            report.error((*path, "name"), f"two tests are named {name!r}; give each its own name")
        seen.add(name)
    message: Mapping[str, Any] | None = None
    eml: Path | None = None
    if ("message" in test) == ("eml" in test):
        report.error(path, 'the test needs either message = { ... } or eml = "file.eml", not both or neither')
        ok = False
    elif "message" in test:
        message = expect_table(report, test["message"], (*path, "message"), "a table of the message's parts")
        ok = message is not None and _message_ok(message, (*path, "message"), report) and ok
    else:
        text = expect_text(report, test["eml"], (*path, "eml"), "the path of an .eml file")
        if text is not None:
            eml = (base / text) if base is not None and not Path(text).is_absolute() else Path(text)
            if base is not None and not eml.is_file():
                report.error((*path, "eml"), f"no such file: {eml}")
                ok = False
        else:
            ok = False
    if "expect" not in test:
        report.error(path, "the test needs expect = [ ... ] (the actions, in order; [] when no rule should match)")
        return None
    expect = _expect(test["expect"], (*path, "expect"), report, actions)
    category = test.get("category")
    if category is not None and category not in CATEGORIES:
        report.error((*path, "category"), f"category expects one of {', '.join(CATEGORIES)}, got {describe(category)}")
        ok = False
    folder = expect_text(report, test.get("folder", "INBOX"), (*path, "folder"), "a folder name")
    account = expect_text(report, test.get("account", "test"), (*path, "account"), "an account id")
    if not ok or name is None or expect is None or folder is None or account is None:
        return None
    return TestSpec(i, name, expect, message, eml, category, folder, account)


def _expect(value: Any, path: KeyPath, report: Report, actions: ActionParser) -> tuple[ActionSpec, ...] | None:
    if not isinstance(value, list):
        report.error(path, f'expect is a list of actions like [ {{ label = "X" }} ], got {describe(value)}')
        return None
    if not value:
        return ()
    parsed = actions.parse_then(value, path)
    if parsed is None:
        return None
    specs, stop = parsed
    if stop:
        report.error(path, "stop is not an action a message gets; list only what the rules should do")
        return None
    return specs


def _message_ok(message: Mapping[str, Any], path: KeyPath, report: Report) -> bool:
    ok = check_keys(report, message, MESSAGE_KEYS, path)
    for key in ("subject", "date", "message_id", "in_reply_to", "body", "html"):
        if key in message and not isinstance(message[key], str):
            report.error((*path, key), f"{key} expects a text, got {describe(message[key])}")
            ok = False
    for key in _ADDRESS_HEADERS:
        value = message.get(key)
        if value is not None and not (
            isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        ):
            report.error((*path, key), f"{key} expects an address or a list of them, got {describe(value)}")
            ok = False
    headers = message.get("headers", {})
    if not isinstance(headers, Mapping) or not all(isinstance(v, str) for v in headers.values()):
        report.error((*path, "headers"), 'headers expects a table of texts, like { "List-Id" = "<news.example>" }')
        ok = False
    attachments = message.get("attachments", [])
    if not isinstance(attachments, list):
        report.error((*path, "attachments"), f"attachments expects a list of tables, got {describe(attachments)}")
        return False
    for n, item in enumerate(attachments):
        where = (*path, "attachments", n)
        if not isinstance(item, Mapping):
            report.error(where, f'an attachment is a table like {{ name = "x.pdf" }}, got {describe(item)}')
            ok = False
            continue
        ok = check_keys(report, item, ATTACHMENT_KEYS, where) and ok
        if not isinstance(item.get("name"), str):
            report.error(where, 'the attachment needs a name = "file.ext"')
            ok = False
        size = item.get("size")
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
            report.error((*where, "size"), f"size expects a number of bytes, got {describe(size)}")
            ok = False
    return ok


def build_message(spec: Mapping[str, Any]) -> bytes:
    """An RFC 5322 message from a test's ``message`` table."""
    msg = EmailMessage()
    for key, header in _ADDRESS_HEADERS.items():
        value = spec.get(key)
        if value:
            msg[header] = ", ".join(value) if isinstance(value, list) else value
    if "from" not in spec:
        msg["From"] = "Someone <someone@example.org>"
    if "to" not in spec:
        msg["To"] = "client@example.com"
    msg["Subject"] = spec.get("subject", "")
    msg["Date"] = spec.get("date") or format_datetime(_DEFAULT_DATE)
    msg["Message-ID"] = spec.get("message_id") or "<test@mailflow.test>"
    if spec.get("in_reply_to"):
        msg["In-Reply-To"] = spec["in_reply_to"]
        msg["References"] = spec["in_reply_to"]
    for name, value in (spec.get("headers") or {}).items():
        msg[name] = value
    body = spec.get("body", "")
    msg.set_content(body)
    if spec.get("html"):
        msg.add_alternative(spec["html"], subtype="html")
    for item in spec.get("attachments") or []:
        maintype, _, subtype = str(item.get("type") or "application/octet-stream").partition("/")
        content = item.get("content")
        data = content.encode("utf-8") if isinstance(content, str) else b"x" * int(item.get("size") or 0)
        msg.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream", filename=item["name"])
    return bytes(msg)


def run_tests(rules: RuleSet, client: Person | None = None, assistant: Person | None = None) -> list[TestResult]:
    """Run every ``[[test]]`` of a loaded rules file; drafts are rendered with ``client`` and ``assistant``."""
    from ..drafting import Person, build_reply, template_context
    from ..message import Message
    from ..triage import classify
    from .ruleset import MatchContext
    from .templates import render

    client = client or Person("client", "The Client", "client@example.com")
    assistant = assistant or Person("assistant", "The Assistant", "assistant@example.com")
    results: list[TestResult] = []
    for spec in rules.tests:
        want = [_show(a.kind, a.params) for a in spec.expect]
        try:
            raw = spec.eml.read_bytes() if spec.eml is not None else build_message(spec.message or {})
        except OSError as exc:
            results.append(TestResult(spec, want, [], [f"cannot read {spec.eml}: {exc.strerror or exc}"]))
            continue
        msg = Message(raw)
        category = classify(msg)
        planned = rules.evaluate(MatchContext(msg, category, spec.account, spec.folder, rules.zone))
        result = TestResult(spec, want, [_show(a.kind, a.params) for a in planned])
        if spec.category is not None and category != spec.category:
            result.problems.append(f"category: want {spec.category}, got {category}")
        for action in planned:
            if action.kind == "draft_reply":
                try:
                    text = render(rules.draft_template(action), template_context(msg, client, assistant))
                    build_reply(msg, text, client, "test", include_quote=bool(action.params.get("quote", True)))
                except Exception as exc:  # the test's job is to say so, not to crash
                    result.problems.append(f"the draft of rule {action.rule!r} does not render: {exc}")
            elif action.kind in ("notify", "forward"):
                what = "notice" if action.kind == "notify" else "forward's note"
                try:
                    render(rules.draft_template(action), template_context(msg, client, assistant))
                except Exception as exc:
                    result.problems.append(f"the {what} of rule {action.rule!r} does not render: {exc}")
        results.append(result)
    return results


def _show(kind: str, params: Mapping[str, Any]) -> str:
    """An action as a test shows it: the report's words, with any option that differs from the default."""
    from ..report import describe as describe_action

    text = describe_action(kind, dict(params))
    if kind == "draft_reply":
        extras = [k for k, default in (("reply_all", False), ("quote", True)) if params.get(k, default) != default]
        extras = [f"{k}={str(params[k]).lower()}" for k in extras]
        if params.get("text"):
            extras.append(f"text={str(params['text'])[:30]!r}")
        if extras:
            text += " [" + ", ".join(extras) + "]"
    return text


def format_result(result: TestResult, file: Path) -> str:
    """``file:line: test 'name': ok``, or FAILED with want and got, as the CLI and the log show it."""
    where = f"{file}:{result.spec.line}" if result.spec.line else str(file)
    if result.ok:
        return f"{where}: test {result.spec.name!r}: ok"
    lines = [f"{where}: test {result.spec.name!r}: FAILED"]
    if result.want != result.got:
        lines.append("    want: " + ("; ".join(result.want) or "no action"))
        lines.append("    got:  " + ("; ".join(result.got) or "no action"))
        missing = list((Counter(result.want) - Counter(result.got)).elements())
        extra = list((Counter(result.got) - Counter(result.want)).elements())
        if missing:
            lines.append("    missing: " + "; ".join(missing))
        if extra:
            lines.append("    not expected: " + "; ".join(extra))
        if not missing and not extra:
            lines.append("    the same actions, in another order")
    lines += [f"    {p}" for p in result.problems]
    return "\n".join(lines)
