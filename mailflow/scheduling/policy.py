"""A client's scheduling policy, ``[clients.scheduling]`` in the config: when the executive can be booked.

Every key is optional; a client who sets none is bookable Monday to Friday,
9:00 to 17:00 in the client's time zone, at least 4 hours ahead and at most
60 days ahead, on the half hour, for 30 minutes::

    [clients.scheduling]
    buffer_before = "10m"            # kept free before every meeting already on the calendar
    buffer_after = "15m"             # ... and after it
    minimum_notice = "4h"            # no slot starts sooner than this from now
    booking_window = "60d"           # no slot ends later than this from now
    max_meetings_per_day = 5         # a day with this many meetings already offers nothing
    granularity = "30m"              # slots start on the hour and the half hour (local clock)
    default_duration = "30m"
    durations = { call = "30m", meeting = "1h", lunch = "1h30m" }
    preferred_times = ["09:00-12:00"]  # ranked first (then the rest), in this order of preference

    [clients.scheduling.working_hours]  # when given, a day not listed is a day off
    mon = ["09:00-12:00", "13:00-17:30"]
    tue = "09:00-17:00"
    wed = "09:00-17:00"
    thu = "09:00-17:00"
    fri = "09:00-13:00"

    [[clients.scheduling.overrides]]    # a holiday
    date = 2026-12-25
    off = true

    [[clients.scheduling.overrides]]    # travel: other hours, another time zone
    date = 2026-04-14
    through = 2026-04-17                # inclusive
    hours = ["08:00-12:00"]
    timezone = "Asia/Tokyo"

    [clients.scheduling.vip]
    bypass_buffers = true
    bypass_minimum_notice = true
    bypass_max_meetings_per_day = false

Durations are ``<number><unit>`` parts, ``d``, ``h``, ``m``, ``s`` in that order
(``"30m"``, ``"1h30m"``, ``"2d"``, ``"1d12h"``); the part under a day is read by
:func:`mailflow.rules.durations.parse_duration`. Whole days in
``minimum_notice`` and ``booking_window`` are calendar days in the executive's
time zone (the same clock time N days later, across a DST change too); hours
and minutes are elapsed time.

This module does not import :mod:`mailflow.config` (the config will import it
to attach the policy to a client), hence its own ``_Strict`` base with the
config's settings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from itertools import pairwise
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from ..errors import ConfigError
from ..rules.durations import DurationError, parse_duration

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""The keys of ``[clients.scheduling.working_hours]``, Monday first (``date.weekday()`` order)."""

_DAY = dt.timedelta(days=1)
_LONGEST_WINDOW = dt.timedelta(days=366)
_EXAMPLE = 'a duration like "30m", "1h30m" or "2d"'
_DAYS_PART = re.compile(r"\s*(\d+)\s*d", re.I)
_ZERO = re.compile(r"\s*(0+(\.0*)?|\.0+)\s*[dhms]?\s*", re.I)
_RANGE = re.compile(r"\s*(\d{1,2})(?::(\d{2}))?\s*[-–]\s*(\d{1,2})(?::(\d{2}))?\s*")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def parse_span(text: str) -> dt.timedelta:
    """``"30m"``, ``"1h30m"``, ``"2d"``, ``"1d12h"``, ``"0m"`` as a timedelta; ``ValueError`` (a sentence) if not."""
    if _ZERO.fullmatch(text):
        return dt.timedelta(0)
    days = 0
    rest = text
    match = _DAYS_PART.match(text)
    if match:
        days = int(match.group(1))
        rest = text[match.end() :]
    seconds = 0
    if rest.strip():
        try:
            seconds = parse_duration(rest)
        except DurationError as exc:
            if "at most 24h" in str(exc):
                raise ValueError(f'expects days for durations over 24h, like "2d" or "1d12h", got {text!r}') from None
            if "each at most once" in str(exc):
                raise ValueError(
                    f"expects days, hours, minutes, seconds in that order, each once, got {text!r}"
                ) from None
            raise ValueError(f"expects {_EXAMPLE}, got {text!r}") from None
    elif not match:
        raise ValueError(f"expects {_EXAMPLE}, got {text!r}")
    return dt.timedelta(days=days, seconds=seconds)


