"""From raw seconds to billed minutes: the increment, the mode, the minimum, per entry or per day.

Billed time is always whole minutes. Per entry, an entry's billed minutes are
its raw time rounded to the increment, raised to the minimum. Per day, each
entry is first raised to the minimum, the day's sum is rounded once, and the
day's billed minutes are shared among its entries in proportion to their
time (largest remainder, ties to the earlier entry), so that activities and
sources still add up to the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo
from typing import Literal

from .config import BillingConfig
from .entries import Entry

__all__ = ["Rounding", "bill_minutes", "round_seconds", "share"]

Rounding = Literal["up", "nearest", "down"]


def round_seconds(seconds: int, increment_minutes: int, mode: Rounding) -> int:
    """``seconds`` as whole minutes, a multiple of ``increment_minutes``; ``"nearest"`` rounds halves up."""
    if seconds < 0 or increment_minutes < 1:
        raise ValueError("seconds must be >= 0 and the increment at least one minute")
    step = increment_minutes * 60
    if mode == "up":
        steps = -(-seconds // step)
    elif mode == "down":
        steps = seconds // step
    else:
        steps = (2 * seconds + step) // (2 * step)
    return steps * increment_minutes


def share(total: int, weights: Sequence[int]) -> list[int]:
    """``total`` split into whole parts proportional to ``weights`` (largest remainder; ties to the first)."""
    weight = sum(weights)
    if weight == 0:
        if total:
            raise ValueError("cannot share a non-zero total among zero weights")
        return [0 for _ in weights]
    parts = [total * w // weight for w in weights]
    remainders = [total * w % weight for w in weights]
    left = total - sum(parts)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        parts[index] += 1
    return parts


def bill_minutes(config: BillingConfig, zone: tzinfo, entries: Sequence[Entry]) -> list[int]:
    """The billed minutes of each entry, in the order given; 0 for an entry that is not billable."""
    least = config.minimum_minutes * 60
    floors = [
        max(e.seconds, least) if e.seconds > 0 and e.billable and config.bills(e.activity) else 0 for e in entries
    ]
    if config.round_per == "entry":
        return [
            max(round_seconds(e.seconds, config.increment_minutes, config.rounding), config.minimum_minutes)
            if floor
            else 0
            for e, floor in zip(entries, floors, strict=True)
        ]
    days: dict[date, list[int]] = {}
    for index, (entry, floor) in enumerate(zip(entries, floors, strict=True)):
        if floor:
            days.setdefault(entry.day(zone), []).append(index)
    billed = [0 for _ in entries]
    for indexes in days.values():
        weights = [floors[i] for i in indexes]
        day_total = round_seconds(sum(weights), config.increment_minutes, config.rounding)
        for i, minutes in zip(indexes, share(day_total, weights), strict=True):
            billed[i] = minutes
    return billed
