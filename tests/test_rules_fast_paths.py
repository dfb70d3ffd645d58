"""The rules engine's shortcuts give the answers of the plain semantics.

Three shortcuts are checked against slow, obvious versions: the literal
pre-check in front of ``matches`` regexes (against ``re.search``), the set
operations on address fields, and the rule index that skips rules a message
cannot match (both against a direct interpreter of the condition nodes that
tries every rule in order). Messages and texts come from hypothesis, built
from pieces that exercise case folding (the Kelvin sign, the long s, dotted
capital I), subdomains, lists and categories.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mailflow.message import Message
from mailflow.rules import MatchContext, PlannedAction, RuleSet, load_rules
from mailflow.rules.addresses import domain_parents
from mailflow.rules.literals import prefiltered, required_literals
from mailflow.rules.loader import _read
from mailflow.rules.nodes import (
    AddressCond,
    AllOf,
    Always,
    AnyOf,
    AttachmentCond,
    Condition,
    Contains,
    ContextCond,
    Domain,
    HeaderCond,
    InList,
    Is,
    NotOf,
    StrTest,
    TextCond,
)

REPO = Path(__file__).resolve().parent.parent
BENCH_RULES = REPO / "bench" / "rules_100.toml"
DANA_RULES = REPO / "mailflow" / "sample" / "rules" / "dana.toml"

# -- the literal pre-check -------------------------------------------------------------------

_TEXT_CHARS = [*"abkKsSiI19 #-\n", "\u212a", "\u017f", "\u0130", "\u0131", "é", "ß", "board", "invoice #"]
_REGEX_PIECES = [*"abkKsiI1", "(", ")", "|", "?", "*", "+", "{2}", "{0,2}", r"\b", "^", "$", "[a-c]", ".", r"\d", " "]
_REGEX_PIECES += ["(?:", "(?i:", "(?=a)", "(?!b)", r"\K", "ſ", "İ", "board", "(?>ab)", "a++"]
_FIXED_PATTERNS = [
    r"(?i)board deck|investor update|board meeting",
    r"(?i)\b(q[1-4] )?budget\b|forecast|revenue",
    r"(?i)^invoice #\d+",
    r"(?i)k",
    r"(?i)ks",
    r"(?i)stra(ss|ß)e",
    r"(?i:ab)c",
    r"^(Sat|Sun),",
    r"^.{5,}",
    r"[^\x00-\x7f]",
    r"(?i)\bq[34]\b|year[- ]end",
]


def _pattern_strategy() -> st.SearchStrategy[str]:
    generated = st.lists(st.sampled_from(_REGEX_PIECES), max_size=10).map("".join)
    flagged = st.tuples(st.sampled_from(["", "(?i)"]), generated).map("".join)
    return st.one_of(st.sampled_from(_FIXED_PATTERNS), flagged)


@settings(max_examples=4000, deadline=None)
@given(_pattern_strategy(), st.lists(st.sampled_from(_TEXT_CHARS), max_size=12).map("".join))
def test_the_literal_precheck_never_changes_a_search(source: str, text: str) -> None:
    try:
        pattern = re.compile(source)
    except (re.error, OverflowError):
        return
    assert prefiltered(pattern)(text, text.lower()) == (pattern.search(text) is not None)


def test_required_literals_of_typical_patterns() -> None:
    assert required_literals(re.compile(r"(?i)hiring plan|headcount|recruit")) == (
        ("hiring plan", "headcount", "recruit"),
        True,
    )
    assert required_literals(re.compile(r"(?i)^(intro|introduction|meet )")) == (("intro", "meet "), True)
    assert required_literals(re.compile("^Microsoft Outlook")) == (("Microsoft Outlook",), False)
    assert required_literals(re.compile(r"^\s*$")) is None
    assert required_literals(re.compile(r"(?i:ab)c")) is None  # scoped flags: no pre-check


# -- a direct interpreter of the condition nodes ---------------------------------------------

_HEADER_OF = {"from": "from", "to": "to", "cc": "cc", "reply_to": "reply-to", "sender": "sender"}


def _str_test(test: StrTest, text: str) -> bool:
    lower = text.lower()
    if isinstance(test, Is):
        return lower.strip() in test.values
    if isinstance(test, Contains):
        return any(n in lower for n in test.needles)
    return any(p.search(text) is not None for p in test.patterns)


def holds(node: Condition, ctx: MatchContext) -> bool:
    """``node`` for ``ctx``, evaluated the obvious way: every test, every address, no caches."""
    msg = ctx.message
    if isinstance(node, Always):
        return True
    if isinstance(node, ContextCond):
        return str(getattr(ctx, node.attr)).lower() in node.values
    if isinstance(node, TextCond):
        text = msg.subject if node.field == "subject" else msg.body_text
        return all(_str_test(t, text) for t in node.tests)
    if isinstance(node, HeaderCond):
        if node.exists is not None:
            return (node.name in msg.raw_headers) is node.exists
        return any(all(_str_test(t, v) for t in node.tests) for v in msg.headers_all(node.name))
    if isinstance(node, AddressCond):
        for address in msg.addresses(_HEADER_OF[node.field]):
            email = address.email.lower()
            parents = domain_parents(email.rpartition("@")[2])
            display = f"{address.name} <{email}>" if address.name else email
            ok = True
            for t in node.tests:
                if isinstance(t, Is):
                    ok = email in t.values
                elif isinstance(t, Domain):
                    ok = any(p in t.domains for p in parents)
                elif isinstance(t, InList):
                    ok = t.list.contains(email, parents)
                else:
                    ok = _str_test(t, display)
                if not ok:
                    break
            if ok:
                return True
        return False
    if isinstance(node, AttachmentCond):
        if not node.present:
            return not msg.attachments
        return any(
            (node.name is None or node.name.match(a.filename))
            and (node.type is None or node.type.match(a.content_type))
            for a in msg.attachments
        )
    if isinstance(node, AllOf):
        return all(holds(c, ctx) for c in node.children)
    if isinstance(node, AnyOf):
        return any(holds(c, ctx) for c in node.children)
    assert isinstance(node, NotOf)
    return not holds(node.child, ctx)


def reference_plan(path: Path, rules: RuleSet, ctx: MatchContext) -> list[PlannedAction]:
    doc, _source, _problems = _read(path)
    assert doc is not None
    plan: list[PlannedAction] = []
    for spec, rule in zip(doc.rules, rules.rules, strict=True):
        if holds(spec.when, ctx):
            plan.extend(rule.plan())
            if rule.stop:
                break
    return plan


# -- generated messages ------------------------------------------------------------------------

_ADDRESSES = [
    "ceo@bigcorp.example",
    "CEO@BigCorp.Example",
    "r.okafor@board.example",
    "x@eu.board.example",
    "x@notboard.example",
    "tom.becker@acme.example",
    "sam@rivera-va.example",
    "kid@gmail.example",
    "a@northwind.example",
    "b@sub.contoso.example",
    "billing@northpeak.example",
    "invoices@summitlegal.example",
    "partner@lawfirm.example",
    "fund@x.capital.example",
    "no-reply@service.example",
    "notifications@github.com",
    "calendar-notification@google.example",
    "alerts@alerts.firstbank.example",
    "hello@digest.example",
    "dana@acme.example",
    "someone@else.example",
]
_NAMES = ["", "Ann Lee", "Jürgen Ölsen", "\u212aelvin", '"Lee, Ann"']
_SUBJECT_PIECES = [
    "Invoice #12",
    "invoice #",
    "board deck",
    "BOARD",
    "budget",
    "Q3",
    "urgent",
    "meet",
    "intro",
    " ",
    "é",
]
_SUBJECT_PIECES += ["\u212a", "payment due", "Re: ", "question", "school", "tickets", "shipped", "x" * 40]
_BODY_PIECES = ["tuesday or wednesday", "End of day", "privileged", "signed off", "hello", "\n", " "]
_CATEGORIES = ["personal", "newsletter", "notification", "invite", "Personal", "other"]
_EXTRA_HEADERS = [
    "List-Id: <x.example>",
    "Importance: high",
    "X-Priority: 1",
    "X-Mailer: iPhone Mail",
    "X-GitHub-Reason: mention",
    "Auto-Submitted: auto-replied",
    "In-Reply-To: <a@b>",
    "Authentication-Results: mx; dmarc=fail",
    "Reply-To: kid@gmail.example",
]


def _mailbox(name: str, email: str) -> str:
    return f"{name} <{email}>" if name else email


_mailboxes = st.builds(_mailbox, st.sampled_from(_NAMES), st.sampled_from(_ADDRESSES))


@st.composite
def messages(draw: st.DrawFn) -> bytes:
    lines = [f"From: {draw(_mailboxes)}"]
    for header in ("To", "Cc"):
        found = draw(st.lists(_mailboxes, max_size=3))
        if found:
            lines.append(f"{header}: {', '.join(found)}")
    lines.append("Subject: " + "".join(draw(st.lists(st.sampled_from(_SUBJECT_PIECES), max_size=4))))
    lines += draw(st.lists(st.sampled_from(_EXTRA_HEADERS), max_size=3, unique=True))
    if draw(st.booleans()):
        lines.append("Message-ID: <m@example.org>")
    body = "".join(draw(st.lists(st.sampled_from(_BODY_PIECES), max_size=5)))
    attachment = draw(st.sampled_from(["", "invoice-7.pdf", "notes.txt"]))
    if not attachment:
        return "\r\n".join([*lines, "Content-Type: text/plain; charset=utf-8", "", body]).encode()
    ctype = "application/pdf" if attachment.endswith(".pdf") else "text/plain"
    lines += ['Content-Type: multipart/mixed; boundary="b1"', "", "--b1", "Content-Type: text/plain", "", body]
    lines += ["--b1", f'Content-Type: {ctype}; name="{attachment}"', "Content-Disposition: attachment", "", "x"]
    return "\r\n".join([*lines, "--b1--", ""]).encode()


_FILES = {path: load_rules(path) for path in (BENCH_RULES, DANA_RULES)}


@settings(max_examples=1500, deadline=None)
@given(messages(), st.sampled_from(_CATEGORIES), st.sampled_from(sorted(_FILES)))
def test_evaluation_matches_a_direct_interpretation_of_every_rule(raw: bytes, category: str, path: Path) -> None:
    rules = _FILES[path]
    ctx = MatchContext(Message(raw), category, "work", "INBOX")
    assert rules.evaluate(ctx) == reference_plan(path, rules, MatchContext(Message(raw), category, "work", "INBOX"))


@settings(max_examples=500, deadline=None)
@given(messages(), st.sampled_from(_CATEGORIES))
def test_each_rule_on_its_own_matches_the_direct_interpretation(raw: bytes, category: str) -> None:
    rules = _FILES[BENCH_RULES]
    doc, _source, _problems = _read(BENCH_RULES)
    assert doc is not None
    ctx = MatchContext(Message(raw), category, "work", "INBOX")
    for spec, rule in zip(doc.rules, rules.rules, strict=True):
        assert rule.matches(ctx) == holds(spec.when, ctx), rule.name
