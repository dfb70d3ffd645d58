"""Validating a rule's ``when`` table into condition nodes.

Keys of one table are ANDed; ``all``/``any`` take lists of tables and ``not``
one table, to any depth. Field conditions:

``from``, ``to``, ``cc``, ``reply_to``, ``sender``
    a bare string is an address compared for equality (``from = "ceo@x.example"``);
    a table takes ``is`` (addresses), ``contains`` and ``matches`` (tested against
    ``Display Name <address>``), ``domain`` (a domain or list; subdomains match)
    and ``in`` (a ``[lists]`` name). Several operators in one table must hold
    for the same address; the condition holds if any address in the field does.
``subject``, ``body``
    a bare string (or list) means ``contains``; a table takes ``is``,
    ``contains``, ``matches``.
``header``
    ``{ name = "X-Foo", is | contains | matches | exists = ... }``.
``has_attachment``
    ``true``/``false``, or ``{ name = "invoice-*.pdf", type = "application/pdf" }``
    (globs, case-insensitive; both must hold for the same attachment).
``category``, ``account``, ``folder``
    a string or a list of strings, compared case-insensitively.

``is`` and ``contains`` take a string or a list (any of them); ``matches``
takes a Python regex (or a list), searched in the original text, so write
``(?i)`` for case-insensitive matching.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from datetime import date
from typing import Any, cast

from ..model import Address
from ..triage import CATEGORIES as TRIAGE_CATEGORIES
from .addresses import AddressList, normalize_domain
from .diagnostics import Path, Report, check_keys, describe, expect_bool, expect_text, expect_texts, name_of
from .nodes import (
    AddressCond,
    AddressField,
    AddressTest,
    AllOf,
    Always,
    AnyOf,
    AttachmentCond,
    AttachmentStats,
    Condition,
    Contains,
    ContextAttr,
    ContextCond,
    Domain,
    HeaderCond,
    InList,
    Is,
    Local,
    Matches,
    Name,
    NotOf,
    Range,
    RetainerCond,
    SizeCond,
    StrTest,
    TextCond,
    TextField,
    ThreadCond,
    ThreadFact,
    WhenCond,
)

ADDRESS_FIELDS: tuple[AddressField, ...] = ("from", "to", "cc", "reply_to", "sender")
TEXT_FIELDS: tuple[TextField, ...] = ("subject", "body")
CONTEXT_ATTRS: tuple[ContextAttr, ...] = ("category", "account", "folder")
COMBINATORS = ("all", "any", "not")
MESSAGE_FACTS = ("attachments", "size", "date", "weekday", "time")
THREAD_FACTS = ("is_reply", "participants", "replied", "first_time_sender")
BILLING_FACTS = ("retainer_used",)
CONDITION_KEYS = (
    *ADDRESS_FIELDS,
    *TEXT_FIELDS,
    "header",
    "has_attachment",
    *MESSAGE_FACTS,
    *THREAD_FACTS,
    *BILLING_FACTS,
    *CONTEXT_ATTRS,
    *COMBINATORS,
)
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*$", re.I)
_SIZE_UNITS = {"b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}
_CLOCK = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CATEGORIES = frozenset(TRIAGE_CATEGORIES)
"""Category names a rule may test: exactly the ones triage produces."""

_STR_OPS = ("is", "contains", "matches")
_ADDRESS_OPS = (*_STR_OPS, "domain", "in", "name", "local")


class ConditionParser:
    """Turns ``when`` tables into :data:`~mailflow.rules.nodes.Condition` nodes, reporting problems."""

    def __init__(self, report: Report, lists: Mapping[str, AddressList | None]) -> None:
        self.report = report
        self.lists = lists  # None for a list that exists but has problems of its own

    def parse_when(self, value: object, path: Path) -> Condition | None:
        if not isinstance(value, Mapping):
            self.report.error(path, f"when expects a table of conditions, got {describe(value)}")
            return None
        if not value:
            return Always()
        return self._table(value, path)

    def _table(self, table: Mapping[str, Any], path: Path) -> Condition | None:
        ok = check_keys(self.report, table, CONDITION_KEYS, path)
        children: list[Condition] = []
        for key, value in table.items():
            if key not in CONDITION_KEYS:
                continue
            node = self._condition(key, value, (*path, key))
            if node is None:
                ok = False
            else:
                children.append(node)
        if not ok:
            return None
        if not children:
            return Always()
        return children[0] if len(children) == 1 else AllOf(tuple(children))

    def _condition(self, key: str, value: Any, path: Path) -> Condition | None:
        if key in ("all", "any"):
            return self._combine(key, value, path)
        if key == "not":
            if not isinstance(value, Mapping) or not value:
                self.report.error(path, f"not expects a table with at least one condition, got {describe(value)}")
                return None
            child = self._table(value, path)
            return None if child is None else NotOf(child)
        if key in ADDRESS_FIELDS:
            return self._address(key, value, path)
        if key in TEXT_FIELDS:
            return self._text(key, value, path)
        if key == "header":
            return self._header(value, path)
        if key == "has_attachment":
            return self._attachment(value, path)
        if key == "attachments":
            return self._attachment_stats(value, path)
        if key == "size":
            size = self._range(value, path, 'a size like "2MB"', _parse_size)
            return None if size is None else SizeCond(size)
        if key in ("date", "weekday", "time"):
            return self._when(key, value, path)
        if key in THREAD_FACTS:
            return self._thread(key, value, path)
        if key == "retainer_used":
            if not isinstance(value, Mapping):
                self.report.error(
                    path, f"retainer_used expects a table like {{ min = 100 }} (percent), got {describe(value)}"
                )
                return None
            percent = self._range(value, path, "a percentage", _parse_count)
            return None if percent is None else RetainerCond(percent)
        return self._context(cast(ContextAttr, key), value, path)

    # -- message facts: attachments, size, date and time, thread ----------------

    def _range(self, value: Any, path: Path, what: str, parse: Any) -> Range | None:
        """``N`` (exactly), or ``{ min = N, max = M }`` (either may be left out)."""
        if not isinstance(value, Mapping):
            one = parse(value)
            if one is None:
                self.report.error(path, f"{name_of(path)} expects {what} or a table like {{ min = ..., max = ... }}")
                return None
            return Range(one, one)
        ok = check_keys(self.report, value, ("min", "max"), path)
        if not value:
            self.report.error(path, f"{name_of(path)} needs min or max")
            return None
        ends: dict[str, int | None] = {"min": None, "max": None}
        for end in ("min", "max"):
            if end in value:
                ends[end] = parse(value[end])
                if ends[end] is None:
                    self.report.error((*path, end), f"{end} expects {what}, got {describe(value[end])}")
                    ok = False
        low, high = ends["min"], ends["max"]
        if ok and low is not None and high is not None and low > high:
            self.report.error(path, f"min ({value['min']}) is larger than max ({value['max']})")
            ok = False
        return Range(low, high) if ok else None

    def _attachment_stats(self, value: Any, path: Path) -> Condition | None:
        if not isinstance(value, Mapping) or not value:
            self.report.error(
                path,
                f'attachments expects a table like {{ count = {{ min = 2 }}, total_size = {{ max = "5MB" }} }}, '
                f"got {describe(value)}",
            )
            return None
        ok = check_keys(self.report, value, ("count", "total_size"), path)
        count = self._range(value["count"], (*path, "count"), "a number", _parse_count) if "count" in value else None
        size = (
            self._range(value["total_size"], (*path, "total_size"), 'a size like "2MB"', _parse_size)
            if "total_size" in value
            else None
        )
        if ("count" in value and count is None) or ("total_size" in value and size is None) or not ok:
            return None
        return AttachmentStats(count, size)

    def _when(self, key: str, value: Any, path: Path) -> Condition | None:
        if key == "weekday":
            texts = expect_texts(self.report, value, path, 'a weekday like "mon"')
            if texts is None:
                return None
            days = [WEEKDAYS.get(t.strip().lower()[:3]) for t in texts]
            if any(d is None for d in days):
                bad = [t for t, d in zip(texts, days, strict=True) if d is None]
                self.report.error(path, f"{', '.join(map(repr, bad))}: weekdays are mon, tue, wed, thu, fri, sat, sun")
                return None
            return WhenCond(weekdays=frozenset(d for d in days if d is not None))
        pattern, what = (_DATE, "a date YYYY-MM-DD") if key == "date" else (_CLOCK, "a time HH:MM")
        if not isinstance(value, Mapping) or not value:
            self.report.error(path, f"{key} expects a table like {{ after = ..., before = ... }} with {what}")
            return None
        ok = check_keys(self.report, value, ("after", "before"), path)
        ends: dict[str, Any] = {"after": None, "before": None}
        for end in ("after", "before"):
            if end in value:
                text = value[end]
                if not isinstance(text, str) or not pattern.match(text):
                    self.report.error((*path, end), f"{end} expects {what}, got {describe(text)}")
                    ok = False
                    continue
                if key == "date":
                    try:
                        date.fromisoformat(text)
                    except ValueError:
                        self.report.error((*path, end), f"{text!r} is not a date")
                        ok = False
                        continue
                    ends[end] = text
                else:
                    hours, minutes = text.strip().split(":")
                    ends[end] = int(hours) * 60 + int(minutes)
        if not ok:
            return None
        if key == "date":
            return WhenCond(dates=(ends["after"], ends["before"]))
        return WhenCond(minutes=(ends["after"], ends["before"]))

    def _thread(self, key: str, value: Any, path: Path) -> Condition | None:
        if key == "participants":
            count = self._range(value, path, "a number", _parse_count)
            return None if count is None else ThreadCond("participants", True, count)
        flag = expect_bool(self.report, value, path)
        return None if flag is None else ThreadCond(cast(ThreadFact, key), flag)

    def _combine(self, key: str, value: Any, path: Path) -> Condition | None:
        if not isinstance(value, list) or not value:
            got = "an empty list" if isinstance(value, list) else describe(value)
            self.report.error(path, f"{key} expects a list of condition tables, got {got}")
            return None
        children: list[Condition] = []
        ok = True
        for i, item in enumerate(value):
            if not isinstance(item, Mapping) or not item:
                self.report.error(
                    (*path, i), f"{key}[{i}] expects a table with at least one condition, got {describe(item)}"
                )
                ok = False
                continue
            child = self._table(item, (*path, i))
            ok = ok and child is not None
            if child is not None:
                children.append(child)
        if not ok:
            return None
        return AllOf(tuple(children)) if key == "all" else AnyOf(tuple(children))

    # -- string operators ------------------------------------------------------

    def _str_test(self, op: str, value: Any, path: Path) -> StrTest | None:
        if op == "matches":
            texts = expect_texts(self.report, value, path, "a regular expression")
            if texts is None:
                return None
            patterns: list[re.Pattern[str]] = []
            for i, text in enumerate(texts):
                where = path if isinstance(value, str) else (*path, i)
                try:
                    patterns.append(re.compile(text))
                except re.error as exc:
                    self.report.error(where, f"bad regular expression {text!r}: {exc}")
            return Matches(tuple(patterns)) if len(patterns) == len(texts) else None
        texts = expect_texts(self.report, value, path)
        if texts is None:
            return None
        if op == "is":
            return Is(frozenset(t.strip().lower() for t in texts))
        return Contains(tuple(t.lower() for t in texts))

    def _text(self, field: TextField, value: Any, path: Path) -> Condition | None:
        if isinstance(value, str | list):
            test = self._str_test("contains", value, path)
            return None if test is None else TextCond(field, (test,))
        if not isinstance(value, Mapping):
            self.report.error(
                path, f'{field} expects a text or a table like {{ contains = "..." }}, got {describe(value)}'
            )
            return None
        tests = self._tests(value, _STR_OPS, path, self._str_test)
        return None if tests is None else TextCond(field, tests)

    def _tests(self, table: Mapping[str, Any], ops: tuple[str, ...], path: Path, parse: Any) -> tuple[Any, ...] | None:
        ok = check_keys(self.report, table, ops, path)
        if not table:
            self.report.error(path, f"{name_of(path)} needs an operator: {', '.join(ops)}")
            return None
        tests = []
        for op, item in table.items():
            if op in ops:
                test = parse(op, item, (*path, op))
                ok = ok and test is not None
                tests.append(test)
        return tuple(tests) if ok else None

    def _header(self, value: Any, path: Path) -> Condition | None:
        if not isinstance(value, Mapping):
            self.report.error(
                path, f'header expects a table like {{ name = "X-Foo", contains = "..." }}, got {describe(value)}'
            )
            return None
        ok = check_keys(self.report, value, ("name", *_STR_OPS, "exists"), path)
        name = None
        if "name" not in value:
            self.report.error(path, 'header needs a name, like { name = "X-Foo", exists = true }')
            ok = False
        else:
            name = expect_text(self.report, value["name"], (*path, "name"), "a header name")
            if name is not None and (":" in name or any(c.isspace() for c in name.strip())):
                self.report.error((*path, "name"), f"{name!r} is not a header name (no colon or spaces)")
                name = None
        ops = [op for op in (*_STR_OPS, "exists") if op in value]
        if not ops:
            if ok:  # after an unknown key (a misspelt operator), that is enough said
                self.report.error(path, "header needs one of: is, contains, matches, exists")
            return None
        if "exists" in ops and len(ops) > 1:
            self.report.error((*path, "exists"), "exists cannot be combined with is, contains or matches")
            return None
        if "exists" in ops:
            exists = expect_bool(self.report, value["exists"], (*path, "exists"))
            if not ok or name is None or exists is None:
                return None
            return HeaderCond(name.strip().lower(), (), exists)
        tests: list[StrTest] = []
        for op in ops:
            test = self._str_test(op, value[op], (*path, op))
            ok = ok and test is not None
            if test is not None:
                tests.append(test)
        if not ok or name is None:
            return None
        return HeaderCond(name.strip().lower(), tuple(tests))

    # -- addresses ---------------------------------------------------------------

    def _address(self, field: AddressField, value: Any, path: Path) -> Condition | None:
        if isinstance(value, str | list):
            test = self._address_test("is", value, path)
            return None if test is None else AddressCond(field, (test,))
        if not isinstance(value, Mapping):
            self.report.error(
                path, f'{field} expects an address or a table like {{ domain = "..." }}, got {describe(value)}'
            )
            return None
        tests = self._tests(value, _ADDRESS_OPS, path, self._address_test)
        return None if tests is None else AddressCond(field, tests)

    def _address_test(self, op: str, value: Any, path: Path) -> AddressTest | None:
        if op in ("contains", "matches"):
            return self._str_test(op, value, path)
        if op in ("name", "local"):
            texts = expect_texts(self.report, value, path, "a display name" if op == "name" else "a local part")
            if texts is None:
                return None
            if op == "name":
                return Name(tuple(t.strip().lower() for t in texts))
            return Local(frozenset(t.strip().lower() for t in texts))
        if op == "in":
            name = expect_text(self.report, value, path, "the name of a list from [lists]")
            if name is None:
                return None
            if name not in self.lists:
                known = ", ".join(sorted(self.lists)) or "none"
                self.report.error(path, f"list {name!r} is not defined in [lists] (defined: {known})")
                return None
            found = self.lists[name]
            return None if found is None else InList(found)
        what = "an email address" if op == "is" else "a domain"
        texts = expect_texts(self.report, value, path, what)
        if texts is None:
            return None
        out: set[str] = set()
        ok = True
        for i, text in enumerate(texts):
            where = path if isinstance(value, str) else (*path, i)
            if op == "domain":
                domain = normalize_domain(text)
                if domain is None:
                    self.report.error(where, f"{text!r} is not a domain")
                    ok = False
                else:
                    out.add(domain)
                continue
            address = Address.parse(text)
            if address is None or text.strip().startswith("@"):
                hint = ' (for a whole domain write { domain = "..." })' if text.strip().startswith("@") else ""
                self.report.error(where, f"{text!r} is not an email address{hint}")
                ok = False
            else:
                out.add(address.email)
        if not ok:
            return None
        return Domain(frozenset(out)) if op == "domain" else Is(frozenset(out))

    # -- attachments and context --------------------------------------------------

    def _attachment(self, value: Any, path: Path) -> Condition | None:
        if isinstance(value, bool):
            return AttachmentCond(value)
        if not isinstance(value, Mapping) or not value:
            self.report.error(
                path,
                "has_attachment expects true, false or a table like "
                f'{{ name = "*.pdf", type = "application/pdf" }}, got {describe(value)}',
            )
            return None
        ok = check_keys(self.report, value, ("name", "type"), path)
        patterns: dict[str, re.Pattern[str] | None] = {"name": None, "type": None}
        for key in ("name", "type"):
            if key in value:
                globs = expect_texts(self.report, value[key], (*path, key), "a glob")
                if globs is None:
                    ok = False
                else:
                    joined = "|".join(f"(?:{fnmatch.translate(g.strip())})" for g in globs)
                    patterns[key] = re.compile(joined, re.I | re.S)
        return AttachmentCond(True, patterns["name"], patterns["type"]) if ok else None

    def _context(self, attr: ContextAttr, value: Any, path: Path) -> Condition | None:
        texts = expect_texts(self.report, value, path, f"a {attr} name")
        if texts is None:
            return None
        values = frozenset(t.strip().lower() for t in texts)
        if attr == "category":
            unknown = sorted(values - CATEGORIES)
            if unknown:
                names = ", ".join(repr(u) for u in unknown)
                self.report.error(path, f"unknown category {names}; known: {', '.join(sorted(CATEGORIES))}")
                return None
        return ContextCond(attr, values)


def _parse_count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _parse_size(value: Any) -> int | None:
    """``2048``, ``"500KB"``, ``"2MB"``, ``"1.5 MB"`` as bytes (KB = 1024 bytes, as mail programs count)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    if not isinstance(value, str):
        return None
    m = _SIZE.match(value)
    if m is None:
        return None
    return int(float(m.group(1)) * _SIZE_UNITS[(m.group(2) or "b").lower()])
