"""Literal pre-checks for regexes: a substring test that rules out most non-matches cheaply.

``(?i)board deck|investor update|board meeting`` cannot match a text that
contains none of its three phrases; testing that with ``in`` costs a small
fraction of ``re.search`` (which tries every position of the text for each
alternative). :func:`required_literals` reads the pattern's parse tree and
returns literals of which at least one occurs in every text the pattern
matches, or None when it finds no such set; adjacent pieces with few
spellings are multiplied out (``(wire|bank) (transfer|details)`` requires one
of four phrases, ``year[- ]end`` one of two). :func:`prefiltered` wraps a
search with that check, and where a match cannot start more than a known
number of characters before its literal, starts the search there. The check
only ever answers "cannot match": when it passes, the regex itself decides,
so results are those of ``re.search``.

Case-insensitive patterns compare the lower-cased literal with the
lower-cased text, which is only exact for ASCII text: Unicode case folding
lets ``k`` match the Kelvin sign and ``s`` the long s, so a text with any
non-ASCII character always goes to the regex.

:class:`LiteralSet` looks for the literals of many rules in one text at
once, each distinct literal once (the rule index uses one per field).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

TextTest = Callable[[str, str], bool]
"""A test on (text, lower-case text)."""

_REPEATS = frozenset({sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)})
_ASSERTS = frozenset({sre.ASSERT, sre.ASSERT_NOT})
_MAX_EXACT = 32  # strings a product of adjacent pieces may have
_MAX_CLASS = 8  # characters a class may have to be spelt out


class _Unsupported(Exception):
    """The pattern changes flags inside a group: no pre-check is attempted."""


def required_literals(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], bool] | None:
    """Literals one of which every match of ``pattern`` contains, and whether to compare them lower-cased.

    None when there is no such set (an alternative without a literal, as in
    ``^\\s*$`` or ``[^\\x00-\\x7f]``). A literal that contains another of
    the set is dropped: where the shorter one is missing, so is the longer.
    """
    found = literal_plan(pattern)
    return None if found is None else (found[0], found[1])


def literal_plan(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], bool, int | None] | None:
    """:func:`required_literals`, and how many characters before its literal a match can start (None: no bound).

    With a bound, a search can start that far before the first literal found:
    no match starts earlier (``(?i)unsubscribe: https://\\S+`` starts at its
    literal, ``\\bby (monday|friday)\\b`` there too).
    """
    ignore_case = bool(pattern.flags & re.IGNORECASE)
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        found, lead = _top(parsed, ignore_case)
    except (_Unsupported, re.error, RecursionError):
        return None
    if not found:
        return None
    unique = tuple(dict.fromkeys(found))
    kept = tuple(s for s in unique if not any(o != s and o in s for o in unique))
    if lead is not None:  # a kept literal may sit inside a longer one dropped, that far from its start
        lead += max(map(len, unique)) - min(map(len, kept))
    return kept, ignore_case, lead


def _top(parsed: Any, ignore_case: bool) -> tuple[tuple[str, ...] | None, int | None]:
    """The best requirement of the whole pattern (that of :func:`_sequence`), and its lead.

    The lead is the most characters the items before the requirement's piece
    can span (for a requirement found inside an item, that item included).
    """
    items = list(parsed)

    def width(count: int) -> int | None:
        if count == 0:
            return 0
        high = int(sre_parse.SubPattern(parsed.state, items[:count]).getwidth()[1])
        return high if high < sre.MAXREPEAT else None

    candidates: list[tuple[tuple[str, ...], int | None]] = []
    run: tuple[str, ...] = ("",)
    start = 0  # the first item of the run
    for k, (op, av) in enumerate(items):
        exact, required = _item(op, av, ignore_case)
        if exact is None:
            if _useful(run):
                candidates.append((run, width(start)))
            if required:
                candidates.append((required, width(k + 1)))
            run, start = ("",), k + 1
            continue
        product = _product(run, exact)
        if product is None:
            if _useful(run):
                candidates.append((run, width(start)))
            product, start = exact, k
        run = product
    if _useful(run):
        candidates.append((run, width(start)))
    best: tuple[tuple[str, ...], int | None] | None = None
    for candidate in candidates:  # the first of the most selective, as _better picks
        if best is None or _leak(candidate[0]) < _leak(best[0]):
            best = candidate
    return (None, None) if best is None else best


def min_width(pattern: re.Pattern[str]) -> int:
    """The fewest characters a match of ``pattern`` spans (0 if unknown)."""
    try:
        low, _high = sre_parse.parse(pattern.pattern, pattern.flags).getwidth()
    except (re.error, RecursionError):
        return 0
    return int(low)


def _better(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The more selective of two requirements.

    Roughly, each literal of ``n`` characters lets through a text in ``2**n`` (so the
    sum over the alternatives is the chance of passing), counted up to 10 characters, beyond
    which the fewer alternatives win (each is one more substring test).
    """
    if a is None or b is None:
        return a or b
    return a if _leak(a) <= _leak(b) else b


