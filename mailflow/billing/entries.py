"""One piece of logged time, as billing sees it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, Literal, cast

from .errors import BillingError

__all__ = ["Entry", "Source"]

Source = Literal["auto", "manual"]


@dataclass(frozen=True)
class Entry:
    """A time entry: raw seconds as logged (never rounded), when, on what, and whether it is billable."""

    at: datetime
    seconds: int
    activity: str
    source: Source
    billable: bool = True
    note: str | None = None
    rule: str | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise BillingError(f"entry at {self.at.isoformat()}: the time has no zone (store times are UTC)")
        if isinstance(self.seconds, bool) or not isinstance(self.seconds, int) or self.seconds < 0:
            raise BillingError(f"entry at {self.at.isoformat()}: seconds must be a whole number >= 0")
        if self.source not in ("auto", "manual"):
            raise BillingError(f"entry at {self.at.isoformat()}: source must be 'auto' or 'manual'")

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Entry:
        """An entry from a ``time_entries`` row (``Store.time_entries``); billable unless the row says not."""
        return cls(
            at=row["at"],
            seconds=int(row["seconds"]),
            activity=str(row["activity"]),
            source=cast(Source, row["source"]),
            billable=bool(row.get("billable", True)),
            note=row.get("note"),
            rule=row.get("rule"),
        )

    def day(self, zone: tzinfo) -> date:
        """The calendar day of the entry in the client's time zone."""
        return self.at.astimezone(zone).date()
