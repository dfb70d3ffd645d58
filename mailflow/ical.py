"""``mailflow.calendars.Event`` in iCalendar (RFC 5545): a VEVENT read into an Event and written from one.

``from_vevent`` reads a VEVENT (``event_times``: DTSTART, DTEND or DURATION,
all-day dates), ``apply_event`` writes an Event over one, keeping what the
model does not carry (alarms, X- properties, EXDATEs, attendees' other
parameters), and ``ical_document`` wraps components in a VCALENDAR with a
VTIMEZONE for each zone used. Times with an IANA zone are written with
``TZID``; other aware times in UTC. Floating times and dates that come in are
read in the ``timezone`` the caller gives (UTC unless told). The invitations
by email (``mailflow.imip``), the recurrence expansion
(``mailflow.recurrence``) and the CalDAV connector build on this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

import icalendar

from .calendars import HOLD_PROPERTY, Attendee, Event, EventStatus, PartStat, Role
from .model import Address

_E = TypeVar("_E", bound=StrEnum)

PRODID = "-//mailflow//mailflow calendar//EN"
_TIMEZONE_YEARS_RECURRING = 10  # a VTIMEZONE for a recurring event covers this many years after it


def utc_stamp(value: datetime) -> str:
    """An instant in iCalendar's UTC form, ``20261204T150000Z``."""
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _ical_time(value: datetime) -> datetime:
    """An aware time iCalendar can write: kept in its IANA zone (``TZID``), else turned into UTC."""
    zone = value.tzinfo
    if isinstance(zone, ZoneInfo) and zone.key not in ("UTC", "Etc/UTC"):
        return value
    return value.astimezone(UTC)


