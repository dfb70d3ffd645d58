"""Collecting problems while validating, and the small type checks every part shares.

Validation never stops at the first problem: each check records an
:class:`Issue` (a key path and a message) and returns None, and the caller
carries on with the rest of the file. The loader turns issues into
:class:`mailflow.errors.Problem` objects with a file, a line, a rule and a key.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem
from .sourcemap import PathPart, SourceMap

Path = tuple[PathPart, ...]


@dataclass(frozen=True, slots=True)
class Issue:
    path: Path
    message: str
    inner_line: int | None = None  # a line inside the string value at ``path`` (template errors)


@dataclass
class Report:
    """Every issue found in one file, and the names of its rules (for ``Problem.rule``)."""

    issues: list[Issue] = field(default_factory=list)
    rule_names: dict[int, str] = field(default_factory=dict)

    def error(self, path: Path, message: str, inner_line: int | None = None) -> None:
        self.issues.append(Issue(path, message, inner_line))

    def problems(self, file: str, source: SourceMap) -> list[Problem]:
        """The issues as problems, in file order (then in the order found)."""
        found: list[tuple[int, int, Problem]] = []
        for n, issue in enumerate(self.issues):
            line = source.line(issue.path, issue.inner_line)
            rule: str | None = None
            key_path: Sequence[PathPart] = issue.path
            if len(issue.path) >= 2 and issue.path[0] == "rule" and isinstance(issue.path[1], int):
                rule = self.rule_names.get(issue.path[1], f"#{issue.path[1] + 1}")
                key_path = issue.path[2:]
            found.append((line, n, Problem(file, line, issue.message, rule=rule, key=format_key(key_path) or None)))
        return [p for _, _, p in sorted(found, key=lambda t: (t[0], t[1]))]


def format_key(path: Iterable[PathPart]) -> str:
    """``("when", "any", 1, "subject")`` -> ``"when.any[1].subject"``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def name_of(path: Path) -> str:
    """The key a value belongs to, for messages: the last name in ``path``, with any index."""
    tail: list[PathPart] = []
    for part in reversed(path):
        tail.insert(0, part)
        if isinstance(part, str):
            break
    return format_key(tail) or "the file"


def describe(value: object) -> str:
    """A value as the assistant wrote it, for "got ..." in messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)


def check_keys(report: Report, table: Mapping[str, Any], allowed: Iterable[str], path: Path) -> bool:
    """Report every key of ``table`` not in ``allowed``; True if there was none."""
    known = list(allowed)
    ok = True
    for key in table:
        if key not in known:
            ok = False
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of: {', '.join(known)}"
            report.error((*path, key), f"unknown key {key!r}{hint}")
    return ok


def expect_table(report: Report, value: object, path: Path, what: str = "a table") -> Mapping[str, Any] | None:
    if isinstance(value, Mapping):
        return value
    report.error(path, f"{name_of(path)} expects {what}, got {describe(value)}")
    return None


def expect_bool(report: Report, value: object, path: Path) -> bool | None:
    if isinstance(value, bool):
        return value
    report.error(path, f"{name_of(path)} expects true or false, got {describe(value)}")
    return None


def expect_choice(report: Report, value: object, path: Path, choices: tuple[str, ...]) -> str | None:
    """One of ``choices`` (``"leave"`` or ``"decline"``)."""
    if isinstance(value, str) and value in choices:
        return value
    words = " or ".join(f'"{c}"' for c in choices)
    report.error(path, f"{name_of(path)} expects {words}, got {describe(value)}")
    return None


def expect_true(report: Report, value: object, path: Path, hint: str) -> bool:
    """A key that only makes sense as ``true`` (``archive``, ``stop``)."""
    if value is True:
        return True
    if value is False:
        report.error(path, f"{name_of(path)} only accepts true; {hint}")
    else:
        report.error(path, f"{name_of(path)} expects true, got {describe(value)}")
    return False


def expect_text(report: Report, value: object, path: Path, what: str = "a text") -> str | None:
    """A non-blank string."""
    if isinstance(value, str) and value.strip():
        return value
    got = "an empty text" if isinstance(value, str) else describe(value)
    report.error(path, f"{name_of(path)} expects {what}, got {got}")
    return None


def expect_texts(report: Report, value: object, path: Path, what: str = "a text") -> tuple[str, ...] | None:
    """A non-blank string or a non-empty list of them."""
    if isinstance(value, str):
        text = expect_text(report, value, path, f"{what} or a list of them")
        return None if text is None else (text,)
    if isinstance(value, list) and value:
        out: list[str] = []
        ok = True
        for i, item in enumerate(value):
            text = expect_text(report, item, (*path, i), what)
            ok = ok and text is not None
            if text is not None:
                out.append(text)
        return tuple(out) if ok else None
    got = "an empty list" if isinstance(value, list) else describe(value)
    report.error(path, f"{name_of(path)} expects {what} or a list of them, got {got}")
    return None