def _leak(literals: tuple[str, ...]) -> float:
    return sum(2.0 ** -min(len(s), 10) for s in literals)


def _useful(found: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """``found`` as a requirement: None if it is empty or allows the empty string (always present)."""
    if not found or "" in found:
        return None
    return tuple(dict.fromkeys(found))


def _product(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...] | None:
    """Every ``x + y``; None past :data:`_MAX_EXACT` strings."""
    if len(a) * len(b) > _MAX_EXACT:
        return None
    return tuple(dict.fromkeys(x + y for x in a for y in b))


_Found = tuple[tuple[str, ...] | None, tuple[str, ...] | None]
"""What a piece of a pattern gives: the strings it can match (when that set is small and known
exactly, lower-cased for a case-insensitive pattern), and a requirement (literals one of which
each of its matches contains)."""


def _sequence(items: list[tuple[Any, Any]], ignore_case: bool) -> _Found:
    """A sequence: its exact strings (the product of its items', if each has them), and its best requirement.

    Adjacent items with exact strings are multiplied out (``(wire|bank) (transfer|details)``
    requires one of four phrases, ``year[- ]end`` one of two), up to :data:`_MAX_EXACT`
    strings; the requirement is the best of those products and of the items' own.
    """
    best: tuple[str, ...] | None = None
    run: tuple[str, ...] = ("",)  # the product of the exact items since the last inexact one
    whole: tuple[str, ...] | None = ("",)  # the product of all items, while every one is exact
    for op, av in items:
        exact, required = _item(op, av, ignore_case)
        if exact is None:
            best = _better(_better(best, _useful(run)), required)
            run, whole = ("",), None
            continue
        product = _product(run, exact)
        if product is None:  # too many: keep what the run had, and start a new one here
            best = _better(best, _useful(run))
            product = exact
        run = product
        whole = None if whole is None else _product(whole, exact)
    return whole, _better(best, _useful(run))


def _item(op: Any, av: Any, ignore_case: bool) -> _Found:
    if op is sre.LITERAL:
        char = chr(av)
        if ignore_case and not char.isascii():
            return None, None  # Unicode case folding: the Kelvin sign is a k
        return (char.lower() if ignore_case else char,), None
    if op is sre.IN:
        return _char_class(av, ignore_case), None
    if op is sre.AT or op in _ASSERTS:
        return ("",), None  # zero-width: the items on either side are adjacent in the text
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            raise _Unsupported
        return _sequence(list(sub), ignore_case)
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _sequence(list(av), ignore_case)
    if op is sre.BRANCH:
        exact: tuple[str, ...] | None = ()
        required: list[str] | None = []
        for branch in av[1]:
            branch_exact, branch_required = _sequence(list(branch), ignore_case)
            if exact is not None:
                exact = None if branch_exact is None else tuple(dict.fromkeys((*exact, *branch_exact)))
                if exact is not None and len(exact) > _MAX_EXACT:
                    exact = None
            alternative = _better(_useful(branch_exact), branch_required)
            if alternative is None:
                required = None
            elif required is not None:
                required.extend(alternative)
        return exact, None if required is None else tuple(dict.fromkeys(required))
    if op in _REPEATS:
        low, high, sub = av
        sub_exact, sub_required = _sequence(list(sub), ignore_case)
        if low == high == 1:
            return sub_exact, sub_required
        if low == 0 and high == 1:  # ``x?``: x or nothing
            return (None if sub_exact is None else ("", *sub_exact)), None
        return None, _better(_useful(sub_exact), sub_required) if low >= 1 else None
    return None, None


def _char_class(av: Any, ignore_case: bool) -> tuple[str, ...] | None:
    """The characters of a small class like ``[- ]`` or ``[1-4]`` (lower-cased when ``ignore_case``)."""
    chars: list[str] = []
    for kind, value in av:
        if kind is sre.LITERAL:
            chars.append(chr(value))
        elif kind is sre.RANGE and value[1] - value[0] < _MAX_CLASS:
            chars.extend(chr(c) for c in range(value[0], value[1] + 1))
        else:
            return None  # a negation, a category (\d, \w), a large range
    if ignore_case:
        if not all(c.isascii() for c in chars):
            return None
        chars = [c.lower() for c in chars]
    found = tuple(dict.fromkeys(chars))
    return found if 0 < len(found) <= _MAX_CLASS else None


def prefiltered(pattern: re.Pattern[str]) -> TextTest:
    """``pattern.search(text) is not None``, after a literal pre-check where :func:`required_literals` finds one.

    When the literal's lead is bounded (:func:`literal_plan`), the search starts
    that far before the first literal found rather than at the start of the
    text: in a long body that skips most of the regex's work. ``search(text,
    pos)`` still sees the whole text (``^``, ``\\b`` and lookbehinds look at the
    real start), so its answer is the same.
    """
    search = pattern.search
    found = literal_plan(pattern)
    if found is None:
        width = min_width(pattern)
        if width:  # ``^.{200,}``: a shorter text cannot match
            return lambda text, lower: len(text) >= width and search(text) is not None
        return lambda text, lower: search(text) is not None
    literals, ignore_case, lead = found
    if lead is not None:
        return _windowed(search, literals, ignore_case, lead)
    if ignore_case:
        if len(literals) == 1:
            (literal,) = literals

            def one_lower(text: str, lower: str) -> bool:
                if literal not in lower and text.isascii():
                    return False
                return search(text) is not None

            return one_lower

        def any_lower(text: str, lower: str) -> bool:
            for literal in literals:
                if literal in lower:
                    break
            else:
                if text.isascii():
                    return False
            return search(text) is not None

        return any_lower

    def any_exact(text: str, lower: str) -> bool:
        for literal in literals:
            if literal in text:
                return search(text) is not None
        return False

    return any_exact


def _windowed(
    search: Callable[[str, int], re.Match[str] | None], literals: tuple[str, ...], ignore_case: bool, lead: int
) -> TextTest:
    """The pre-check, then a search from ``lead`` characters before the first literal found."""
    if len(literals) == 1:
        (literal,) = literals
        if ignore_case:

            def one_lower(text: str, lower: str) -> bool:
                if not text.isascii():  # positions in the lower-cased text may not be those of the text
                    return search(text, 0) is not None
                at = lower.find(literal)
                return at >= 0 and search(text, max(0, at - lead)) is not None

            return one_lower

        def one_exact(text: str, lower: str) -> bool:
            at = text.find(literal)
            return at >= 0 and search(text, max(0, at - lead)) is not None

        return one_exact

    def first(text: str, lower: str) -> bool:
        if ignore_case and not text.isascii():
            return search(text, 0) is not None
        where = lower if ignore_case else text
        at = -1
        for literal in literals:
            found = where.find(literal)
            if found >= 0 and (at < 0 or found < at):
                at = found
        return at >= 0 and search(text, max(0, at - lead)) is not None

    return first


# -- many literals over one text ---------------------------------------------------------------

Mode = str
"""How a literal is looked for: ``fold``, in the lower-cased text (``contains``, exact for any
text); ``ascii``, the same, except that a text with a non-ASCII character always passes (the
literal of a case-insensitive regex); ``case``, in the text as it is (of a case-sensitive regex);
``is``, equal to the stripped, lower-cased text."""

_FREQUENT = " etaoinsrhldcumfpgwybvkxjqz"  # English text, most frequent first: a trigram of rare ones is rare
_SLICES = tuple(slice(i, i + 3) for i in range(4096))


def _rarity(gram: str) -> int:
    score = 0
    for char in gram:
        at = _FREQUENT.find(char)
        score += len(_FREQUENT) - at if at >= 0 else (6 if char.isdigit() else 3)
    return score


class LiteralSet:
    """Which of many literals occur in a text, each standing for some rules (a bit mask of them).

    Built once per rules file and field from every rule's required literals, with
    duplicates merged, so a literal that ten rules need is looked for once. On a short
    text (a subject, a header) the text's trigrams are put in a set and only literals whose
    rarest trigram is among them are tested, so the cost hardly depends on how many
    literals there are; on a long one (a body) each literal still wanted is one substring
    test. ``found`` is exact: of the keys asked about, it reports those whose test holds
    and no other.
    """

    __slots__ = ("_all", "_ascii", "_by_gram", "_direct", "_grams", "_is", "_short", "bits")

    def __init__(self, keys: dict[tuple[Mode, str], int]) -> None:
        self.bits = 0
        self._is: dict[str, int] = {}
        self._ascii = 0
        merged: dict[tuple[str, bool], int] = {}  # ``fold`` and ``ascii`` keys of one literal: one test
        for (mode, literal), bits in keys.items():
            self.bits |= bits
            if mode == "is":
                self._is[literal] = self._is.get(literal, 0) | bits
                continue
            if mode == "ascii":
                self._ascii |= bits
            at = (literal, mode == "case")
            merged[at] = merged.get(at, 0) | bits
        by_gram: dict[str, list[tuple[str, bool, int]]] = {}
        direct: list[tuple[str, bool, int]] = []
        for (literal, case), bits in merged.items():
            entry = (literal, case, bits)
            # A case-sensitive ASCII literal in the text is in the lower-cased text too, lower-cased.
            probe = literal.lower() if case else literal
            if len(probe) < 3 or (case and not literal.isascii()):
                direct.append(entry)
            else:
                gram = min((probe[i : i + 3] for i in range(len(probe) - 2)), key=_rarity)
                by_gram.setdefault(gram, []).append(entry)
        self._all = tuple((literal, case, bits) for (literal, case), bits in merged.items())
        self._direct = tuple(direct)
        self._by_gram = {gram: tuple(found) for gram, found in by_gram.items()}
        self._grams = frozenset(by_gram)
        # Past this length, testing each literal costs less than collecting the text's trigrams
        # (about 100 ns a trigram, against 60 ns a test of a short text).
        self._short = min(len(_SLICES) + 2, 3 * len(self._all) // 5)

    def __len__(self) -> int:
        """How many distinct tests there are."""
        return len(self._all) + len(self._is)

    def found(self, text: str, lower: str, alive: int = -1) -> int:
        """The bits of the keys that hold for ``text`` (``lower``: ``text.lower()``).

        Only keys with a bit in ``alive`` are looked for (the others may or may not be reported).
        """
        out = self._is.get(lower.strip(), 0) if self._is else 0
        if self._ascii and not text.isascii():
            out |= self._ascii
        size = len(lower)
        if size <= self._short:
            if size >= 3:
                by_gram = self._by_gram
                for gram in self._grams.intersection(map(lower.__getitem__, _SLICES[: size - 2])):
                    for literal, case, bits in by_gram[gram]:
                        if literal in (text if case else lower):
                            out |= bits
            for literal, case, bits in self._direct:
                if literal in (text if case else lower):
                    out |= bits
            return out
        for literal, case, bits in self._all:
            if bits & alive and literal in (text if case else lower):
                out |= bits
        return out