def localize(value: date | datetime, zone: tzinfo) -> datetime:
    """A DTSTART-like value as an aware datetime: dates at midnight and floating times in ``zone``."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    return datetime.combine(value, time(), zone)


def add_duration(start: datetime, duration: timedelta) -> datetime:
    """``start`` plus an iCalendar duration: whole days on the wall clock, the rest in elapsed time.

    RFC 5545 section 3.3.6: ``P1D`` across a DST change is still the same
    time the next day, while ``PT24H`` is 24 real hours.
    """
    days = timedelta(days=duration.days)
    rest = duration - days
    wall = start + days  # aware arithmetic with one tzinfo keeps the wall-clock time
    return (wall.astimezone(UTC) + rest).astimezone(wall.tzinfo)


def _address_email(value: object) -> str:
    text = str(value).strip()
    return text[7:] if text.lower().startswith("mailto:") else text


def params_of(value: object) -> dict[str, str]:
    params = getattr(value, "params", None)
    if params is None:
        return {}
    return {str(k).upper(): str(v) for k, v in params.items()}


def as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def text_of(component: icalendar.Component, name: str) -> str:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return "" if value is None else str(value)


def enum_or(kind: type[_E], value: str | None, fallback: _E) -> _E:
    """An enum member by value; unknown and x-name values count as ``fallback`` (RFC 5545 says so)."""
    try:
        return kind((value or "").upper())
    except ValueError:
        return fallback


def attendee_of(value: object) -> Attendee:
    params = params_of(value)
    return Attendee(
        email=_address_email(value),
        name=params.get("CN", ""),
        partstat=enum_or(PartStat, params.get("PARTSTAT"), PartStat.NEEDS_ACTION),
        role=enum_or(Role, params.get("ROLE"), Role.REQUIRED),
        rsvp=params.get("RSVP", "FALSE").upper() == "TRUE",
    )


def cal_address(email_address: str, params: dict[str, str]) -> icalendar.vCalAddress:
    value = icalendar.vCalAddress(f"mailto:{email_address}")
    for key, item in params.items():
        value.params[key] = item
    return value


def attendee_params(attendee: Attendee, *, rsvp: bool = True) -> dict[str, str]:
    params = {"CUTYPE": "INDIVIDUAL", "ROLE": str(attendee.role), "PARTSTAT": str(attendee.partstat)}
    if rsvp:
        params["RSVP"] = "TRUE" if attendee.rsvp else "FALSE"
    if attendee.name:
        params["CN"] = attendee.name
    return params


def date_value(component: icalendar.Component, name: str) -> date | datetime | None:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    found = getattr(value, "dt", None)
    return found if isinstance(found, date) else None


def duration_value(component: icalendar.Component) -> timedelta | None:
    value = component.get("DURATION")
    found = getattr(value, "dt", None)
    return found if isinstance(found, timedelta) else None


def event_times(component: icalendar.Component, zone: tzinfo) -> tuple[datetime, datetime, bool]:
    """``(start, end, all_day)`` of a VEVENT, aware; ``DURATION`` and a missing ``DTEND`` as RFC 5545 says."""
    raw_start = date_value(component, "DTSTART")
    if raw_start is None:
        raise ValueError(f"VEVENT {text_of(component, 'UID')!r} has no DTSTART")
    all_day = not isinstance(raw_start, datetime)
    start = localize(raw_start, zone)
    raw_end = date_value(component, "DTEND")
    duration = duration_value(component)
    if raw_end is not None:
        end = localize(raw_end, start.tzinfo or zone)
    elif duration is not None:
        end = add_duration(start, duration)
    else:
        end = add_duration(start, timedelta(days=1)) if all_day else start  # section 3.6.1
    return start, max(start, end), all_day


def organizer_of(component: icalendar.Component) -> Address | None:
    value = component.get("ORGANIZER")
    if value is None:
        return None
    return Address(name=params_of(value).get("CN", ""), email=_address_email(value))


def sequence_of(component: icalendar.Component) -> int:
    try:
        return max(0, int(str(component.get("SEQUENCE", 0))))
    except ValueError:
        return 0


def recurrence_id_of(component: icalendar.Component, zone: tzinfo) -> datetime | None:
    value = date_value(component, "RECURRENCE-ID")
    return localize(value, zone) if value is not None else None


def from_vevent(
    component: icalendar.Component,
    *,
    timezone: tzinfo = UTC,
    etag: str | None = None,
    href: str | None = None,
) -> Event:
    """The ``Event`` a VEVENT describes; floating times and dates are read in ``timezone``.

    Raises ``ValueError`` when it has no DTSTART.
    """
    start, end, all_day = event_times(component, timezone)
    rules = as_list(component.get("RRULE"))
    hold = component.get(HOLD_PROPERTY)
    return Event(
        uid=text_of(component, "UID"),
        summary=text_of(component, "SUMMARY"),
        start=start,
        end=end,
        attendees=tuple(attendee_of(a) for a in as_list(component.get("ATTENDEE"))),
        organizer=organizer_of(component),
        status=enum_or(EventStatus, text_of(component, "STATUS"), EventStatus.CONFIRMED),
        sequence=sequence_of(component),
        etag=etag,
        href=href,
        all_day=all_day,
        transparent=text_of(component, "TRANSP").upper() == "TRANSPARENT",
        description=text_of(component, "DESCRIPTION"),
        location=text_of(component, "LOCATION"),
        rrule=rules[0].to_ical().decode() if rules else None,
        recurrence_id=recurrence_id_of(component, timezone),
        hold_key=str(hold) if hold is not None else None,
    )


def _set(component: icalendar.Component, name: str, value: object, params: dict[str, str] | None = None) -> None:
    component.pop(name, None)
    if value is not None and value != "":
        component.add(name, value, parameters=params or {})


def apply_event(component: icalendar.Component, event: Event, *, stamp: datetime | None = None) -> None:
    """Write ``event`` over a VEVENT, keeping what the model does not carry (alarms, X- properties, EXDATEs).

    Attendees keep the parameters of theirs the model lacks (``DELEGATED-FROM``,
    ``X-NUM-GUESTS`` ...); ``DTSTAMP`` and ``LAST-MODIFIED`` become ``stamp``.
    """
    now = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    _set(component, "UID", event.uid)
    _set(component, "DTSTAMP", now)
    _set(component, "LAST-MODIFIED", now)
    _set(component, "SUMMARY", event.summary)
    component.pop("DURATION", None)
    if event.all_day:
        _set(component, "DTSTART", event.start.date())
        _set(component, "DTEND", max(event.end.date(), event.start.date() + timedelta(days=1)))
    else:
        _set(component, "DTSTART", _ical_time(event.start))
        _set(component, "DTEND", _ical_time(event.end))
    if event.recurrence_id is not None:
        recurrence = event.recurrence_id.date() if event.all_day else _ical_time(event.recurrence_id)
        _set(component, "RECURRENCE-ID", recurrence)
    _set(component, "STATUS", str(event.status))
    _set(component, "SEQUENCE", event.sequence)
    _set(component, "TRANSP", "TRANSPARENT" if event.transparent else "OPAQUE")
    _set(component, "DESCRIPTION", event.description)
    _set(component, "LOCATION", event.location)
    if event.rrule:
        _set(component, "RRULE", icalendar.vRecur.from_ical(event.rrule))
    else:
        component.pop("RRULE", None)
    _set(component, HOLD_PROPERTY, event.hold_key)
    if event.organizer is not None:
        params = {"CN": event.organizer.name} if event.organizer.name else {}
        _set(component, "ORGANIZER", cal_address(event.organizer.email, params))
    else:
        component.pop("ORGANIZER", None)
    before = {_address_email(a).lower(): params_of(a) for a in as_list(component.get("ATTENDEE"))}
    component.pop("ATTENDEE", None)
    for attendee in event.attendees:
        params = {**before.get(attendee.email.lower(), {}), **attendee_params(attendee)}
        if not attendee.name:
            params.pop("CN", None)
        component.add("ATTENDEE", cal_address(attendee.email, params))


def to_vevent(event: Event, *, stamp: datetime | None = None) -> icalendar.Event:
    """A new VEVENT for ``event`` (``DTSTAMP`` is ``stamp``, now by default)."""
    component = icalendar.Event()
    apply_event(component, event, stamp=stamp)
    return component


def _time_span(components: Iterable[icalendar.Component]) -> tuple[date, date]:
    """The first and last dates the VTIMEZONEs of these components must cover (recurring ones go on for years)."""
    dates: list[date] = []
    recurring = False
    for component in components:
        recurring = recurring or "RRULE" in component or "RDATE" in component
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
            value = date_value(component, name)
            if value is not None:
                dates.append(value.date() if isinstance(value, datetime) else value)
    if not dates:
        dates = [datetime.now(UTC).date()]
    first, last = min(dates), max(dates)
    years = _TIMEZONE_YEARS_RECURRING if recurring else 1
    return first - timedelta(days=31), date(last.year + years, 12, 31)


def add_timezones(document: icalendar.Calendar) -> None:
    """Add a VTIMEZONE for each TZID the document uses and lacks (RFC 5545 section 3.6.5 wants them)."""
    first, last = _time_span(c for c in document.walk() if c.name != "VTIMEZONE")
    document.add_missing_timezones(first, last)


def ical_document(components: Sequence[icalendar.Component], *, method: str | None = None) -> icalendar.Calendar:
    """A VCALENDAR around the components, with PRODID, VERSION, METHOD and a VTIMEZONE per TZID used."""
    document = icalendar.Calendar()
    document.add("PRODID", PRODID)
    document.add("VERSION", "2.0")
    document.add("CALSCALE", "GREGORIAN")
    if method:
        document.add("METHOD", method)
    for component in components:
        document.add_component(component)
    add_timezones(document)
    return document


def to_text(document: icalendar.Calendar) -> str:
    return cast(bytes, document.to_ical()).decode("utf-8")


__all__ = [
    "PRODID",
    "add_duration",
    "add_timezones",
    "apply_event",
    "as_list",
    "attendee_of",
    "attendee_params",
    "cal_address",
    "date_value",
    "duration_value",
    "enum_or",
    "event_times",
    "from_vevent",
    "ical_document",
    "localize",
    "organizer_of",
    "params_of",
    "recurrence_id_of",
    "sequence_of",
    "text_of",
    "to_text",
    "to_vevent",
    "utc_stamp",
]
