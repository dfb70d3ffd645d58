"""Durations written by people: ``"90s"``, ``"2m"``, ``"1h"``, ``"1h30m"``, ``"1.5h"``.

A duration is one or more ``<number><unit>`` parts, units ``h``, ``m`` and
``s`` in that order, each at most once, spaces allowed between parts
(``"1h 30m"``). The result is a whole number of seconds (rounded), which is
what :class:`~mailflow.rules.PlannedAction` carries for ``log_time``: integer
seconds add up exactly, where float minutes would not.
"""

from __future__ import annotations

import re
from decimal import Decimal

MAX_SECONDS = 24 * 3600
"""The longest duration a rule may log; anything longer is almost surely a typo."""

_PART = re.compile(r"\s*(\d+(?:\.\d+)?|\.\d+)\s*([hms])", re.I)
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}
_ORDER = "hms"


class DurationError(ValueError):
    """A duration string that cannot be read; the message says why, for a person."""


class DurationSyntax(DurationError):
    """What ``scan`` found wrong: ``reason`` is ``"empty"``, ``"syntax"`` or ``"order"``; callers word it."""

    def __init__(self, reason: str, text: str) -> None:
        self.reason = reason
        self.text = text
        super().__init__(f"{reason}: {text!r}")


def scan(text: str) -> Decimal:
    """The exact number of seconds ``<number><unit>`` parts add up to (``"1h 30m"``, ``"1.5h"``, ``"90s"``).

    Units ``h``, ``m``, ``s`` in that order, each at most once. The one reader
    of this syntax: the rules' durations (below), billing's
    (``mailflow.billing.durations``) and, after its days, the scheduling
    policy's (``mailflow.scheduling.policy.parse_span``).
    """
    source = text.strip()
    if not source:
        raise DurationSyntax("empty", text)
    pos = 0
    total = Decimal(0)
    last_unit = -1
    while pos < len(source):
        m = _PART.match(source, pos)
        if m is None:
            raise DurationSyntax("syntax", text)
        unit = m.group(2).lower()
        order = _ORDER.index(unit)
        if order <= last_unit:
            raise DurationSyntax("order", text)
        last_unit = order
        total += Decimal(m.group(1)) * _UNIT_SECONDS[unit]
        pos = m.end()
    return total


def parse_duration(text: str) -> int:
    """The number of seconds in ``text``; raises :class:`DurationError` if it is not a duration."""
    try:
        seconds = round(scan(text))
    except DurationSyntax as exc:
        if exc.reason == "empty":
            raise DurationError('expects a duration like "2m", "1h30m" or "1.5h", got an empty string') from None
        if exc.reason == "order":
            raise DurationError(f"expects hours, then minutes, then seconds, each at most once, got {text!r}") from None
        raise DurationError(f'expects a duration like "2m", "1h30m" or "1.5h", got {text!r}') from None
    if seconds < 1:
        raise DurationError(f"must be at least one second, got {text!r}")
    if seconds > MAX_SECONDS:
        raise DurationError(f"must be at most 24h, got {text!r}")
    return seconds
