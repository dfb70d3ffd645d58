"""The protocol every calendar connector implements, and the plain values it trades in.

It is owned by the core because booking and scheduling call it; connectors
implement it (``connectors.caldav.CalDavConnector`` today). One shape is
meant to serve CalDAV, Google Calendar and Microsoft Graph alike; how each
part maps onto them (CalDAV RFC 4791 / Google Calendar v3 / Microsoft Graph):

- calendar id: the collection's URL / ``calendarId`` / the calendar ``id``.
- ``Event.uid``: ``UID`` / ``iCalUID`` (chosen with ``events.import``, found
  with ``events.list(iCalUID=...)``) / ``iCalUId`` (found with
  ``$filter=iCalUId eq '...'``).
- ``Event.href``: the resource's URL / the event ``id`` / the event ``id``.
- ``Event.etag`` and conditional writes: ``getetag`` with ``If-None-Match: *``
  on create and ``If-Match`` on update and delete / the event ``etag`` with
  ``If-Match`` / ``@odata.etag`` with ``If-Match``; all three answer 412 to a
  stale one, which is ``Conflict`` here.
- ``busy``: the ``free-busy-query`` REPORT, else a ``calendar-query`` /
  ``freebusy.query`` / ``calendar/getSchedule``.
- ``events``: ``calendar-query`` with a ``time-range``, recurrences expanded /
  ``events.list(singleEvents=true, timeMin, timeMax)`` / ``calendarView``.
- ``status`` and ``transparent``: ``STATUS`` and ``TRANSP`` / ``status`` and
  ``transparency`` / ``isCancelled`` and ``showAs`` (``free`` is transparent).
- a tentative hold: ``STATUS:TENTATIVE``, ``TRANSP:OPAQUE`` and an
  ``X-MAILFLOW-HOLD`` property holding the key / ``status: tentative``,
  ``transparency: opaque`` and ``extendedProperties.private.mailflowHold``
  (found with ``privateExtendedProperty=mailflowHold=<key>``) /
  ``showAs: tentative`` and a single-value extended property (found with a
  ``$filter`` on it). Its UID is ``hold_uid(key)`` everywhere.
- ``sequence``: ``SEQUENCE`` / ``sequence`` / none (Graph keeps its own).
- ``cancel_event``: ``STATUS:CANCELLED`` with ``SEQUENCE`` + 1 / ``status:
  cancelled`` / ``POST /events/{id}/cancel``.
- ``invitations``: the owner's ``ATTENDEE`` has ``PARTSTAT=NEEDS-ACTION`` /
  the ``self`` attendee's ``responseStatus`` is ``needsAction`` /
  ``responseStatus.response`` is ``notResponded``.

Times are always aware datetimes. An all-day event has ``all_day`` set and
starts and ends at midnight in the calendar's time zone (its end is the
midnight after the last day, as iCalendar's exclusive ``DTEND`` is).

Writes are conditional, so two writers never silently overwrite each other:
creating an event whose UID is taken, or updating, cancelling or deleting one
that changed since it was read, raises ``Conflict``; the caller reads it again
and decides. ``busy`` covers one calendar; merging several calendars (and
several accounts) into one view happens in the scheduling code, with
``merge_busy``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from .errors import Conflict
from .model import Address

HOLD_PROPERTY = "X-MAILFLOW-HOLD"
_HOLD_NAMESPACE = uuid.UUID("0b7d6a52-3f0e-5b8e-9d3c-6d61696c666c")


class EventStatus(StrEnum):
    """``STATUS`` of an event (RFC 5545 section 3.8.1.11)."""

    CONFIRMED = "CONFIRMED"
    TENTATIVE = "TENTATIVE"
    CANCELLED = "CANCELLED"


class PartStat(StrEnum):
    """An attendee's answer, ``PARTSTAT`` (RFC 5545 section 3.2.12)."""

    NEEDS_ACTION = "NEEDS-ACTION"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    TENTATIVE = "TENTATIVE"
    DELEGATED = "DELEGATED"


