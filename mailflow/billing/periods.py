"""Calendar months and date ranges, in the client's time zone."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

__all__ = ["Month", "Period"]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    """One calendar month: ``Month(2026, 11)``, written ``"2026-11"``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.year <= 9998:
            raise ValueError(f"not a month: {self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """``"2026-11"`` → ``Month(2026, 11)``; ``ValueError`` for anything else."""
        match = _MONTH.match(text.strip())
        if match is None:
            raise ValueError(f"expected a month as YYYY-MM, for example 2026-11, got {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, self.days)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def months_until(self, other: Month) -> int:
        """How many months ``other`` is after this one (negative if before)."""
        return (other.year - self.year) * 12 + other.month - self.month

    def period(self) -> Period:
        return Period(self.first_day, self.last_day)


@dataclass(frozen=True)
class Period:
    """The days from ``start`` to ``end``, both included, as the client's calendar counts them."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a period cannot end ({self.end}) before it starts ({self.start})")

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    @property
    def month(self) -> Month | None:
        """The month this period is exactly, or ``None``."""
        whole = Month.of(self.start)
        return whole if self == whole.period() else None

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def bounds(self, zone: tzinfo) -> tuple[datetime, datetime]:
        """The period as aware datetimes ``[start, end)``: what to ask the store for."""
        start = datetime.combine(self.start, time(), tzinfo=zone)
        end = datetime.combine(self.end + timedelta(days=1), time(), tzinfo=zone)
        return start, end