def format_span(span: dt.timedelta) -> str:
    """What :func:`parse_span` reads back: ``"2d"``, ``"1h30m"``, ``"0m"``."""
    if span < dt.timedelta(0):
        raise ValueError("a duration cannot be negative")
    hours, rest = divmod(span.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [(span.days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s")]
    return "".join(f"{n}{unit}" for n, unit in parts if n) or "0m"


def _read_span(value: Any) -> dt.timedelta:
    if isinstance(value, dt.timedelta):
        if value < dt.timedelta(0):
            raise ValueError("expects a duration, not a negative time")
        return value
    if isinstance(value, str):
        return parse_span(value)
    raise ValueError(f"expects {_EXAMPLE} (a string), got {value!r}")


Span = Annotated[dt.timedelta, BeforeValidator(_read_span), PlainSerializer(format_span, return_type=str)]
"""A duration written ``"30m"``, ``"1h"``, ``"2d"``; zero allowed; dumped back as text."""


def _at_most(limit: dt.timedelta, what: str = "") -> AfterValidator:
    def check(value: dt.timedelta) -> dt.timedelta:
        if value > limit:
            raise ValueError(f"expects at most {format_span(limit)}{what}, got {format_span(value)}")
        return value

    return AfterValidator(check)


def _positive(value: dt.timedelta) -> dt.timedelta:
    if value <= dt.timedelta(0):
        raise ValueError("expects a duration longer than zero")
    return value


Length = Annotated[Span, AfterValidator(_positive), _at_most(_DAY, " (a meeting must fit in one day)")]
"""A meeting length: more than zero, at most a day."""


def _clock(hours: str, minutes: str | None, text: str) -> int:
    h, m = int(hours), int(minutes or 0)
    if m > 59 or h > 24 or (h == 24 and m):
        raise ValueError(f"expects times from 00:00 to 24:00, got {text!r}")
    return h * 60 + m


class TimeRange(_Strict):
    """A stretch of a day on the wall clock, written ``"09:00-12:00"``; the end may be ``"24:00"``."""

    start: int = Field(ge=0, le=1439)  # minutes after midnight
    end: int = Field(ge=1, le=1440)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, TimeRange | dict):
            return value
        if not isinstance(value, str) or not (m := _RANGE.fullmatch(value)):
            raise ValueError(f'expects a time range like "09:00-17:00", got {value!r}')
        return {"start": _clock(m.group(1), m.group(2), value), "end": _clock(m.group(3), m.group(4), value)}

    @model_validator(mode="after")
    def _ordered(self) -> TimeRange:
        if self.start >= self.end:
            raise ValueError(f"{self}: expects the start before the end (a range cannot cross midnight)")
        return self

    @model_serializer
    def _to_text(self) -> str:
        return str(self)

    def __str__(self) -> str:
        return f"{self.start // 60:02d}:{self.start % 60:02d}-{self.end // 60:02d}:{self.end % 60:02d}"

    def __repr__(self) -> str:
        return f"TimeRange({str(self)!r})"


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _sorted_apart(ranges: tuple[TimeRange, ...]) -> tuple[TimeRange, ...]:
    ordered = tuple(sorted(ranges, key=lambda r: r.start))
    for a, b in pairwise(ordered):
        if b.start < a.end:
            raise ValueError(f"{a} overlaps {b}; the ranges of one day must not overlap")
    return ordered


DayHours = Annotated[tuple[TimeRange, ...], BeforeValidator(_one_or_many), AfterValidator(_sorted_apart)]
"""One day's working hours: ``"09:00-17:00"`` or a list of ranges that do not overlap; ``[]`` is a day off."""


class WeekHours(_Strict):
    """Working hours per weekday; a day not given is a day off."""

    mon: DayHours = ()
    tue: DayHours = ()
    wed: DayHours = ()
    thu: DayHours = ()
    fri: DayHours = ()
    sat: DayHours = ()
    sun: DayHours = ()

    @model_validator(mode="before")
    @classmethod
    def _known_days(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            unknown = [str(k) for k in value if k not in DAYS]
            if unknown:
                raise ValueError(f"unknown day {', '.join(map(repr, unknown))}: use {', '.join(DAYS)}")
        return value

    def on(self, weekday: int) -> tuple[TimeRange, ...]:
        """The ranges of a weekday, 0 for Monday as in ``date.weekday()``."""
        hours: tuple[TimeRange, ...] = getattr(self, DAYS[weekday])
        return hours


def office_hours() -> WeekHours:
    """The default week: Monday to Friday, 09:00-17:00."""
    return WeekHours.model_validate(dict.fromkeys(DAYS[:5], "09:00-17:00"))


def _zone_name(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}; use an IANA name such as 'America/New_York'") from None
    return value


class DateOverride(_Strict):
    """One date, or ``date`` through ``through`` (inclusive), off or with other hours or another time zone."""

    date: dt.date
    through: dt.date | None = None  # the last day, inclusive; None: the one date
    off: bool = False
    hours: DayHours | None = None  # None: the usual hours of that weekday
    timezone: str | None = None  # the hours are read in this zone (travel); None: the client's
    note: str = ""

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return _zone_name(value)

    @model_validator(mode="after")
    def _says_something(self) -> DateOverride:
        if self.through is not None and self.through < self.date:
            raise ValueError(f"through ({self.through}) expects a date on or after date ({self.date})")
        if self.off and (self.hours is not None or self.timezone is not None):
            raise ValueError("expects either off = true or hours/timezone, not both")
        if not self.off and self.hours is None and self.timezone is None:
            raise ValueError("expects off = true, hours or timezone (the override changes nothing)")
        return self

    @property
    def last(self) -> dt.date:
        return self.through or self.date

    def covers(self, day: dt.date) -> bool:
        return self.date <= day <= self.last

    def describe(self) -> str:
        span = f"{self.date}" if self.through is None else f"{self.date}..{self.through}"
        return f"{span} ({self.note})" if self.note else span


class VipOverrides(_Strict):
    """What a request for a VIP may skip (``find_slots(..., vip=True)``)."""

    bypass_buffers: bool = False
    bypass_minimum_notice: bool = False
    bypass_max_meetings_per_day: bool = False


class SchedulingPolicy(_Strict):
    """When a client may be booked; see the module docstring for the keys and defaults."""

    working_hours: WeekHours = Field(default_factory=office_hours)
    buffer_before: Annotated[Span, _at_most(_DAY)] = dt.timedelta(0)
    buffer_after: Annotated[Span, _at_most(_DAY)] = dt.timedelta(0)
    minimum_notice: Annotated[Span, _at_most(_LONGEST_WINDOW)] = dt.timedelta(hours=4)
    booking_window: Annotated[Span, AfterValidator(_positive), _at_most(_LONGEST_WINDOW)] = dt.timedelta(days=60)
    max_meetings_per_day: int | None = Field(default=None, ge=1)
    granularity: Annotated[Span, AfterValidator(_positive), _at_most(_DAY)] = dt.timedelta(minutes=30)
    default_duration: Length = dt.timedelta(minutes=30)
    durations: dict[str, Length] = Field(default_factory=dict)
    preferred_times: Annotated[tuple[TimeRange, ...], BeforeValidator(_one_or_many)] = ()
    overrides: tuple[DateOverride, ...] = ()
    vip: VipOverrides = Field(default_factory=VipOverrides)

    @field_validator("granularity")
    @classmethod
    def _whole_minutes(cls, value: dt.timedelta) -> dt.timedelta:
        if value % dt.timedelta(minutes=1):
            raise ValueError(f"expects whole minutes, like 15m or 30m, got {format_span(value)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> SchedulingPolicy:
        if self.booking_window <= self.minimum_notice:
            raise ValueError(
                f"booking_window ({format_span(self.booking_window)}) expects more than "
                f"minimum_notice ({format_span(self.minimum_notice)}): nothing could be booked"
            )
        ordered = sorted(self.overrides, key=lambda o: o.date)
        for a, b in pairwise(ordered):
            if b.date <= a.last:
                raise ValueError(f"overrides: {a.describe()} and {b.describe()} expect dates that do not overlap")
        return self

    def duration(self, kind: str | None = None) -> dt.timedelta:
        """The length of a meeting of this kind (a key of ``durations``), or ``default_duration``."""
        if kind is None:
            return self.default_duration
        try:
            return self.durations[kind]
        except KeyError:
            known = ", ".join(sorted(self.durations)) or "none"
            raise KeyError(f"no duration {kind!r} in the scheduling policy (durations: {known})") from None

    def override_for(self, day: dt.date) -> DateOverride | None:
        for override in self.overrides:
            if override.covers(day):
                return override
        return None

    def hours_on(self, day: dt.date, home: dt.tzinfo) -> tuple[dt.tzinfo, tuple[TimeRange, ...]]:
        """The zone a day's hours are read in and its ranges: the weekday's, or an override's."""
        override = self.override_for(day)
        if override is None:
            return home, self.working_hours.on(day.weekday())
        if override.off:
            return home, ()
        zone = ZoneInfo(override.timezone) if override.timezone else home
        hours = self.working_hours.on(day.weekday()) if override.hours is None else override.hours
        return zone, hours


def _where(loc: tuple[int | str, ...], prefix: str) -> str:
    out = prefix
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or "(top level)"


def parse_policy(data: Mapping[str, Any] | None, where: str = "scheduling") -> SchedulingPolicy:
    """Validate a ``[clients.scheduling]`` table; ``ConfigError`` lists every problem as ``key.path: message``."""
    try:
        return SchedulingPolicy.model_validate(dict(data or {}))
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key (check its spelling against the scheduling keys)"
            problems.append(f"{_where(tuple(err['loc']), where)}: {msg}")
        raise ConfigError(problems) from None
