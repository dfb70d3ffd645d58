"""The values the store trades in: messages and their planned actions, outcomes, time entries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["ActionRow", "Completed", "MessageRow", "Outcome", "PendingAction", "Settled", "TimeRow"]


@dataclass(slots=True)
class MessageRow:
    client: str
    account: str
    key: str
    folder: str
    locator: str
    status: str
    category: str | None = None
    subject: str | None = None
    sender: str | None = None
    reason: str | None = None
    actions: list[ActionRow] = field(default_factory=list)
    id: int | None = None


@dataclass(slots=True)
class ActionRow:
    key: str
    seq: int
    rule: str
    kind: str
    params: dict[str, Any]
    status: str = "planned"
    params_json: str | None = None  # ``params`` already encoded (canonical JSON), when the caller has it
    before: str | None = None  # compact JSON: what the action will change, as it is now (see mailflow.undo)


@dataclass(slots=True)
class PendingAction:
    """An action not yet done, with what is needed to apply it."""

    key: str
    message_id: int
    message_key: str
    folder: str
    locator: str
    subject: str | None
    seq: int
    rule: str
    kind: str
    params: dict[str, Any]
    status: str
    params_json: str | None = None  # ``params`` already encoded, when known
    before: str | None = None  # the state it changes, as it was when planned (compact JSON)


@dataclass(slots=True)
class TimeRow:
    client: str
    activity: str
    seconds: int
    source: str
    at: datetime
    account: str | None = None
    action_key: str | None = None
    message_key: str | None = None
    rule: str | None = None
    note: str | None = None
    billable: bool = True


@dataclass(slots=True)
class Outcome:
    """What happened to one action, recorded in one transaction with its side rows."""

    action: PendingAction
    status: str  # done | failed | skipped
    detail: str | None = None
    time: TimeRow | None = None


@dataclass(slots=True)
class Settled:
    """How the planned actions of some kinds went on some messages, decided per message.

    A message's keywords, flag and read state are written together, as is
    its move: the outcome is the message's, for all its planned actions of
    ``kinds``. The store finds those actions itself, so the pass need not
    hold them in memory until the write.
    """

    kinds: tuple[str, ...]
    done: list[int] = field(default_factory=list)  # message ids
    failed: dict[int, str] = field(default_factory=dict)  # message id -> what went wrong


@dataclass(slots=True)
class Completed:
    """What ``Store.complete`` recorded for settled messages: actions done by kind, and failed."""

    done: Counter[str] = field(default_factory=Counter)
    failed: int = 0
