"""Validating a whole rules document: ``version``, ``[lists]``, ``[templates]``, ``[[rule]]``.

Each part is checked independently and every problem is recorded, so one run
reports everything wrong with the file. Lists and templates are validated
first, so that rules can refer to them; a reference to a list or template
that exists but has problems of its own is not reported a second time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from .actions import ActionParser, check_template
from .addresses import AddressList, entry_problem
from .conditions import ConditionParser
from .diagnostics import Report, check_keys, describe, expect_text
from .filetests import TestSpec, parse_tests
from .nodes import ActionSpec, Condition

SUPPORTED_VERSION = 1
TOP_KEYS = ("version", "lists", "templates", "rule", "test")
RULE_KEYS = ("name", "when", "then")


@dataclass(frozen=True, slots=True)
class RuleSpec:
    index: int
    name: str
    when: Condition
    actions: tuple[ActionSpec, ...]
    stop: bool


@dataclass
class Document:
    """A validated rules document; complete only when its report has no issues."""

    version: int = SUPPORTED_VERSION
    lists: dict[str, AddressList] = field(default_factory=dict)
    templates: dict[str, jinja2.Template] = field(default_factory=dict)
    inline_templates: dict[str, jinja2.Template] = field(default_factory=dict)
    rules: list[RuleSpec] = field(default_factory=list)
    tests: list[TestSpec] = field(default_factory=list)


def validate(
    data: Mapping[str, Any],
    report: Report,
    base: Path | None = None,
    forward_to: Sequence[str] = (),
    shared: Mapping[str, AddressList] | None = None,
) -> Document:
    """Check ``data`` (as tomllib returned it), recording every problem in ``report``.

    ``base`` is the rules file's folder: tests' ``eml`` paths are relative to it.
    ``forward_to`` is the client's allow-list (from the config): a forward to anyone else is an error.
    ``shared`` are the lists of the shared lists file: usable as if defined here (defining one again is an error).
    """
    doc = Document()
    check_keys(report, data, TOP_KEYS, ())
    _version(data, report)
    lists: dict[str, AddressList | None] = dict(shared or {})
    for name, found in _lists(data.get("lists", {}), report).items():
        if name in lists:
            report.error(("lists", name), f"list {name!r} is already defined in the shared lists file; rename one")
        lists[name] = found
    templates = _templates(data.get("templates", {}), report)
    doc.lists = {k: v for k, v in lists.items() if v is not None}
    doc.templates = {k: v for k, v in templates.items() if v is not None}
    conditions = ConditionParser(report, lists)
    actions = ActionParser(report, templates, forward_to)
    rules = data.get("rule", [])
    if not isinstance(rules, list) or not all(isinstance(r, Mapping) for r in rules):
        report.error(("rule",), f"rules are written as [[rule]] tables, got rule = {describe(rules)}")
        rules = []
    _names(rules, report)
    for i, rule in enumerate(rules):
        spec = _rule(i, rule, report, conditions, actions)
        if spec is not None:
            doc.rules.append(spec)
    if "test" in data:
        doc.tests = parse_tests(data["test"], report, actions, base)
    doc.inline_templates = actions.inline
    return doc


def _version(data: Mapping[str, Any], report: Report) -> None:
    if "version" not in data:
        report.error((), f"the file needs version = {SUPPORTED_VERSION} at the top")
        return
    version = data["version"]
    if isinstance(version, bool) or not isinstance(version, int):
        report.error(("version",), f"version expects the number {SUPPORTED_VERSION}, got {describe(version)}")
    elif version != SUPPORTED_VERSION:
        report.error(
            ("version",), f"version {version} is not supported; this mailflow reads version {SUPPORTED_VERSION}"
        )


def validate_shared(data: Mapping[str, Any], report: Report) -> dict[str, AddressList]:
    """The shared lists file: ``[lists]`` only, checked as a rules file's are."""
    check_keys(report, data, ("lists",), ())
    return {k: v for k, v in _lists(data.get("lists", {}), report).items() if v is not None}


def _lists(value: Any, report: Report) -> dict[str, AddressList | None]:
    if not isinstance(value, Mapping):
        report.error(("lists",), f"lists expects a table of named lists, got {describe(value)}")
        return {}
    out: dict[str, AddressList | None] = {}
    for name, entries in value.items():
        path = ("lists", name)
        if not isinstance(entries, list):
            report.error(path, f"list {name!r} expects a list of addresses, got {describe(entries)}")
            out[name] = None
            continue
        ok = True
        for i, entry in enumerate(entries):
            if not isinstance(entry, str):
                report.error(
                    (*path, i), f'list {name!r} expects quoted addresses like "ann@x.example", got {describe(entry)}'
                )
                ok = False
                continue
            problem = entry_problem(entry)
            if problem:
                report.error((*path, i), f"list {name!r}: {problem}")
                ok = False
        out[name] = AddressList.build(name, entries) if ok else None
    return out


def _templates(value: Any, report: Report) -> dict[str, jinja2.Template | None]:
    if not isinstance(value, Mapping):
        report.error(("templates",), f"templates expects a table of named templates, got {describe(value)}")
        return {}
    out: dict[str, jinja2.Template | None] = {}
    for name, source in value.items():
        path = ("templates", name)
        text = expect_text(report, source, path, "the text of a template")
        out[name] = None if text is None else check_template(report, text, path, name)
    return out


def _names(rules: list[Mapping[str, Any]], report: Report) -> None:
    seen: dict[str, int] = {}
    for i, rule in enumerate(rules):
        name = rule.get("name")
        if isinstance(name, str) and name.strip():
            report.rule_names[i] = name.strip()
            if name.strip() in seen:
                report.error(
                    ("rule", i, "name"),
                    f"rule #{seen[name.strip()] + 1} already has this name; rule names must be unique",
                )
            else:
                seen[name.strip()] = i


def _rule(
    i: int, rule: Mapping[str, Any], report: Report, conditions: ConditionParser, actions: ActionParser
) -> RuleSpec | None:
    path = ("rule", i)
    ok = check_keys(report, rule, RULE_KEYS, path)
    if "name" not in rule:
        report.error(path, 'the rule needs a name = "..."')
        ok = False
    elif expect_text(report, rule["name"], (*path, "name"), "a rule name") is None:
        ok = False
    when = conditions.parse_when(rule.get("when", {}), (*path, "when"))
    if "then" not in rule:
        report.error(path, "the rule needs then = [ ... ] with at least one action")
        return None
    then = actions.parse_then(rule["then"], (*path, "then"))
    if not ok or when is None or then is None:
        return None
    return RuleSpec(i, report.rule_names[i], when, then[0], then[1])
