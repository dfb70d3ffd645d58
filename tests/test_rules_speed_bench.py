"""The rules-engine speed benchmark's comparison, and the engine's shortcuts it measures.

``bench/rules_speed.py`` times ``RuleSet.evaluate`` against a naive loop that
tries every rule as written (one ``re.search`` per text test); here the two
must plan exactly the same actions, on corpus messages and on generated ones
built from the rules' own words (with the case-folding oddities: the Kelvin
sign, the long s, dotted capital I). The pieces the engine's speed comes from
are checked against plain versions too: many literals looked for at once
(:class:`~mailflow.rules.literals.LiteralSet`), regexes searched from near
their literal, and the body left undecoded when no rule reaches a ``body``
condition. Times are never asserted.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import make_rules
from bench.rules_speed import Size, build, compare_sizes, naive_evaluate
from mailflow.message import Message
from mailflow.rules import MatchContext, load_rules
from mailflow.rules.literals import LiteralSet, literal_plan, prefiltered, required_literals

# -- the benchmark's own comparison -----------------------------------------------------------


def test_the_engine_and_the_naive_loop_agree_on_corpus_messages() -> None:
    for found in compare_sizes(300, sizes=(10, 50, 100, 500)):
        assert found.messages == 300
        assert found.mismatches == 0, found
        assert found.plan_mismatches == 0, found
    assert found.matches_per_message > 1  # the 500-rule file matches something: the comparison means something


def test_the_rules_files_have_the_sizes_and_kinds_asked_for() -> None:
    assert make_rules.rules(100) == make_rules.base_rules()
    for n in (10, 50, 500):
        assert len(make_rules.rules(n)) == n
        assert make_rules.rules(n, seed=1) == make_rules.rules(n, seed=1)
    grown = make_rules.rules(500)
    text = [r for r in grown if "subject" in str(r.get("when")) or "body" in str(r.get("when"))]
    assert len(text) > 200  # a good share of the 500 are subject and body tests
    assert len({r["name"] for r in grown}) == 500


@pytest.fixture(scope="module")
def size_500(tmp_path_factory: pytest.TempPathFactory) -> Size:
    return build(500, 1, tmp_path_factory.mktemp("rules"))


_WORDS = [
    "budget",
    "Board deck",
    "INVOICE #1234",
    "project atlas",
    "tracking number",
    "docusign",
    "unsubscribe: https://x.example/u/0123abcd",
    "amount due: usd 1,250.00",
    "would monday at 10 work",
    "end of day thursday",
    "Reminder: Budget sync @ 3:00pm",
    "(PR #12)",
    "wire transfer",
    "on se voit",
    "voilà",
    "\u212a",
    "\u017f",
    "\u0130",
    "é",
    " ",
    "\n",
]
_SENDERS = [
    "ceo@bigcorp.example",
    "tom.becker@acme.example",
    "hello@digest.example",
    "kid@gmail.example",
    "x@y.example",
]


@st.composite
def _messages(draw: st.DrawFn) -> bytes:
    subject = "".join(draw(st.lists(st.sampled_from(_WORDS), max_size=4)))
    body = "".join(draw(st.lists(st.sampled_from(_WORDS), max_size=8)))
    lines = [f"From: {draw(st.sampled_from(_SENDERS))}", "To: dana@acme.example", f"Subject: {subject}"]
    if draw(st.booleans()):
        lines.append("List-Id: <daily.markets.example>")
    lines += ["Content-Type: text/plain; charset=utf-8", "", body]
    return "\r\n".join(lines).encode()


@settings(max_examples=400, deadline=None)
@given(_messages(), st.sampled_from(["personal", "newsletter", "notification", "invite"]))
def test_the_engine_and_the_naive_loop_agree_on_generated_messages(size_500: Size, raw: bytes, category: str) -> None:
    ctx = MatchContext(Message(raw), category, "dana", "INBOX")
    assert size_500.engine.evaluate(ctx) == naive_evaluate(size_500.naive, ctx)


# -- many literals at once ----------------------------------------------------------------------

_PIECES = ["ab", "abc", "b", "bc", "k", "K", "\u212a", "s", "\u017f", "\u0130", "i", "x y", " ", "#1", "é", "q"]
_MODES = ["fold", "ascii", "case", "is"]
_LITERAL_PARTS = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=3)


def _holds(mode: str, literal: str, text: str) -> bool:
    lower = text.lower()
    if mode == "is":
        return lower.strip() == literal
    if mode == "case":
        return literal in text
    return literal in lower or (mode == "ascii" and not text.isascii())


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_MODES), st.lists(st.sampled_from(_PIECES), min_size=1, max_size=3)), max_size=40
    ),
    st.lists(st.sampled_from(_PIECES), max_size=60),
)
def test_a_literal_set_reports_exactly_the_keys_that_hold(keys: list[tuple[str, list[str]]], pieces: list[str]) -> None:
    table: dict[tuple[str, str], int] = {}
    for i, (mode, parts) in enumerate(keys):
        literal = "".join(parts)
        literal = literal if mode == "case" else literal.lower()
        table[(mode, literal)] = table.get((mode, literal), 0) | 1 << i
    text = "".join(pieces)
    want = 0
    for (mode, literal), bits in table.items():
        if _holds(mode, literal, text):
            want |= bits
    assert LiteralSet(table).found(text, text.lower()) == want


# -- regexes: literals, and searching from near them -------------------------------------------


def test_adjacent_pieces_of_a_regex_give_longer_literals() -> None:
    assert required_literals(re.compile(r"(?i)(wire|bank) (transfer|details)")) == (
        ("wire transfer", "wire details", "bank transfer", "bank details"),
        True,
    )
    assert required_literals(re.compile(r"(?i)\bby (monday|friday)\b")) == (("by monday", "by friday"), True)
    assert required_literals(re.compile(r"(?i)year[- ]end")) == (("year-end", "year end"), True)
    assert required_literals(re.compile(r"(?i)colou?r")) == (("color", "colour"), True)


def test_how_far_before_its_literal_a_match_can_start() -> None:
    def lead(pattern: str) -> int | None:
        found = literal_plan(re.compile(pattern))
        assert found is not None
        return found[2]

    assert lead(r"(?i)unsubscribe: https://\S+") == 0
    assert lead(r"(?i)^invoice #\d+") == 0
    assert lead(r"x{0,3}abc") == 3
    assert lead(r"\d+ minutes") is None  # unbounded before the literal: the whole text is searched
    assert lead(r"(?i)\b(q[1-4] )?budget\b") == 3  # "q1 budget" holds "budget" three characters in


_REGEX_PIECES = [*"abkKs1 ", "(", ")", "|", "?", "+", "*", "{0,3}", "{2}", r"\b", "^", "$", "[- ]", "[a-c]", ".", r"\d"]
_REGEX_PIECES += ["(?=a)", "(?<=b)", "(?:ab|ba)", "ab", "(a|)", "\u212a", "(?m)^"]
_TEXT_PIECES = [*"abkKs1 -\n", "\u212a", "\u017f", "ab", "ba", "aab", "bab", "x" * 5]


@settings(max_examples=3000, deadline=None)
@given(
    st.tuples(st.sampled_from(["", "(?i)"]), st.lists(st.sampled_from(_REGEX_PIECES), max_size=8).map("".join)).map(
        "".join
    ),
    st.lists(st.sampled_from(_TEXT_PIECES), max_size=30).map("".join),
)
def test_searching_from_near_the_literal_finds_what_a_whole_search_finds(source: str, text: str) -> None:
    try:
        pattern = re.compile(source)
    except (re.error, OverflowError):
        return
    assert prefiltered(pattern)(text, text.lower()) == (pattern.search(text) is not None)


# -- the body stays undecoded when no rule gets to it ---------------------------------------------


def test_the_body_is_decoded_only_when_a_rule_reaches_a_body_condition(tmp_path: Path) -> None:
    words = "alfa bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa"
    phrases = [f"say {word} twice" for word in words.split()]  # enough body literals for the index to look for them
    rules = ['version = 1\n\n[[rule]]\nname = "Newsletters"\nwhen = { from = "news@list.example" }']
    rules.append('then = [ { label = "News" }, { stop = true } ]')
    for i, phrase in enumerate(phrases):
        rules.append(f'\n[[rule]]\nname = "Body {i}"\nwhen = {{ body = "{phrase}" }}\nthen = [ {{ label = "B{i}" }} ]')
    path = tmp_path / "rules.toml"
    path.write_text("\n".join(rules) + "\n", encoding="utf-8")
    ruleset = load_rules(path)

    def message(sender: str, body: str) -> Message:
        return Message(f"From: {sender}\r\nSubject: hi\r\n\r\n{body}\r\n".encode())

    stopped = message("news@list.example", "say delta twice")
    assert [a.rule for a in ruleset.evaluate(MatchContext(stopped, "newsletter", "dana", "INBOX"))] == ["Newsletters"]
    assert "body_text" not in stopped.__dict__  # the first rule stopped: nothing read the body

    other = message("ann@x.example", "I say delta twice, and Say Mike Twice")
    plan = ruleset.evaluate(MatchContext(other, "personal", "dana", "INBOX"))
    assert [a.rule for a in plan] == ["Body 3", "Body 12"]
    assert "body_text" in other.__dict__
