"""Durations in the billing table: ``"6m"``, ``"1h30m"``, ``"90s"``, ``"1.5h"``, ``"0m"``.

The syntax is read by :func:`mailflow.rules.durations.scan` (exact, in
``Decimal``); the rules' ``parse_duration`` rounds and refuses zero and more
than 24h, while billing needs exact whole seconds and allows a zero minimum.
"""

from __future__ import annotations

from ..rules.durations import DurationSyntax, scan

_EXAMPLE = 'a duration like "6m", "1h30m" or "90s"'


def parse_seconds(text: str) -> int:
    """The whole number of seconds in ``text``; ``ValueError`` (a sentence for a person) if it is not one."""
    try:
        total = scan(text)
    except DurationSyntax as exc:
        if exc.reason == "empty":
            raise ValueError(f"expected {_EXAMPLE}, got an empty string") from None
        if exc.reason == "order":
            raise ValueError(f"expected hours, then minutes, then seconds, each at most once, got {text!r}") from None
        raise ValueError(f"expected {_EXAMPLE}, got {text!r}") from None
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
