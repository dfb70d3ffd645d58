"""Recurring events expanded into their occurrences (RFC 5545 RRULE, RDATE, EXDATE, RECURRENCE-ID).

A CalDAV server may expand recurrences itself (``C:expand``), but that is
optional and servers differ in how they apply it, so the CalDAV connector
reads the stored objects and expands them here: RRULE, RDATE and EXDATE with
dateutil's rrule, in the event's own time zone, so a 09:00 New York meeting
stays at 09:00 across a DST change, and overridden occurrences
(``RECURRENCE-ID``) replace the ones they override. The
``RANGE=THISANDFUTURE`` parameter is not applied. Floating times and all-day
dates are read in the zone the caller gives.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, cast

import icalendar
from dateutil import rrule as _rrule  # type: ignore[import-untyped]  # python-dateutil ships no type hints

from .calendars import Event
from .ical import add_duration, as_list, duration_value, from_vevent, localize, utc_stamp

__all__ = ["MAX_OCCURRENCES", "occurrences"]

log = logging.getLogger("mailflow.recurrence")

MAX_OCCURRENCES = 10_000  # per recurring event and query, as Radicale's own default


def _overlaps(start: datetime, end: datetime, range_start: datetime, range_end: datetime) -> bool:
    """RFC 4791 section 9.9: a zero-length event overlaps when it starts inside the range."""
    if start == end:
        return range_start <= start < range_end
    return start < range_end and end > range_start


def _rule_start(raw: date | datetime) -> datetime:
    """DTSTART as dateutil wants it: aware times as they are, floating times and dates naive."""
    return raw if isinstance(raw, datetime) else datetime.combine(raw, time())


def _normalize_until(rule: str, aware: bool, zone: tzinfo) -> str:
    """Make UNTIL as aware as DTSTART (RFC 5545 wants UTC then; files in the wild disagree, and dateutil minds)."""
    parts = rule.split(";")
    for index, part in enumerate(parts):
        name, _, value = part.partition("=")
        if name.upper() != "UNTIL":
            continue
        utc = value.upper().endswith("Z")
        if aware and not utc:
            if len(value) == 8:
                local = datetime.combine(datetime.strptime(value, "%Y%m%d").date(), time(23, 59, 59))
            else:
                local = datetime.strptime(value, "%Y%m%dT%H%M%S")
            parts[index] = "UNTIL=" + utc_stamp(local.replace(tzinfo=zone))
        elif not aware and utc:
            moment = datetime.strptime(value[:-1], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
            parts[index] = "UNTIL=" + moment.astimezone(zone).strftime("%Y%m%dT%H%M%S")
    return ";".join(parts)


def _date_values(component: icalendar.Component, name: str) -> list[Any]:
    """The decoded values of a multi-valued date property (EXDATE, RDATE): dates, datetimes or periods."""
    return [item.dt for prop in as_list(component.get(name)) for item in getattr(prop, "dts", [])]


def _recurrence_starts(
    master: icalendar.Component,
    zone: tzinfo,
    window_start: datetime,
    window_end: datetime,
    limit: int,
) -> list[datetime]:
    """The original starts of a series' occurrences that begin in ``[window_start, window_end]``, aware.

    EXDATEs are removed; DTSTART itself is always an occurrence (RFC 5545
    section 3.8.5.3). Floating times and dates are read in ``zone``.
    """
    raw = master.get("DTSTART").dt
    start = _rule_start(raw)
    aware = start.tzinfo is not None
    local_zone = start.tzinfo if aware else zone
    assert local_zone is not None
    rules = [r.to_ical().decode() for r in as_list(master.get("RRULE"))]
    recurrences = _rrule.rruleset()
    for text in rules:
        recurrences.rrule(_rrule.rrulestr(_normalize_until(text, aware, local_zone), dtstart=start))
    for value in [start, *_date_values(master, "RDATE")]:
        if isinstance(value, tuple):  # a PERIOD: its start
            value = value[0]
        moment = _rule_start(value)
        if aware and moment.tzinfo is None:
            moment = moment.replace(tzinfo=local_zone)
        elif not aware and moment.tzinfo is not None:
            moment = moment.astimezone(zone).replace(tzinfo=None)
        recurrences.rdate(moment)
    if aware:
        low, high = window_start.astimezone(UTC), window_end.astimezone(UTC)
    else:
        low = window_start.astimezone(zone).replace(tzinfo=None)
        high = window_end.astimezone(zone).replace(tzinfo=None)
    excluded = {localize(v, local_zone).astimezone(UTC) for v in _date_values(master, "EXDATE")}
    starts: list[datetime] = []
    for found in recurrences.xafter(low, count=limit, inc=True):
        when = cast(datetime, found)
        if when > high:
            break
        moment = localize(when if isinstance(raw, datetime) else when.date(), zone)
        if moment.astimezone(UTC) not in excluded:
            starts.append(moment)
    if len(starts) >= limit:
        log.warning("event %s: only its first %d occurrences in the range are used", master.get("UID"), limit)
    return starts


def occurrences(
    vevents: Sequence[icalendar.Component],
    zone: tzinfo,
    start: datetime,
    end: datetime,
    *,
    limit: int = MAX_OCCURRENCES,
    etag: str | None = None,
    href: str | None = None,
) -> list[Event]:
    """The events, and the occurrences of the recurring ones, that overlap ``[start, end)``.

    ``vevents`` are one calendar object's VEVENTs: a series and the
    occurrences it overrides (``RECURRENCE-ID``), which replace the ones
    they override. Floating times and dates are read in ``zone``; at most
    ``limit`` occurrences of a series are used. ``etag`` and ``href`` are
    given to each event found.
    """
    found: list[Event] = []
    overrides = [c for c in vevents if "RECURRENCE-ID" in c]
    replaced = set()
    for component in overrides:
        event = from_vevent(component, timezone=zone, etag=etag, href=href)
        assert event.recurrence_id is not None
        replaced.add((event.uid, event.recurrence_id.astimezone(UTC)))
        if _overlaps(event.start, event.end, start, end):
            found.append(event)
    for component in vevents:
        if "RECURRENCE-ID" in component:
            continue
        series = from_vevent(component, timezone=zone, etag=etag, href=href)
        if "RRULE" not in component and "RDATE" not in component:
            if _overlaps(series.start, series.end, start, end):
                found.append(series)
            continue
        length = _occurrence_length(component, series)
        window_start = (start.astimezone(UTC) - length.exact - timedelta(days=length.days + 1)).astimezone(UTC)
        for occurrence in _recurrence_starts(component, zone, window_start, end, limit):
            if (series.uid, occurrence.astimezone(UTC)) in replaced:
                continue
            occurrence_end = length.after(occurrence)
            if _overlaps(occurrence, occurrence_end, start, end):
                found.append(replace(series, start=occurrence, end=occurrence_end, recurrence_id=occurrence))
    return found


@dataclass(frozen=True)
class _Length:
    """How long each occurrence lasts: whole days on the wall clock plus elapsed time."""

    days: int
    exact: timedelta

    def after(self, start: datetime) -> datetime:
        return add_duration(start, timedelta(days=self.days) + self.exact)


def _occurrence_length(component: icalendar.Component, series: Event) -> _Length:
    """RFC 5545 section 3.8.5.3: a DTEND gives every occurrence the same exact duration; DURATION is nominal."""
    value = duration_value(component)
    if value is not None:
        return _Length(value.days, value - timedelta(days=value.days))
    if series.all_day:
        return _Length((series.end.date() - series.start.date()).days, timedelta(0))
    return _Length(0, series.end.astimezone(UTC) - series.start.astimezone(UTC))
