"""Durations in the billing table: ``"6m"``, ``"1h30m"``, ``"90s"``, ``"1.5h"``, ``"0m"``.

The rules' own parser (:func:`mailflow.rules.durations.parse_duration`) adds up
floats and refuses zero; billing needs exact integer seconds and a zero
minimum, so this reads the same syntax with ``Decimal`` arithmetic.
"""

from __future__ import annotations

import re
from decimal import Decimal

_PART = re.compile(r"\s*(\d+(?:\.\d+)?|\.\d+)\s*([hms])", re.I)
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}
_ORDER = "hms"
_EXAMPLE = 'a duration like "6m", "1h30m" or "90s"'


def parse_seconds(text: str) -> int:
    """The whole number of seconds in ``text``; ``ValueError`` (a sentence for a person) if it is not one."""
    source = text.strip()
    if not source:
        raise ValueError(f"expected {_EXAMPLE}, got an empty string")
    pos = 0
    total = Decimal(0)
    last = -1
    while pos < len(source):
        match = _PART.match(source, pos)
        if match is None:
            raise ValueError(f"expected {_EXAMPLE}, got {text!r}")
        unit = match.group(2).lower()
        order = _ORDER.index(unit)
        if order <= last:
            raise ValueError(f"expected hours, then minutes, then seconds, each at most once, got {text!r}")
        last = order
        total += Decimal(match.group(1)) * _UNIT_SECONDS[unit]
        pos = match.end()
    if total != total.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number of seconds")
    return int(total)


def format_seconds(seconds: int) -> str:
    """``5400`` → ``"1h30m"``, ``90`` → ``"1m30s"``, ``0`` → ``"0m"``: what :func:`parse_seconds` reads back."""
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    out = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "") + (f"{secs}s" if secs else "")
    return out or "0m"