class Role(StrEnum):
    """An attendee's ``ROLE`` (RFC 5545 section 3.2.16)."""

    CHAIR = "CHAIR"
    REQUIRED = "REQ-PARTICIPANT"
    OPTIONAL = "OPT-PARTICIPANT"
    NON_PARTICIPANT = "NON-PARTICIPANT"


class BusyType(StrEnum):
    """How busy an interval is, ``FBTYPE`` (RFC 5545 section 3.2.9); free time is simply absent."""

    BUSY = "BUSY"
    TENTATIVE = "BUSY-TENTATIVE"
    UNAVAILABLE = "BUSY-UNAVAILABLE"


@dataclass(frozen=True, slots=True)
class Attendee:
    """One invitee: ``ATTENDEE;CN=...;ROLE=...;PARTSTAT=...;RSVP=...:mailto:...``."""

    email: str
    name: str = ""
    partstat: PartStat = PartStat.NEEDS_ACTION
    role: Role = Role.REQUIRED
    rsvp: bool = True


def _require_aware(what: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime, got {value!r}")


@dataclass(frozen=True, slots=True)
class Event:
    """One event, or one occurrence of a recurring event (then ``recurrence_id`` is set).

    ``etag`` and ``href`` are where the provider stored it, as last read;
    ``update_event``, ``cancel_event`` and ``delete_event`` send ``etag`` back
    so that a change made meanwhile is detected. ``rrule`` is the ``RRULE``
    value of a series (``FREQ=WEEKLY;COUNT=10``), read and written as is.
    """

    uid: str
    summary: str
    start: datetime
    end: datetime
    attendees: tuple[Attendee, ...] = ()
    organizer: Address | None = None
    status: EventStatus = EventStatus.CONFIRMED
    sequence: int = 0
    etag: str | None = None
    href: str | None = None
    all_day: bool = False
    transparent: bool = False
    description: str = ""
    location: str = ""
    rrule: str | None = None
    recurrence_id: datetime | None = None
    hold_key: str | None = None

    def __post_init__(self) -> None:
        _require_aware("start", self.start)
        _require_aware("end", self.end)
        if self.end < self.start:
            raise ValueError(f"event {self.uid!r} ends ({self.end}) before it starts ({self.start})")
        if self.sequence < 0:
            raise ValueError(f"event {self.uid!r}: SEQUENCE must not be negative")

    @property
    def busy_type(self) -> BusyType | None:
        """How this event fills its time: None when it does not (transparent or cancelled)."""
        if self.transparent or self.status is EventStatus.CANCELLED:
            return None
        return BusyType.TENTATIVE if self.status is EventStatus.TENTATIVE else BusyType.BUSY

    def attendee(self, email: str) -> Attendee | None:
        """The attendee with this address (compared without case), if invited."""
        wanted = email.lower()
        return next((a for a in self.attendees if a.email.lower() == wanted), None)


@dataclass(frozen=True, slots=True)
class BusyInterval:
    """A stretch of busy time in one calendar, ``[start, end)``."""

    start: datetime
    end: datetime
    type: BusyType = BusyType.BUSY

    def __post_init__(self) -> None:
        _require_aware("start", self.start)
        _require_aware("end", self.end)
        if self.end <= self.start:
            raise ValueError(f"busy interval ends ({self.end}) at or before it starts ({self.start})")


@dataclass(frozen=True, slots=True)
class CalendarInfo:
    """One calendar of the account, as discovery lists it."""

    id: str  # what every other call takes: a CalDAV collection URL, a Google calendarId, a Graph calendar id
    name: str
    components: tuple[str, ...] = ("VEVENT",)
    timezone: str | None = None  # the IANA zone its floating and all-day times are read in
    read_only: bool = False


def hold_uid(key: str) -> str:
    """The UID of the hold made with ``key``: the same in every connector, so making it twice finds the first."""
    return f"hold-{uuid.uuid5(_HOLD_NAMESPACE, key)}@mailflow"


def merge_busy(intervals: Iterable[BusyInterval]) -> list[BusyInterval]:
    """Overlapping or touching intervals of the same type joined, sorted by start.

    Intervals of different types are kept apart (a tentative hour inside a
    busy afternoon is still reported), as a free-busy answer does.
    """
    merged: list[BusyInterval] = []
    by_type: dict[BusyType, list[BusyInterval]] = {}
    for interval in intervals:
        by_type.setdefault(interval.type, []).append(interval)
    for kind, group in by_type.items():
        group.sort(key=lambda i: (i.start, i.end))
        current = group[0]
        for interval in group[1:]:
            if interval.start <= current.end:
                if interval.end > current.end:
                    current = BusyInterval(current.start, interval.end, kind)
            else:
                merged.append(current)
                current = interval
        merged.append(current)
    merged.sort(key=lambda i: (i.start, i.end, i.type))
    return merged


@runtime_checkable
class CalendarConnector(Protocol):
    """One calendar account (all its calendars), opened for a pass.

    Every call that takes ``calendar`` takes a ``CalendarInfo.id``. Ranges
    are half-open, ``[start, end)``, and must be aware datetimes. Errors are
    ``mailflow.errors`` classes: ``AuthError``, ``TransientError`` (and
    ``RateLimited``), ``NotFound``, ``PermanentError``, and ``Conflict`` for
    a failed precondition.
    """

    account: str

    def open(self) -> None:
        """Connect, authenticate and discover the calendars; raises ``AuthError`` or ``TransientError``."""

    def close(self) -> None:
        """Release the connection; never raises."""

    def calendars(self) -> list[CalendarInfo]:
        """The account's calendars that can hold events."""

    def busy(self, calendar: str, start: datetime, end: datetime) -> list[BusyInterval]:
        """The busy time in ``[start, end)`` of one calendar, in UTC, merged per type and clipped to the range.

        Recurring events count with each occurrence; transparent and
        cancelled events do not count; tentative ones (holds) are
        ``BusyType.TENTATIVE``.
        """

    def events(self, calendar: str, start: datetime, end: datetime) -> list[Event]:
        """The events overlapping ``[start, end)``, recurring ones expanded into occurrences, sorted by start."""

    def find_event(self, calendar: str, uid: str) -> Event | None:
        """The event (the series, for a recurring one) with this UID, with its ETag; None if absent."""

    def create_event(self, calendar: str, event: Event) -> str:
        """Store a new event under its UID; returns its ETag. ``Conflict`` if the UID is taken."""

    def update_event(self, calendar: str, event: Event) -> str:
        """Replace the stored event with ``event`` if it still has ``event.etag``; returns the new ETag.

        Properties this model does not carry (alarms, overridden
        occurrences, other X- properties) are kept. ``SEQUENCE`` is stored
        as given: bump it when attendees must be told again (RFC 5546).
        ``Conflict`` if the event changed since it was read.
        """

    def cancel_event(self, calendar: str, event: Event) -> str:
        """Mark the event ``CANCELLED`` with ``SEQUENCE`` + 1 (it stays, as RFC 5546 wants); returns the new ETag."""

    def delete_event(self, calendar: str, uid: str, etag: str) -> bool:
        """Remove the event if it still has ``etag``; False if it was already gone. ``Conflict`` if it changed."""

    def hold(self, calendar: str, key: str, start: datetime, end: datetime, summary: str = "Hold") -> Event:
        """A tentative, opaque placeholder marked with ``key``; making the same hold twice returns the first."""

    def find_hold(self, calendar: str, key: str) -> Event | None:
        """The hold made with ``key``, if it is still there."""

    def release_hold(self, calendar: str, key: str) -> bool:
        """Remove the hold made with ``key``; False if there was none."""

    def invitations(self, calendar: str, start: datetime, end: datetime) -> list[Event]:
        """Events in the range that wait for the account owner's answer (their ``PARTSTAT`` is ``NEEDS-ACTION``).

        One per UID: the series, not each occurrence.
        """


__all__ = [
    "HOLD_PROPERTY",
    "Attendee",
    "BusyInterval",
    "BusyType",
    "CalendarConnector",
    "CalendarInfo",
    "Conflict",
    "Event",
    "EventStatus",
    "PartStat",
    "Role",
    "hold_uid",
    "merge_busy",
]
