"""Literal pre-checks for regexes: a substring test that rules out most non-matches cheaply.

``(?i)board deck|investor update|board meeting`` cannot match a text that
contains none of its three phrases; testing that with ``in`` costs a small
fraction of ``re.search`` (which tries every position of the text for each
alternative). :func:`required_literals` reads the pattern's parse tree and
returns literals of which at least one occurs in every text the pattern
matches, or None when it finds no such set; :func:`prefiltered` wraps a
search with that check. The check only ever answers "cannot match": when it
passes, the regex itself decides, so results are those of ``re.search``.

Case-insensitive patterns compare the lower-cased literal with the
lower-cased text, which is only exact for ASCII text: Unicode case folding
lets ``k`` match the Kelvin sign and ``s`` the long s, so a text with any
non-ASCII character always goes to the regex.
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


class _Unsupported(Exception):
    """The pattern changes flags inside a group: no pre-check is attempted."""


def required_literals(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], bool] | None:
    """Literals one of which every match of ``pattern`` contains, and whether to compare them lower-cased.

    None when there is no such set (an alternative without a literal, as in
    ``^\\s*$`` or ``[^\\x00-\\x7f]``). A literal that contains another of
    the set is dropped: where the shorter one is missing, so is the longer.
    """
    ignore_case = bool(pattern.flags & re.IGNORECASE)
    try:
        found = _sequence(list(sre_parse.parse(pattern.pattern, pattern.flags)), ignore_case)
    except (_Unsupported, re.error, RecursionError):
        return None
    if not found:
        return None
    unique = tuple(dict.fromkeys(found))
    return tuple(s for s in unique if not any(o != s and o in s for o in unique)), ignore_case


def min_width(pattern: re.Pattern[str]) -> int:
    """The fewest characters a match of ``pattern`` spans (0 if unknown)."""
    try:
        low, _high = sre_parse.parse(pattern.pattern, pattern.flags).getwidth()
    except (re.error, RecursionError):
        return 0
    return int(low)


def _better(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The more selective of two requirements: the longer shortest literal, then fewer alternatives."""
    if a is None or b is None:
        return a or b
    ka, kb = (min(map(len, a)), -len(a)), (min(map(len, b)), -len(b))
    return a if ka >= kb else b


def _sequence(items: list[tuple[Any, Any]], ignore_case: bool) -> tuple[str, ...] | None:
    """A requirement of a sequence: its best run of literals, or the best requirement of one of its items."""
    best: tuple[str, ...] | None = None
    run: list[str] = []
    for op, av in [*items, (None, None)]:
        if op is sre.LITERAL:
            char = chr(av)
            if not ignore_case or char.isascii():
                run.append(char.lower() if ignore_case else char)
                continue
        if run:
            best = _better(best, ("".join(run),))
            run = []
        best = _better(best, _item(op, av, ignore_case))
    return best


def _item(op: Any, av: Any, ignore_case: bool) -> tuple[str, ...] | None:
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            raise _Unsupported
        return _sequence(list(sub), ignore_case)
    if op is sre.BRANCH:
        found: list[str] = []
        for branch in av[1]:
            alternative = _sequence(list(branch), ignore_case)
            if alternative is None:
                return None
            found.extend(alternative)
        return tuple(found)
    if op in _REPEATS:
        low, _high, sub = av
        return _sequence(list(sub), ignore_case) if low >= 1 else None
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _sequence(list(av), ignore_case)
    return None


def prefiltered(pattern: re.Pattern[str]) -> TextTest:
    """``pattern.search(text) is not None``, after a literal pre-check where :func:`required_literals` finds one."""
    search = pattern.search
    found = required_literals(pattern)
    if found is None:
        width = min_width(pattern)
        if width:  # ``^.{200,}``: a shorter text cannot match
            return lambda text, lower: len(text) >= width and search(text) is not None
        return lambda text, lower: search(text) is not None
    literals, ignore_case = found
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
