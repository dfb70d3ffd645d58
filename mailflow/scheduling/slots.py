"""Free slots: when the executive could meet, from their calendars' busy times and their scheduling policy.

:func:`find_slots` merges the busy intervals of every calendar (and tentative
holds, busy unless told otherwise), keeps the policy's buffers around them, and
returns every slot of the requested length that lies in working hours, starts
no sooner than the minimum notice, ends within the booking window, on a day
under the meeting limit, and starts on the granularity; ranked by the policy's
preferred times, then soonest first. :func:`spread` picks a few of them on
different days, as an assistant offers options.

Time zones and DST
------------------

Working hours are wall-clock times of each day in the zone that day is read in
(the client's, or a travel override's). An instant is working time when the
clock on the wall shows a time within one of the day's ranges on that date;
nothing is computed by adding hours across a change. So 9:00 is 9:00 local on
both sides of a DST change (14:00 UTC the Friday before the US change, 13:00
UTC the Monday after), and on the day itself:

* a **nonexistent** time (spring forward, 2:00-3:00 in New York on 2026-03-08)
  is never shown by the clock: it is no working time and no slot starts there.
  A range ``01:00-05:00`` that day holds three real hours; one that starts in
  the gap (``02:30-04:00``) starts at the jump, 3:00 EDT.
* an **ambiguous** time (fall back, 1:00-2:00 in New York on 2026-11-01) is
  shown twice, and both count: a range ``00:00-03:00`` that day holds four
  real hours, and slots start at 1:00 EDT and again at 1:00 EST (their
  :meth:`Slot.describe` tells them apart by the zone's abbreviation).

Slots start where the day's clock shows a multiple of the granularity after
midnight; their length is elapsed time (a 30-minute call across a change lasts
30 minutes). Whole days in the minimum notice and the booking window are
calendar days in the client's zone (the same clock time N days later; a time
that does not exist that day becomes the instant the clock jumps).

The rules, exactly
------------------

* Busy intervals from all calendars and holds are merged (sort and sweep);
  each blocks ``[start - buffer_before, end + buffer_after)``: a slot never ends
  less than ``buffer_before`` before a busy interval starts, nor starts less
  than ``buffer_after`` after one ends. Touching is allowed.
* ``max_meetings_per_day``: a day offers nothing when that many distinct busy
  intervals (the same start and end on two calendars count once) overlap its
  working day, from the start of its first range to the end of its last.
* A VIP request (``vip=True``) skips what ``[clients.scheduling.vip]`` allows.

Zones are zoneinfo zones or fixed offsets (``datetime.timezone``). The cost is
a conversion and a sort of the busy intervals, one sweep, and a bisect per
working range, with no per-minute loop: a few milliseconds for four weeks, ten
calendars and 2,000 events (``bench/slots_bench.py``).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from .policy import SchedulingPolicy, TimeRange

Interval = tuple[datetime, datetime]
"""A busy interval: start and end, aware datetimes, the end after (or at) the start."""

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_EARLIEST_OFFSET = 14 * 3600  # the first instant of a local day is at most 14 h before its UTC midnight
_LATEST_OFFSET = 12 * 3600  # and its last at most 12 h after the next UTC midnight
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Segment = tuple[int, int, int]  # [start, end) in UTC seconds, and the zone's UTC offset in seconds throughout


@dataclass(frozen=True, slots=True)
class Slot:
    """A time the executive could meet: start and end in UTC, the zone of the day's hours, and a rank.

    ``start`` and ``end`` are aware UTC datetimes, so comparing and subtracting
    them is right across DST (Python compares and subtracts two datetimes of
    the *same* zone on the wall clock); ``local_start`` and ``local_end`` are
    the same instants in ``zone``. ``rank`` is the index of the first of the
    policy's ``preferred_times`` that holds the whole slot on the local clock
    (0 is the most preferred), or the number of preferred times when none does.
    """

    start: datetime
    end: datetime
    zone: tzinfo
    rank: int = 0

    def __post_init__(self) -> None:
        if self.start.tzinfo is not UTC or self.end.tzinfo is not UTC:  # a slot made by hand, from local times
            _timestamp(self.start, "slot start")
            _timestamp(self.end, "slot end")
            object.__setattr__(self, "start", self.start.astimezone(UTC))
            object.__setattr__(self, "end", self.end.astimezone(UTC))

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(self.zone)

    @property
    def day(self) -> date:
        """The date whose working hours hold the slot."""
        return self.local_start.date()

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def describe(self, zone: tzinfo | str | None = None, other: tzinfo | str | None = None) -> str:
        """``"Tue 3 Mar, 14:00-14:30 GMT (9:00-9:30 EST)"``: in ``zone`` (default the slot's), then in ``other``.

        The second zone gets its own date when it differs; it is left out when it
        reads exactly as the first.
        """
        first_zone = self.zone if zone is None else as_zone(zone)
        start, end = self.start.astimezone(first_zone), self.end.astimezone(first_zone)
        text = _span_text(start, end, with_date=True)
        if other is None:
            return text
        other_zone = as_zone(other)
        o_start, o_end = self.start.astimezone(other_zone), self.end.astimezone(other_zone)
        second = _span_text(o_start, o_end, with_date=o_start.date() != start.date())
        if second == _span_text(start, end, with_date=False):
            return text
        return f"{text} ({second})"


def as_zone(zone: tzinfo | str) -> tzinfo:
    """A tzinfo from an IANA name (``"Europe/Berlin"``) or a tzinfo."""
    return ZoneInfo(zone) if isinstance(zone, str) else zone


def _clock(moment: datetime) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


def _abbreviation(moment: datetime) -> str:
    name = moment.tzname() or ""
    if name[:1] in ("+", "-") or not name:
        offset = moment.utcoffset() or timedelta(0)
        sign = "-" if offset < timedelta(0) else "+"
        hours, rest = divmod(abs(int(offset.total_seconds())), 3600)
        return f"UTC{sign}{hours}" + (f":{rest // 60:02d}" if rest else "")
    return name


def _day_text(moment: datetime) -> str:
    return f"{_WEEKDAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]}"


def _span_text(start: datetime, end: datetime, *, with_date: bool) -> str:
    text = f"{_day_text(start)}, " if with_date else ""
    text += _clock(start)
    if start.tzname() != end.tzname():
        text += " " + _abbreviation(start)
    if end.date() == start.date():
        text += "-" + _clock(end)
    elif end.date() == start.date() + timedelta(days=1) and (end.hour, end.minute) == (0, 0):
        text += "-24:00"
    else:
        text += f"-{_WEEKDAYS[end.weekday()]} {_clock(end)}"
    return f"{text} {_abbreviation(end)}"


def _offset(zone: tzinfo, t: int) -> int:
    offset = datetime.fromtimestamp(t, zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _first_change(zone: tzinfo, lo: int, hi: int, offset: int) -> int:
    """The first second in ``(lo, hi]`` whose offset is not ``offset``, given that ``hi``'s is not."""
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _offset(zone, mid) == offset:
            lo = mid
        else:
            hi = mid
    return hi


@lru_cache(maxsize=4096)
def _day_segments(zone: tzinfo, midnight: int) -> tuple[Segment, ...]:
    """The stretches of constant UTC offset that cover every instant whose local date can be this day."""
    lo, hi = midnight - _EARLIEST_OFFSET, midnight + 86400 + _LATEST_OFFSET
    out: list[Segment] = []
    offset = _offset(zone, lo)
    while _offset(zone, hi - 1) != offset:
        change = _first_change(zone, lo, hi - 1, offset)
        out.append((lo, change, offset))
        lo, offset = change, _offset(zone, change)
    out.append((lo, hi, offset))
    return tuple(out)


@dataclass(slots=True)
class _Window:
    """A stretch of working time of one day, and its parts of constant UTC offset."""

    start: int
    end: int
    parts: list[Segment]


def _windows(ranges: tuple[TimeRange, ...], segments: tuple[Segment, ...], midnight: int) -> list[_Window]:
    """The instants whose wall clock shows a time in one of ``ranges`` on the day starting at local ``midnight``."""
    pieces: list[Segment] = []
    for r in ranges:
        local_start, local_end = midnight + r.start * 60, midnight + r.end * 60
        for seg_start, seg_end, offset in segments:
            a, b = max(seg_start, local_start - offset), min(seg_end, local_end - offset)
            if a < b:
                pieces.append((a, b, offset))
    pieces.sort()
    windows: list[_Window] = []
    for a, b, offset in pieces:
        if windows and a <= windows[-1].end:
            windows[-1].end = max(windows[-1].end, b)
            windows[-1].parts.append((a, b, offset))
        else:
            windows.append(_Window(a, b, [(a, b, offset)]))
    return windows


def _timestamp(moment: datetime, what: str) -> float:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} {moment.isoformat()} has no time zone: expected an aware datetime")
    return moment.timestamp()


