"""The validated form of a rule: condition and action nodes, before compilation to closures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from .addresses import AddressList

AddressField = Literal["from", "to", "cc", "reply_to", "sender"]
TextField = Literal["subject", "body"]
ContextAttr = Literal["category", "account", "folder"]

# -- string and address tests --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Is:
    """Case-insensitive equality with any of ``values`` (lower case, stripped)."""

    values: frozenset[str]


@dataclass(frozen=True, slots=True)
class Contains:
    """Case-insensitive substring: any of ``needles`` (lower case)."""

    needles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Matches:
    """Any of ``patterns`` found (``re.search``) in the original text."""

    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class Domain:
    """The address's domain is one of ``domains`` or a subdomain of one."""

    domains: frozenset[str]


@dataclass(frozen=True, slots=True)
class InList:
    """The address is on a named ``[lists]`` list."""

    list: AddressList


@dataclass(frozen=True, slots=True)
class Name:
    """The display name contains any of ``needles`` (lower case)."""

    needles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Local:
    """The local part (before the ``@``) is one of ``values`` (lower case)."""

    values: frozenset[str]


StrTest = Is | Contains | Matches
AddressTest = Is | Contains | Matches | Domain | InList | Name | Local

# -- conditions -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Always:
    """No condition: matches every message."""


@dataclass(frozen=True, slots=True)
class TextCond:
    """``subject`` or ``body``: every test holds."""

    field: TextField
    tests: tuple[StrTest, ...]


@dataclass(frozen=True, slots=True)
class HeaderCond:
    """A header: some value passes every test; with ``exists`` set, only presence is checked."""

    name: str
    tests: tuple[StrTest, ...]
    exists: bool | None = None


@dataclass(frozen=True, slots=True)
class AddressCond:
    """An address field: some address in it passes every test (``is`` compares the address)."""

    field: AddressField
    tests: tuple[AddressTest, ...]


@dataclass(frozen=True, slots=True)
class AttachmentCond:
    """Some attachment (whose name and type match the patterns, if given) exists; or none, if not ``present``."""

    present: bool
    name: re.Pattern[str] | None = None
    type: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class Range:
    """``low <= value <= high``; an open end is None."""

    low: int | None = None
    high: int | None = None

    def holds(self, value: int) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


@dataclass(frozen=True, slots=True)
class AttachmentStats:
    """How many attachments, and their total size in bytes (decoded)."""

    count: Range | None = None
    total_size: Range | None = None


@dataclass(frozen=True, slots=True)
class SizeCond:
    """The whole message's size in bytes, as received."""

    size: Range


@dataclass(frozen=True, slots=True)
class WhenCond:
    """When the message was sent (its Date header, else when it is processed), in the client's time zone.

    ``dates``: first and last day (ISO ``YYYY-MM-DD``, either open); ``weekdays``:
    0 (Monday) to 6; ``minutes``: a time-of-day window as minutes after midnight,
    ``after`` to ``before`` (wrapping past midnight when ``after > before``).
    """

    dates: tuple[str | None, str | None] | None = None
    weekdays: frozenset[int] | None = None
    minutes: tuple[int | None, int | None] | None = None


ThreadFact = Literal["is_reply", "participants", "replied", "first_time_sender"]


@dataclass(frozen=True, slots=True)
class ThreadCond:
    """A fact about the message's thread or its sender.

    ``is_reply`` (an In-Reply-To or References header, or a ``Re:`` subject),
    ``participants`` (distinct addresses in From, To and Cc: ``count``), and,
    from the client's correspondent history, ``replied`` (the executive's own
    mail already answers this thread) and ``first_time_sender`` (mailflow has
    never seen mail from or to the sender). ``value`` is what must hold.
    """

    fact: ThreadFact
    value: bool = True
    count: Range | None = None


@dataclass(frozen=True, slots=True)
class RetainerCond:
    """The share of this month's retainer hours used, in percent (false for a client without a retainer)."""

    percent: Range


@dataclass(frozen=True, slots=True)
class ContextCond:
    """``category``, ``account`` or ``folder`` is one of ``values`` (lower case)."""

    attr: ContextAttr
    values: frozenset[str]


@dataclass(frozen=True, slots=True)
class AllOf:
    children: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    children: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class NotOf:
    child: Condition


Condition = (
    Always
    | TextCond
    | HeaderCond
    | AddressCond
    | AttachmentCond
    | AttachmentStats
    | SizeCond
    | WhenCond
    | ThreadCond
    | RetainerCond
    | ContextCond
    | AllOf
    | AnyOf
    | NotOf
)

# -- actions ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One planned action of a rule; ``params`` is JSON-serialisable (see PlannedAction)."""

    index: int
    kind: str
    params: dict[str, Any]
