"""Reading a rules file: TOML parsing, validation, line numbers, compilation."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..errors import Problem, RulesError, RulesSchemaError, RulesSyntaxError
from .compiler import compile_conditions, uses_body
from .diagnostics import Report
from .index import guard
from .ruleset import Rule, RuleSet
from .schema import Document, validate
from .sourcemap import SourceMap

_AT_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


def load_rules(path: Path, text: str | None = None, *, forward_to: Sequence[str] = ()) -> RuleSet:
    """Load, validate and compile the rules file at ``path``.

    Raises :class:`~mailflow.errors.RulesSyntaxError` if it is not TOML (or
    not UTF-8), :class:`~mailflow.errors.RulesSchemaError` with every problem
    found if it is not a valid rules file, and :class:`~mailflow.errors.RulesError`
    if it cannot be read. With ``text``, that is the file's content (a version
    kept in the store) and ``path`` only names it and resolves test files.
    ``forward_to`` is the client's allow-list from the config (``forward``
    actions to anyone else are errors).
    """
    doc, source, problems = _read(path, text, forward_to)
    if problems:
        raise RulesSchemaError(problems)
    assert doc is not None and source is not None
    rules = []
    predicates = compile_conditions([spec.when for spec in doc.rules])
    for spec, predicate in zip(doc.rules, predicates, strict=True):
        line = source.line(("rule", spec.index))
        uses = uses_body(spec.when)
        rules.append(Rule(spec.index, spec.name, line, spec.actions, spec.stop, uses, predicate, guard(spec.when)))
    tests = [replace(t, line=source.line(("test", t.index))) for t in doc.tests]
    return RuleSet(Path(path), doc.version, doc.lists, doc.templates, rules, doc.inline_templates, tests)


def check_rules(path: Path, *, run_tests: bool = True, forward_to: Sequence[str] = ()) -> list[Problem]:
    """Every problem in the rules file at ``path``, in line order; ``[]`` if it is fine. Never raises for a bad file.

    A file that is otherwise valid has its ``[[test]]`` tables run too
    (unless ``run_tests`` is false): each failing test is a problem.
    """
    try:
        _doc, _source, problems = _read(path, None, forward_to)
    except RulesError as exc:
        return list(exc.problems)
    if problems or not run_tests:
        return problems
    return test_problems(load_rules(path, forward_to=forward_to))


def test_problems(rules: RuleSet) -> list[Problem]:
    """The file's failing ``[[test]]`` tables, as problems (want and got in the message)."""
    from .filetests import format_result, run_tests

    problems = []
    for result in run_tests(rules):
        if not result.ok:
            text = format_result(result, rules.path).split(": ", 1)[1]  # without the file:line part
            problems.append(Problem(str(rules.path), result.spec.line, text))
    return problems


def _read(
    path: Path, content: str | None = None, forward_to: Sequence[str] = ()
) -> tuple[Document | None, SourceMap | None, list[Problem]]:
    file = str(path)
    try:
        raw = Path(path).read_bytes() if content is None else content.encode("utf-8")
    except OSError as exc:
        raise RulesError([Problem(file, None, f"cannot read the rules file: {exc.strerror or exc}")]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise RulesSyntaxError([Problem(file, line, "the file is not UTF-8 text; save it as UTF-8")]) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesSyntaxError([_syntax_problem(file, text, exc)]) from exc
    report = Report()
    source = SourceMap(text)
    doc = validate(data, report, Path(path).parent, forward_to)
    return doc, source, report.problems(file, source)


def _syntax_problem(file: str, text: str, exc: tomllib.TOMLDecodeError) -> Problem:
    message = str(exc)
    m = _AT_LINE.search(message)
    if m:
        return Problem(file, int(m.group(1)), "not valid TOML: " + message[: m.start()])
    m = _AT_END.search(message)
    if m:
        last_line = text.count("\n") + 1
        return Problem(file, last_line, "not valid TOML: " + message[: m.start()] + " at the end of the file")
    return Problem(file, None, "not valid TOML: " + message)
