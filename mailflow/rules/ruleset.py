"""A loaded rules file and its evaluation against one message."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any, Protocol

import jinja2

from ..message import Message
from .addresses import AddressList
from .compiler import Predicate
from .facts import Facts
from .filetests import TestSpec
from .index import Guard, RuleIndex
from .nodes import ActionSpec
from .templates import compile_template

ACTION_KINDS = (
    "label",
    "unlabel",
    "move",
    "archive",
    "flag",
    "mark_read",
    "draft_reply",
    "forward",
    "notify",
    "log_time",
)


class History(Protocol):
    """The client's correspondent history, as conditions ask it (see ``mailflow.store.history``)."""

    def known(self, address: str) -> bool:
        """Whether mail has come from, or gone to, this (lower-case) address before."""

    def replied(self, message: Message) -> bool:
        """Whether the executive's own mail already answers the thread ``message`` is in."""


@dataclass(frozen=True, slots=True)
class MatchContext:
    """A message and where it was seen: what conditions are tested against.

    ``zone`` is the client's time zone (``date``, ``weekday`` and ``time``
    conditions), ``history`` the client's correspondent history (``replied``,
    ``first_time_sender``); without one, every sender is a first-time sender
    and no thread has been replied to.
    """

    message: Message
    category: str
    account: str
    folder: str
    zone: tzinfo | None = None
    history: History | None = None
    retainer_used: float | None = None  # percent of this month's retainer hours used; None: no retainer


@dataclass(frozen=True)
class PlannedAction:
    """One action a matching rule asks for; executing it is the pipeline's job.

    ``kind`` is one of :data:`ACTION_KINDS`; ``params`` is a fresh,
    JSON-serialisable dict for each evaluation:

    * ``label``: ``{"labels": [str, ...]}``
    * ``move``: ``{"folder": str}``
    * ``archive``: ``{}``
    * ``flag``, ``mark_read``: ``{"on": bool}``
    * ``draft_reply``: ``{"template": str | None, "text": str | None, "reply_all": bool, "quote": bool}``
      (exactly one of ``template``/``text`` is set; see :meth:`RuleSet.draft_template`)
    * ``log_time``: ``{"seconds": int, "activity": str}`` (``activity`` defaults to ``"email"``)
    """

    rule: str
    rule_index: int
    index: int
    kind: str
    params: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict of every field."""
        return {
            "rule": self.rule,
            "rule_index": self.rule_index,
            "index": self.index,
            "kind": self.kind,
            "params": _copy(self.params),
        }


def _copy(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, list) else v for k, v in params.items()}


@dataclass(frozen=True)
class Rule:
    """One compiled ``[[rule]]``."""

    index: int
    name: str
    line: int | None
    actions: tuple[ActionSpec, ...]
    stop: bool
    uses_body: bool
    predicate: Predicate = field(repr=False, compare=False)
    guard: Guard | None = field(default=None, repr=False, compare=False)
    """What a message must have to match (see :mod:`~mailflow.rules.index`); None: always tried."""

    def matches(self, ctx: MatchContext) -> bool:
        """Whether this rule's conditions hold for ``ctx`` (evaluated on its own)."""
        return self.predicate(Facts(ctx))

    def plan(self) -> list[PlannedAction]:
        """This rule's actions, as planned when it matches."""
        return [PlannedAction(self.name, self.index, a.index, a.kind, _copy(a.params)) for a in self.actions]


class DraftAction(Protocol):
    """Anything that names a draft template: a planned action, or one read back from the ledger."""

    @property
    def kind(self) -> str: ...

    @property
    def params(self) -> Mapping[str, Any]: ...


@dataclass
class RuleSet:
    """A loaded, validated and compiled rules file.

    Rules are evaluated in file order; the actions of every matching rule are
    planned, in order; a matching rule with ``stop = true`` ends evaluation
    after its own actions.
    """

    path: Path
    version: int
    lists: dict[str, AddressList]
    templates: dict[str, jinja2.Template]
    rules: list[Rule]
    inline_templates: dict[str, jinja2.Template] = field(default_factory=dict, repr=False)
    tests: list[TestSpec] = field(default_factory=list, repr=False)  # the file's [[test]] tables
    zone: tzinfo | None = field(default=None, repr=False)  # the client's: where its [[test]] messages are dated
    _index: RuleIndex[Rule] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # ``rules`` is indexed once, here: it is not meant to change after loading.
        self._index = RuleIndex(self.rules, [rule.guard for rule in self.rules], [rule.stop for rule in self.rules])

    def evaluate(self, ctx: MatchContext) -> list[PlannedAction]:
        """The actions every matching rule plans for ``ctx``, in rule and then-list order.

        Only the rules the message's senders, recipients, category and text
        allow are tried (:class:`~mailflow.rules.index.RuleIndex`); the others
        could not match, so they could neither plan nor stop anything.
        """
        facts = Facts(ctx)
        plan: list[PlannedAction] = []
        for rule in self._index.select(facts):
            if rule.predicate(facts):
                plan.extend(rule.plan())
                if rule.stop:
                    break
        return plan

    def needs_body(self) -> bool:
        """Whether any rule reads the body (``body`` or ``has_attachment``): headers alone will not do."""
        return any(rule.uses_body for rule in self.rules)

    def template(self, name: str) -> jinja2.Template:
        """The compiled ``[templates]`` entry ``name``; KeyError if there is none."""
        try:
            return self.templates[name]
        except KeyError:
            raise KeyError(f"no template {name!r} in {self.path}") from None

    def draft_template(self, action: DraftAction) -> jinja2.Template:
        """The compiled template of a ``draft_reply``, ``notify`` or ``forward`` (its note) action, named or inline.

        Inline texts were compiled at load; one planned under an earlier
        version of the file (and resumed after a crash) is compiled now.
        """
        if action.kind not in ("draft_reply", "notify", "forward"):
            raise ValueError(f"{action.kind} action has no template")
        name = action.params.get("template")
        if name is not None:
            return self.template(str(name))
        text = str(action.params.get("text") or "")
        template = self.inline_templates.get(text)
        if template is None:
            template = self.inline_templates[text] = compile_template(text)
        return template
