"""The rules engine: one TOML file per client, ``rules/<client>.toml``, evaluated per message.

A rules file has ``version = 1``, optional ``[lists]`` of addresses, optional
``[templates]`` for draft replies, and ``[[rule]]`` tables, each with a
``name``, an optional ``when`` (conditions) and a ``then`` (actions)::

    version = 1

    [lists]
    vip = ["ceo@bigcorp.example", "@board.example"]

    [[rule]]
    name = "VIP mail is urgent"
    when = { from = { in = "vip" } }
    then = [ { label = "Urgent" }, { flag = true }, { log_time = "2m" } ]

Semantics
---------

* Rules are evaluated in file order against one message (a
  :class:`MatchContext`: the message, its category, account and folder).
* Every matching rule's actions are planned, in rule order and then in
  ``then`` order; nothing is executed here. :meth:`RuleSet.evaluate` returns
  the list of :class:`PlannedAction`.
* A matching rule with ``{ stop = true }`` ends evaluation after its own
  actions (wherever ``stop`` appears in its ``then`` list); a rule that does
  not match never stops anything.
* A rule without ``when``, or with ``when = {}``, matches every message.
  Several keys in one ``when`` table (or any condition table) must all hold;
  ``all``, ``any`` and ``not`` nest to any depth.
* Address fields hold if ANY address in the field matches; a bare string is
  an address compared for equality (``from = "ceo@x.example"``). For
  ``subject`` and ``body`` a bare string means ``contains``. ``is`` and
  ``contains`` are case-insensitive; ``matches`` is a Python regex searched
  in the original text. See :mod:`mailflow.rules.conditions`.
* ``log_time`` durations (``"90s"``, ``"2m"``, ``"1h30m"``, ``"1.5h"``) are
  planned as whole seconds, ``{"seconds": int, "activity": str}``.
* Conflicting actions (two moves, say) are all planned; the pipeline decides.

A file can carry ``[[test]]`` tables (a message and the actions it must
get); see :mod:`mailflow.rules.filetests`. Loading validates them with the
rest; :func:`run_tests` runs them and the daemon refuses a file whose tests
fail (:func:`test_problems`).

Loading validates everything (unknown keys, types, regexes, list and template
references, template syntax) and reports every problem of the file at once as
:class:`mailflow.errors.RulesSchemaError`, each a
:class:`mailflow.errors.Problem` with the file, line, rule and key path.
"""

from __future__ import annotations

from .filetests import TestResult, format_result, run_tests
from .loader import RulesContext, check_rules, load_rules, test_problems
from .ruleset import ACTION_KINDS, MatchContext, PlannedAction, Rule, RuleSet
from .templates import compile_template, render

__all__ = [
    "ACTION_KINDS",
    "MatchContext",
    "PlannedAction",
    "Rule",
    "RuleSet",
    "RulesContext",
    "TestResult",
    "check_rules",
    "compile_template",
    "format_result",
    "load_rules",
    "render",
    "run_tests",
    "test_problems",
]
