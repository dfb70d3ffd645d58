"""Scheduling: a client's booking policy and the free slots it leaves in their calendars.

A pure library: no calendar is read and nothing is booked here. The policy is
the ``[clients.scheduling]`` table of the config (:class:`SchedulingPolicy`,
:mod:`mailflow.scheduling.policy`); :func:`find_slots` takes it with the busy
intervals of the executive's calendars and returns the free slots, ranked, and
:func:`spread` picks a few on different days to offer
(:mod:`mailflow.scheduling.slots`, which also says how DST is handled).
"""

from __future__ import annotations

from .policy import (
    DateOverride,
    SchedulingPolicy,
    TimeRange,
    VipOverrides,
    WeekHours,
    format_span,
    office_hours,
    parse_policy,
    parse_span,
)
from .slots import Interval, Slot, as_zone, find_slots, spread

__all__ = [
    "DateOverride",
    "Interval",
    "SchedulingPolicy",
    "Slot",
    "TimeRange",
    "VipOverrides",
    "WeekHours",
    "as_zone",
    "find_slots",
    "format_span",
    "office_hours",
    "parse_policy",
    "parse_span",
    "spread",
]
