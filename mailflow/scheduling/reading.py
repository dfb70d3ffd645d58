"""What the meeting-request reader returns: a :class:`Reading`, its :class:`When`, windows, days and attendees."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal
from zoneinfo import ZoneInfo

__all__ = [
    "NO_MEETING",
    "Attendee",
    "AttendeeSource",
    "Day",
    "Kind",
    "Reading",
    "When",
    "Window",
    "ZoneSource",
]

Kind = Literal["request", "pick", "counter", "decline", "none"]
ZoneSource = Literal["place", "abbreviation", "date-header"]
AttendeeSource = Literal["to", "cc", "body"]


# -- the reading -----------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Window:
    """A part of the day, wall clock: ``12:00-17:00``."""

    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def __contains__(self, moment: object) -> bool:
        return isinstance(moment, time) and self.start <= moment <= self.end


@dataclass(frozen=True)
class Day:
    """One candidate day, optionally within a part of the day or at a time (never both)."""

    on: date
    window: Window | None = None
    at: time | None = None

    def __str__(self) -> str:
        if self.at is not None:
            return f"{self.on.isoformat()} {self.at:%H:%M}"
        if self.window is not None:
            return f"{self.on.isoformat()} {self.window}"
        return self.on.isoformat()


@dataclass(frozen=True)
class When:
    """When the sender can meet, as written, relative to the message's date.

    ``days`` are the days named (ruled-out ones removed), in the order written;
    ``earliest``/``latest`` a range (either end may be open); ``window`` and
    ``at`` a part of the day or a time for the range, or for the whole request
    when no day is named; ``excluded`` the days ruled out. Times and windows
    are wall clock in ``tz``.
    """

    tz: str
    days: tuple[Day, ...] = ()
    earliest: date | None = None
    latest: date | None = None
    window: Window | None = None
    at: time | None = None
    excluded: tuple[date, ...] = ()

    def starts(self) -> list[datetime]:
        """The explicit start times, aware, in ``tz``: the wall clock on that date, across a DST change too."""
        zone = ZoneInfo(self.tz)
        return [datetime.combine(d.on, d.at, zone) for d in self.days if d.at is not None]

    def normalized(self) -> dict[str, Any]:
        """A JSON-ready form: ``{"days": ["2026-11-03 14:00"], "range": [...], "window", "at", "not", "tz"}``."""
        has_range = self.earliest is not None or self.latest is not None
        return {
            "days": [str(d) for d in self.days],
            "range": [_iso(self.earliest), _iso(self.latest)] if has_range else None,
            "window": str(self.window) if self.window else None,
            "at": f"{self.at:%H:%M}" if self.at else None,
            "not": [d.isoformat() for d in self.excluded],
            "tz": self.tz,
        }


@dataclass(frozen=True)
class Attendee:
    """Someone else to invite: from the To or Cc headers, or named in the text."""

    name: str
    email: str | None
    source: AttendeeSource

    def __str__(self) -> str:
        return self.email or self.name


@dataclass(frozen=True)
class Reading:
    """What a message asks for; ``kind == "none"`` reads as nothing at all.

    ``choice`` is the 1-based index of the proposed slot a pick chose, when
    known; ``evidence`` the phrases read, for a person to check.
    """

    kind: Kind
    duration: int | None = None
    when: When | None = None
    timezone: str | None = None
    timezone_source: ZoneSource | None = None
    attendees: tuple[Attendee, ...] = ()
    topic: str | None = None
    choice: int | None = None
    evidence: tuple[str, ...] = field(default=(), compare=False)

    def normalized(self) -> dict[str, Any]:
        """A JSON-ready form, the one ``bench/scheduling_requests.json`` expects."""
        return {
            "kind": self.kind,
            "duration": self.duration,
            "tz": self.timezone,
            "when": self.when.normalized() if self.when else None,
            "attendees": sorted(str(a) for a in self.attendees),
            "topic": self.topic,
            "choice": self.choice,
        }


NO_MEETING = Reading(kind="none")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
