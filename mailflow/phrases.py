"""Phrase rules found where their anchor word occurs: the triage's way of reading text.

Most signals are phrases ("can we meet", "companies like yours", "Total: $42.10").
A regular expression with many alternatives costs 25-60 ns a character in ``re`` (it
tries them at every position), far too much for every message. So each rule has an
anchor word (its least common word). A scan turns punctuation into spaces (one
character for one, so offsets hold), splits, and intersects the words with the anchor
words (all in C); only the anchors present are then found with ``str.find``, and only
there are a rule's ``after`` pattern (matched right after the anchor) and ``before``
pattern (matched so that it ends right before it) tried. Texts are lower-cased first;
every pattern is lower case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Phrases"]

# Everything but letters, digits and the apostrophe separates words. ASCII text (most of it) goes
# through bytes.translate, a plain table lookup, with the same offsets; str.translate costs 10 ns a character.
_ASCII_SEPARATORS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\r\n\x0b\x0c'
_SEPARATORS = str.maketrans(dict.fromkeys(_ASCII_SEPARATORS + "“”„‘’«»‹›–—…•·¿¡\u00a0", " "))
_BYTE_SEPARATORS = bytes.maketrans(_ASCII_SEPARATORS.encode(), b" " * len(_ASCII_SEPARATORS))
_BEFORE_SPAN = 64
_LINE_LEAD = " \t*|:>•-–"
_TOTAL_QUALIFIERS = frozenset(
    {"order", "grand", "invoice", "receipt", "payment", "trip", "estimated", "new", "your", "the", "final", "net"}
)


@dataclass(frozen=True, slots=True)
class _Rule:
    index: int
    family: str
    weight: int
    cap: int  # the family's score at which it is decided
    after: re.Pattern[str] | None  # matched right after the anchor word
    before: re.Pattern[str] | None  # matched so that it ends right before the anchor (within _BEFORE_SPAN)
    hints: tuple[str, ...]  # ``before`` starts with one of these words: without one, it cannot match
    line_start: bool  # the anchor starts its line (after bullets, or a word like "order" or "grand")
    not_after: str  # the anchor must not follow this ("good " morning)
    sentence_start: frozenset[str] | None  # the anchor starts its sentence, after at most these words
    free: bool  # no context to look at: the anchor word alone decides


class Phrases:
    """A set of phrase rules, each found where its anchor word occurs.

    ``caps``: the score at which a family is decided (1 for a family not
    named): its other rules are not tried any more.
    """

    def __init__(self, caps: dict[str, int] | None = None) -> None:
        self._caps = caps or {}
        self._by_anchor: dict[str, list[_Rule]] = {}
        self._by_byte_anchor: dict[bytes, list[_Rule]] = {}
        self._anchors: set[str] = set()
        self._byte_anchors: set[bytes] = set()

    def rule(
        self,
        family: str,
        weight: int,
        anchors: str,
        after: str = "",
        *,
        before: str = "",
        line_start: bool = False,
        not_after: str = "",
        hints: str = "",
        sentence_start: str | None = None,
    ) -> None:
        """A rule: one of the space-separated ``anchors`` words, with ``before`` and ``after`` around it.

        ``hints``: the words ``before`` can start with, when ``_hints`` cannot
        tell from the pattern; ``sentence_start``: the words allowed between
        the start of the sentence and the anchor ("" for none).
        """
        rule = _Rule(
            sum(len(rules) for rules in self._by_anchor.values()),
            family,
            weight,
            self._caps.get(family, 1),
            re.compile(after) if after else None,
            re.compile(f"(?:{before})$") if before else None,
            tuple(hints.split()) if hints else _hints(before),
            line_start,
            not_after,
            frozenset(sentence_start.split()) if sentence_start is not None else None,
            not (after or before or line_start or not_after or sentence_start is not None),
        )
        for word in anchors.split():
            assert word == word.translate(_SEPARATORS), f"an anchor is one word: {word!r}"
            self._by_anchor.setdefault(word, []).append(rule)
            self._anchors.add(word)
            if word.isascii():
                self._by_byte_anchor.setdefault(word.encode(), []).append(rule)
                self._byte_anchors.add(word.encode())

    def scan(self, text: str) -> dict[str, int]:
        """Family to score for the phrases in ``text`` (lower case); a rule counts once however often it matches.

        Rules without context (the word alone) are decided by the words
        present; only words with contextual rules still undecided are looked
        for in the text.
        """
        found: dict[str, int] = {}
        counted: set[int] = set()
        spaced: str | bytes
        if text.isascii():
            spaced = b" " + text.encode("ascii").translate(_BYTE_SEPARATORS) + b" "
            present: list[str | bytes] = list(self._byte_anchors.intersection(spaced.split()))
            by_anchor: dict[Any, list[_Rule]] = self._by_byte_anchor
        else:
            spaced = f" {text.translate(_SEPARATORS)} "
            present = list(self._anchors.intersection(spaced.split()))
            by_anchor = self._by_anchor
        contextual: list[tuple[str | bytes, list[_Rule]]] = []
        for word in present:
            rules = by_anchor[word]
            pending = []
            for rule in rules:
                if rule.index in counted:
                    continue
                if rule.free:
                    if found.get(rule.family, 0) < rule.cap:
                        counted.add(rule.index)
                        found[rule.family] = found.get(rule.family, 0) + rule.weight
                else:
                    pending.append(rule)
            if pending:
                contextual.append((word, pending))
        for word, rules in contextual:
            live = [r for r in rules if r.index not in counted and found.get(r.family, 0) < r.cap]
            if live:
                _at_each(text, spaced, word, live, found, counted)
        return found


def _at_each(
    text: str,
    spaced: str | bytes,
    word: str | bytes,
    rules: list[_Rule],
    found: dict[str, int],
    counted: set[int],
) -> None:
    """Try ``rules`` wherever ``word`` occurs in ``text`` (``spaced``: its spaced-out copy, one longer in front)."""
    needle = spaced[:1] + word + spaced[:1]  # type: ignore[operator]  # both str or both bytes
    find = spaced.find
    size = len(word)
    at = find(needle)  # type: ignore[arg-type]
    while at >= 0:
        start = at
        end = at + size
        for rule in rules:
            family = rule.family
            if rule.index in counted or found.get(family, 0) >= rule.cap:
                continue
            if rule.not_after and text.endswith(rule.not_after, 0, start):
                continue
            if rule.line_start:
                lead = text[text.rfind("\n", 0, start) + 1 : start].strip(_LINE_LEAD)
                if lead and lead not in _TOTAL_QUALIFIERS:
                    continue
            if rule.sentence_start is not None and not _starts_sentence(text, start, rule.sentence_start):
                continue
            after = rule.after
            if after is not None and after.match(text, end) is None:
                continue
            before = rule.before
            if before is not None:
                lead_at = start - _BEFORE_SPAN if start > _BEFORE_SPAN else 0  # ``^`` still means the text's start
                if rule.hints:
                    if not _before_from_hints(before, rule.hints, text, lead_at, start):
                        continue
                elif before.search(text, lead_at, start) is None:
                    continue
            counted.add(rule.index)
            found[family] = found.get(family, 0) + rule.weight
        at = find(needle, end + 1)  # type: ignore[arg-type]


def _before_from_hints(before: re.Pattern[str], hints: tuple[str, ...], text: str, lead: int, end: int) -> bool:
    """``before.search(text, lead, end)``, trying only where a hint word starts (a match starts with one).

    A search tries the pattern at every position of the window (a few
    microseconds); the hint words are found by ``str.rfind`` and the pattern
    matched there only.
    """
    rfind = text.rfind
    match = before.match
    for hint in hints:
        at = rfind(hint, lead, end)
        while at >= 0:
            if (at == 0 or not text[at - 1].isalnum()) and match(text, at, end) is not None:
                return True
            at = rfind(hint, lead, at + len(hint) - 1)
    return False


def _starts_sentence(text: str, start: int, allowed: frozenset[str]) -> bool:
    """Only ``allowed`` words between the start of the sentence (or a greeting line) and ``start``."""
    lead = max(
        text.rfind("\n", 0, start), text.rfind(".", 0, start), text.rfind("!", 0, start), text.rfind("?", 0, start)
    )
    words = text[lead + 1 : start].split()
    return len(words) <= 3 and all(word in allowed for word in words)


def _hints(before: str) -> tuple[str, ...]:
    """The words a ``before`` pattern starts with (``\\bword`` or ``\\b(?:one|two words)``), if it says so plainly.

    None for a pattern with a top-level ``|``: its alternatives start differently.
    """
    depth = 0
    escaped = False
    for ch in before:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return ()
    m = re.match(r"\\b(?:\(\?:([\w' |]+)\)|([\w']+))", before)
    if m is None:
        return ()
    return tuple((m.group(1) or m.group(2)).split("|"))