def _first_instant_at(local: datetime, zone: tzinfo) -> float:
    """The first instant the clock in ``zone`` shows ``local`` (naive) or later."""
    early, late = local.replace(tzinfo=zone), local.replace(tzinfo=zone, fold=1)
    t0, t1 = early.timestamp(), late.timestamp()
    if t0 <= t1:  # an ordinary time, or an ambiguous one: its first occurrence
        return t0
    lo, hi = math.floor(t1), math.ceil(t0)  # a time in a gap: the instant the clock jumps
    return float(_first_change(zone, lo, hi, _offset(zone, lo)))


def _later(now: datetime, span: timedelta, zone: tzinfo) -> float:
    """``now`` plus ``span``, whole days as calendar days in ``zone`` and the rest as elapsed time."""
    base = now.timestamp()
    if span.days:
        local = now.astimezone(zone).replace(tzinfo=None) + timedelta(days=span.days)
        base = _first_instant_at(local, zone)
    return base + span.seconds + span.microseconds / 1e6


def _busy(
    busy: Mapping[str, Iterable[Interval]] | Iterable[Iterable[Interval]], holds: Iterable[Interval]
) -> list[tuple[float, float]]:
    """Every distinct busy interval, as UTC seconds, sorted."""
    calendars = busy.items() if isinstance(busy, Mapping) else enumerate(busy)
    sources: list[tuple[object, Iterable[Interval]]] = [*calendars, ("holds", holds)]
    seen: set[tuple[float, float]] = set()
    add = seen.add
    for name, intervals in sources:
        if isinstance(intervals, tuple) and intervals and isinstance(intervals[0], datetime):
            raise TypeError(f"busy expects a list of intervals for each calendar, got one interval as calendar {name}")
        for start, end in intervals:
            if start.tzinfo is None or end.tzinfo is None:
                raise ValueError(
                    f"calendar {name}: busy interval {start.isoformat()}..{end.isoformat()} has no time zone: "
                    "expected aware datetimes"
                )
            a, b = start.timestamp(), end.timestamp()
            if b < a:
                raise ValueError(f"calendar {name}: busy interval ends ({end.isoformat()}) before it starts")
            add((a, b))
    return sorted(seen)


