"""Line numbers for keys of a TOML document, found by scanning its text.

``tomllib`` returns plain dicts and lists without positions, so a problem's
line is recovered from the source: comments and string values are blanked
out (keeping newlines, so offsets and lines stay put), then a key path such
as ``("rule", 2, "when", "subject", "matches")`` is followed step by step,
each step searching only inside the span of the previous one:

* a name is a ``[table]`` / ``[[array]]`` header with that dotted name, or a
  key (bare or quoted, possibly dotted) followed by ``=``; the span becomes
  the header's section or the key's value (an inline table or array up to
  its matching bracket, else the rest of the line or the string);
* an integer is the n-th ``[[array]]`` header of that name, or the n-th
  element of an inline array.

When a step cannot be followed, the position of the last step that could is
used, so a problem is reported at least at its rule's ``[[rule]]`` line.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

PathPart = str | int

_NOT_IN_KEY = frozenset("[]{},#\"'=\n")
_HEADER = re.compile(r"^[ \t]*(\[\[?)([^\]\n]*)\]", re.M)


@cache
def _key_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w\-])" + re.escape(name) + r"(?=[ \t]*[=.])")


@dataclass(frozen=True, slots=True)
class _Header:
    offset: int
    name: str
    is_array: bool


def _mask(text: str) -> str:
    """``text`` with comments and string values replaced by spaces; quoted keys keep their text."""
    out = list(text)
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
            out[i:end] = " " * (end - i)
            i = end
        elif c in "\"'":
            triple = text.startswith(c * 3, i)
            start = i + (3 if triple else 1)
            j = start
            while j < n:
                ch = text[j]
                if ch == "\\" and c == '"':
                    j += 2
                    continue
                if triple and text.startswith(c * 3, j):
                    while j + 3 < n and text[j + 3] == c:  # up to two quotes end the content
                        j += 1
                    break
                if not triple and (ch == c or ch == "\n"):
                    break
                j += 1
            close = min(n, j + (3 if triple else 1))
            eol = text.find("\n", close)
            rest = text[close : eol if eol >= 0 else n]
            after = rest.lstrip(" \t")[:1]
            on_header = text[text.rfind("\n", 0, i) + 1 : i].lstrip().startswith("[")
            if not triple and (after in ("=", ".") or (after == "]" and on_header)):
                out[i] = " "  # a quoted key: keep its text, without quotes or brackets
                for k in range(start, close):
                    out[k] = " " if text[k] in _NOT_IN_KEY else text[k]
            else:
                for k in range(start, min(j, n)):
                    if text[k] != "\n":
                        out[k] = " "
            i = close
        else:
            i += 1
    return "".join(out)


class SourceMap:
    """Finds the line of a key path in one TOML document."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.masked = _mask(text)
        self._line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self._headers = [
            _Header(m.start(), re.sub(r"\s", "", m.group(2)), m.group(1) == "[[") for m in _HEADER.finditer(self.masked)
        ]

    def line_of(self, offset: int) -> int:
        """The 1-based line holding character ``offset``."""
        return bisect.bisect_right(self._line_starts, offset)

    def line(self, path: Sequence[PathPart], inner_line: int | None = None) -> int:
        """The line of ``path`` (the best approximation of it).

        With ``inner_line``, ``path`` names a string value and the result is
        that line of the string's content (1-based), for errors inside a
        multi-line template.
        """
        offset, value_start = self._find(path)
        if inner_line is None or value_start is None:
            return self.line_of(offset)
        line = self.line_of(value_start)
        opening = self.text[value_start : value_start + 3]
        if opening in ('"""', "'''") and self.text[value_start + 3 : value_start + 5].lstrip("\r")[:1] == "\n":
            line += 1  # TOML trims a newline right after the opening delimiter
        return line + inner_line - 1

    # -- path following ---------------------------------------------------------

    def _section_end(self, index: int, hi: int) -> int:
        name = self._headers[index].name
        for h in self._headers[index + 1 :]:
            if h.offset >= hi:
                break
            if not h.name.startswith(name + "."):
                return h.offset
        return hi

    def _find(self, path: Sequence[PathPart]) -> tuple[int, int | None]:
        lo, hi = 0, len(self.masked)
        found = 0
        value_start: int | None = None
        prefix: str | None = ""  # dotted name of the current header section; None inside a value
        pending: list[int] = []  # header indexes of an array of tables, waiting for an index
        for part in path:
            if isinstance(part, int):
                if pending:
                    if part >= len(pending):
                        break
                    idx = pending[part]
                    lo, hi = self._headers[idx].offset, self._section_end(idx, hi)
                    pending = []
                else:
                    elements = self._elements(lo, hi)
                    if part >= len(elements):
                        break
                    lo, hi = elements[part]
                    prefix = None
                found, value_start = lo, None
                continue
            pending = []
            if prefix is not None:
                full = f"{prefix}.{part}" if prefix else part
                matches = [i for i, h in enumerate(self._headers) if lo <= h.offset < hi and h.name == full]
                if matches:
                    if self._headers[matches[0]].is_array:
                        pending = matches
                        found = self._headers[matches[0]].offset
                    else:
                        lo, hi = self._headers[matches[0]].offset, self._section_end(matches[0], hi)
                        found = lo
                    prefix, value_start = full, None
                    continue
            m = _key_pattern(part).search(self.masked, lo, hi)
            if m is None:
                break
            found = m.start()
            lo, hi, value_start = self._value_span(m.end(), hi)
            prefix = None
        return found, value_start

    def _value_span(self, pos: int, hi: int) -> tuple[int, int, int | None]:
        """The span of the value after a key ending at ``pos``, and where the value starts."""
        text = self.masked
        while pos < hi and text[pos] in " \t":
            pos += 1
        if pos < hi and text[pos] == ".":  # a dotted key: the rest of the key, to the end of its line
            eol = text.find("\n", pos)
            return pos + 1, hi if eol < 0 else min(eol, hi), None
        pos += 1  # the "="
        while pos < hi and text[pos] in " \t":
            pos += 1
        if pos < hi and text[pos] in "[{":
            end = self._matching(pos, hi)
            return pos, end, pos
        if pos < hi and text[pos] in "\"'":
            quote = text[pos]
            close = pos + 1
            if text.startswith(quote * 3, pos):
                close = text.find(quote * 3, pos + 3)
                close = hi if close < 0 else close + 3
            else:
                close = text.find(quote, pos + 1)
                close = hi if close < 0 else close + 1
            return pos, min(close, hi), pos
        eol = text.find("\n", pos)
        return pos, hi if eol < 0 else min(eol, hi), pos

    def _matching(self, pos: int, hi: int) -> int:
        """The offset just past the bracket closing the one at ``pos``."""
        depth = 0
        text = self.masked
        for k in range(pos, hi):
            ch = text[k]
            if ch in "[{":
                depth += 1
            elif ch in "]}":
                depth -= 1
                if depth == 0:
                    return k + 1
        return hi

    def _elements(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """The spans of the elements of the inline array starting at ``lo``."""
        text = self.masked
        if lo >= hi or text[lo] != "[":
            return []
        spans: list[tuple[int, int]] = []
        depth = 0
        start: int | None = None
        for k in range(lo, hi):
            ch = text[k]
            if ch in "[{":
                depth += 1
                if depth == 1:
                    continue
            elif ch in "]}":
                depth -= 1
                if depth == 0:
                    if start is not None:
                        spans.append((start, k))
                    break
            elif ch == "," and depth == 1:
                if start is not None:
                    spans.append((start, k))
                start = None
                continue
            if depth >= 1 and start is None and not ch.isspace():
                start = k
        return spans
