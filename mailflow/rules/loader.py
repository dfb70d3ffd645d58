"""Reading a rules file: TOML parsing, validation, line numbers, compilation."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Problem, RulesError, RulesSchemaError, RulesSyntaxError
from .addresses import AddressList
from .compiler import compile_conditions, uses_body
from .diagnostics import Report
from .index import guard
from .ruleset import Rule, RuleSet
from .schema import Document, validate, validate_shared
from .sourcemap import SourceMap

if TYPE_CHECKING:
    from ..config import ClientConfig, Settings

_AT_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


@dataclass(frozen=True)
class RulesContext:
    """What a client's rules file is loaded against, from the config.

    ``forward_to``: the client's allow-list (a ``forward`` to anyone else is
    an error); ``zone``: the client's time zone (in which the file's tests'
    ``date``, ``weekday`` and ``time`` conditions are read); ``shared_lists``:
    the file of ``[lists]`` every client's rules can use.
    """

    forward_to: tuple[str, ...] = ()
    zone: tzinfo | None = None
    shared_lists: Path | None = None

    @classmethod
    def for_client(cls, settings: Settings, client: ClientConfig | None) -> RulesContext:
        if client is None:
            return cls(shared_lists=settings.shared_lists)
        return cls(tuple(client.forward_to), client.zone, settings.shared_lists)


def load_rules(path: Path, text: str | None = None, *, context: RulesContext | None = None) -> RuleSet:
    """Load, validate and compile the rules file at ``path``.

    Raises :class:`~mailflow.errors.RulesSyntaxError` if it is not TOML (or
    not UTF-8), :class:`~mailflow.errors.RulesSchemaError` with every problem
    found if it is not a valid rules file (or the shared lists file is not),
    and :class:`~mailflow.errors.RulesError` if it cannot be read. With
    ``text``, that is the file's content (a version kept in the store) and
    ``path`` only names it and resolves test files.
    """
    context = context or RulesContext()
    doc, source, problems = _read(path, text, context)
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
    zone = context.zone
    return RuleSet(Path(path), doc.version, doc.lists, doc.templates, rules, doc.inline_templates, tests, zone)


def check_rules(path: Path, *, run_tests: bool = True, context: RulesContext | None = None) -> list[Problem]:
    """Every problem in the rules file at ``path``, in line order; ``[]`` if it is fine. Never raises for a bad file.

    A file that is otherwise valid has its ``[[test]]`` tables run too
    (unless ``run_tests`` is false): each failing test is a problem.
    """
    context = context or RulesContext()
    try:
        _doc, _source, problems = _read(path, None, context)
    except RulesError as exc:
        return list(exc.problems)
    if problems or not run_tests:
        return problems
    return test_problems(load_rules(path, context=context))


def shared_lists(path: Path) -> dict[str, AddressList]:
    """The ``[lists]`` of the shared lists file (a TOML file with only that table); raises ``RulesError``."""
    file = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise RulesError([Problem(file, None, f"cannot read the shared lists file: {exc.strerror or exc}")]) from exc
    except UnicodeDecodeError as exc:
        raise RulesSyntaxError([Problem(file, None, "the file is not UTF-8 text; save it as UTF-8")]) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesSyntaxError([_syntax_problem(file, text, exc)]) from exc
    report = Report()
    lists = validate_shared(data, report)
    problems = report.problems(file, SourceMap(text))
    if problems:
        raise RulesSchemaError(problems)
    return lists


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
    path: Path, content: str | None = None, context: RulesContext | None = None
) -> tuple[Document | None, SourceMap | None, list[Problem]]:
    context = context or RulesContext()
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
    shared = shared_lists(context.shared_lists) if context.shared_lists is not None else {}
    report = Report()
    source = SourceMap(text)
    doc = validate(data, report, Path(path).parent, context.forward_to, shared)
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