def _blocked(events: list[tuple[float, float]], before: float, after: float) -> tuple[list[float], list[float]]:
    """The merged, disjoint intervals the buffered busy times cover: their starts and their ends."""
    starts: list[float] = []
    ends: list[float] = []
    for s, e in events:
        s, e = s - before, e + after
        if ends and s <= ends[-1]:
            if e > ends[-1]:
                ends[-1] = e
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


def _free(a: float, b: float, starts: list[float], ends: list[float]) -> Iterable[tuple[float, float]]:
    i = bisect_right(ends, a)
    cursor = a
    while i < len(starts) and starts[i] < b:
        if starts[i] > cursor:
            yield cursor, starts[i]
        cursor = max(cursor, ends[i])
        i += 1
    if cursor < b:
        yield cursor, b


def _offset_at(parts: list[Segment], t: float) -> int:
    for a, b, offset in parts:
        if a <= t <= b:
            return offset
    return parts[-1][2]


def find_slots(
    policy: SchedulingPolicy,
    zone: tzinfo | str,
    busy: Mapping[str, Iterable[Interval]] | Iterable[Iterable[Interval]],
    *,
    now: datetime,
    duration: timedelta | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
    holds: Iterable[Interval] = (),
    holds_busy: bool = True,
    vip: bool = False,
    limit: int | None = None,
) -> list[Slot]:
    """Every free slot of ``duration`` (default the policy's) from ``first_day`` to ``last_day``, best first.

    ``zone`` is the client's time zone; ``busy`` holds the busy intervals of each
    calendar (a mapping of calendar name to intervals, or a list of lists);
    ``holds`` are tentative holds, busy unless ``holds_busy`` is false. The days
    are dates in the client's zone (a travel override reads its own), inclusive,
    by default from today to the end of the booking window; ``now`` (aware) is
    where the minimum notice and the window count from. Slots are ranked by
    :attr:`Slot.rank`, then by start; ``limit`` keeps the first ones.
    """
    home = as_zone(zone)
    _timestamp(now, "now")
    length = policy.default_duration if duration is None else duration
    if length <= timedelta(0):
        raise ValueError(f"duration expects a length above zero, got {length}")
    dur = length.total_seconds()
    perks = policy.vip if vip else None
    before = 0.0 if perks and perks.bypass_buffers else policy.buffer_before.total_seconds()
    after = 0.0 if perks and perks.bypass_buffers else policy.buffer_after.total_seconds()
    notice = timedelta(0) if perks and perks.bypass_minimum_notice else policy.minimum_notice
    most = None if perks and perks.bypass_max_meetings_per_day else policy.max_meetings_per_day
    earliest = _later(now, notice, home)
    latest = _later(now, policy.booking_window, home)
    first_day = first_day or now.astimezone(home).date()
    last_day = last_day or datetime.fromtimestamp(latest, home).date()
    # A travel day's zone can put its hours up to two dates away from the client's.
    first_day = max(first_day, datetime.fromtimestamp(earliest, home).date() - timedelta(days=2))
    last_day = min(last_day, datetime.fromtimestamp(latest, home).date() + timedelta(days=2))

    events = _busy(busy, holds if holds_busy else ())
    blocked_starts, blocked_ends = _blocked(events, before, after)
    event_starts = [s for s, _ in events]
    event_ends = sorted(e for _, e in events)
    step = int(policy.granularity.total_seconds())
    preferred = [(r.start * 60, r.end * 60) for r in policy.preferred_times]

    found: list[tuple[int, int, int, tzinfo]] = []  # rank, start (UTC seconds), day order, zone
    for n in range((last_day - first_day).days + 1):
        day = first_day + timedelta(days=n)
        day_zone, ranges = policy.hours_on(day, home)
        if not ranges:
            continue
        midnight = (day.toordinal() - _EPOCH_ORDINAL) * 86400
        windows = _windows(ranges, _day_segments(day_zone, midnight), midnight)
        if not windows:
            continue
        if most is not None:
            lo, hi = windows[0].start, windows[-1].end
            if bisect_left(event_starts, hi) - bisect_right(event_ends, lo) >= most:
                continue
        for window in windows:
            a, b = max(window.start, earliest), min(window.end, latest)
            if b - a < dur:
                continue
            for free_start, free_end in _free(a, b, blocked_starts, blocked_ends):
                last_start = free_end - dur
                if last_start < free_start:
                    continue
                for part_start, part_end, offset in window.parts:
                    lo_t = max(free_start, part_start)
                    t = midnight - offset + math.ceil((lo_t + offset - midnight) / step) * step
                    stop = min(part_end - 1, last_start)
                    if not preferred:
                        found.extend((0, start, n, day_zone) for start in range(t, math.floor(stop) + 1, step))
                        continue
                    while t <= stop:
                        clock_start = t + offset - midnight
                        end = t + dur
                        clock_end = end + (offset if end <= part_end else _offset_at(window.parts, end)) - midnight
                        rank = len(preferred)
                        for i, (p, q) in enumerate(preferred):
                            if p <= clock_start and clock_end <= q:
                                rank = i
                                break
                        found.append((rank, t, n, day_zone))
                        t += step

    found.sort(key=lambda f: (f[0], f[1], f[2]))
    slots: list[Slot] = []
    seen: set[int] = set()
    for rank, start, _, day_zone in found:
        if limit is not None and len(slots) >= limit:
            break
        if start in seen:  # two days' hours can cover the same instant when a travel zone overlaps home
            continue
        seen.add(start)
        slots.append(Slot(datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(start + dur, UTC), day_zone, rank))
    return slots


def spread(slots: Iterable[Slot], count: int = 3, *, min_gap: timedelta = timedelta(hours=2)) -> list[Slot]:
    """``count`` options from ranked ``slots``, on as many different days as there are, in time order.

    First the best slot of each day, taking days in the order their best slot
    is ranked (so, with the default ranking, the soonest days with a preferred
    time); when there are fewer days than ``count``, more slots of the same
    days, best first, each at least ``min_gap`` away from every option already
    taken. Fewer than ``count`` come back rather than near-duplicates.
    """
    ranked = list(slots)
    chosen: list[Slot] = []
    days: set[date] = set()
    for slot in ranked:
        if len(chosen) >= count:
            break
        if slot.day not in days:
            chosen.append(slot)
            days.add(slot.day)
    for slot in ranked:
        if len(chosen) >= count:
            break
        if all(slot.start - c.end >= min_gap or c.start - slot.end >= min_gap for c in chosen):
            chosen.append(slot)
    return sorted(chosen, key=lambda s: s.start)
