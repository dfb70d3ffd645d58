"""A client's statement for a period: every entry raw and billed, the totals, the amount.

Raw time is what was logged and is never changed; billed time is computed
here, when reporting, by the client's :class:`~mailflow.billing.BillingConfig`.
Non-billable entries count in the raw totals and bill nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .config import BillingConfig
from .entries import Entry
from .errors import BillingError, PeriodError
from .money import per_minute
from .periods import Month, Period
from .retainer import RetainerStatement, RolloverLot, retainer_month
from .rounding import bill_minutes

__all__ = ["EntryLine", "Statement", "Totals", "build_statement", "hours_of", "minutes_of", "statement_chain"]

_CENTI = Decimal("0.01")


def minutes_of(seconds: int) -> Decimal:
    """Seconds as minutes, to two decimal places (half up): ``450`` → ``Decimal("7.50")``."""
    return (Decimal(seconds) / 60).quantize(_CENTI, rounding=ROUND_HALF_UP)


def hours_of(minutes: int) -> Decimal:
    """Minutes as hours, to two decimal places (half up): ``90`` → ``Decimal("1.50")``."""
    return (Decimal(minutes) / 60).quantize(_CENTI, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class EntryLine:
    """One entry of the statement: its raw time and its billed minutes."""

    entry: Entry
    day: date  # in the client's time zone
    billable: bool  # the entry's flag and the plan's non_billable_activities together
    billed_minutes: int

    @property
    def raw_seconds(self) -> int:
        return self.entry.seconds

    @property
    def raw_minutes(self) -> Decimal:
        return minutes_of(self.entry.seconds)


@dataclass(frozen=True)
class Totals:
    """Raw and billed time of a group of entries; ``amount`` where the group has a price of its own."""

    entries: int
    raw_seconds: int  # every entry, billable or not
    billable_seconds: int  # raw seconds of the billable entries
    billed_minutes: int
    amount: Decimal | None = None

    @property
    def raw_minutes(self) -> Decimal:
        return minutes_of(self.raw_seconds)

    @property
    def billed_hours(self) -> Decimal:
        return hours_of(self.billed_minutes)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "entries": self.entries,
            "raw_seconds": self.raw_seconds,
            "raw_minutes": self.raw_minutes,
            "billable_minutes": minutes_of(self.billable_seconds),
            "billed_minutes": self.billed_minutes,
        }
        if self.amount is not None:
            data["amount"] = str(self.amount)
        return data


def _totals(lines: Iterable[EntryLine], amount: Decimal | None = None) -> Totals:
    group = list(lines)
    return Totals(
        entries=len(group),
        raw_seconds=sum(line.raw_seconds for line in group),
        billable_seconds=sum(line.raw_seconds for line in group if line.billable),
        billed_minutes=sum(line.billed_minutes for line in group),
        amount=amount,
    )


@dataclass(frozen=True)
class Statement:
    """A period's billing: lines, totals (overall, by activity, by source), the amount, the retainer month."""

    config: BillingConfig
    period: Period
    lines: tuple[EntryLine, ...]
    total: Totals
    by_activity: Mapping[str, Totals]
    by_source: Mapping[str, Totals]
    amount: Decimal
    retainer: RetainerStatement | None = None

    @property
    def currency(self) -> str:
        return self.config.currency

    @property
    def plan(self) -> str:
        return self.config.plan

    def to_json(self, zone: tzinfo | None = None) -> dict[str, Any]:
        """The statement as JSON values; minutes are ``Decimal`` (write it with :func:`json_dumps`), money strings.

        ``total_minutes`` is the raw total, as ``mailflow time report`` has
        always printed it; ``billed_minutes`` and ``amount`` stand beside it.
        """
        currency = self.currency

        def when(line: EntryLine) -> str:
            at = line.entry.at.astimezone(zone) if zone else line.entry.at
            return at.isoformat(timespec="seconds")

        data: dict[str, Any] = {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "plan": self.plan,
            "currency": currency,
            "rate": str(self.config.rate) if self.config.rate is not None else None,
            "entries": [
                {
                    "at": when(line),
                    "activity": line.entry.activity,
                    "source": line.entry.source,
                    "billable": line.billable,
                    "rule": line.entry.rule,
                    "note": line.entry.note,
                    "raw_seconds": line.raw_seconds,
                    "minutes": line.raw_minutes,
                    "billed_minutes": line.billed_minutes,
                }
                for line in self.lines
            ],
            "total_minutes": self.total.raw_minutes,
            "total_seconds": self.total.raw_seconds,
            "billable_minutes": minutes_of(self.total.billable_seconds),
            "billed_minutes": self.total.billed_minutes,
            "billed_hours": self.total.billed_hours,
            "amount": str(self.amount),
            "by_activity": {name: t.to_json() for name, t in self.by_activity.items()},
            "by_source": {name: t.to_json() for name, t in self.by_source.items()},
            "retainer": _retainer_json(self.retainer) if self.retainer else None,
        }
        return data


def _retainer_json(r: RetainerStatement) -> dict[str, Any]:
    return {
        "month": str(r.month),
        "fee": str(r.fee),
        "monthly_fee": str(r.monthly_fee),
        "active_days": r.active_days,
        "days_in_month": r.days_in_month,
        "prorated": r.prorated,
        "included_minutes": r.included_minutes,
        "used_minutes": r.used_minutes,
        "included_used_minutes": r.included_used,
        "rollover": {
            "in": r.rollover_in,
            "used": r.rollover_used,
            "added": r.rollover_added,
            "expired": r.rollover_expired,
            "forfeited": r.rollover_forfeited,
            "out": r.rollover_out,
            "lots_out": [
                {
                    "earned": str(lot.earned),
                    "minutes": lot.minutes,
                    "expires": str(lot.expires) if lot.expires else None,
                }
                for lot in r.lots_out
            ],
        },
        "remaining_minutes": r.remaining_minutes,
        "overage_minutes": r.overage_minutes,
        "overage_rate": str(r.overage_rate),
        "overage_amount": str(r.overage_amount),
        "amount": str(r.amount),
    }


def build_statement(
    config: BillingConfig,
    zone: tzinfo,
    entries: Sequence[Entry],
    period: Period,
    *,
    rollover_in: Sequence[RolloverLot] = (),
) -> Statement:
    """The statement of ``period`` (for a retainer: one whole month, with the lots carried into it)."""
    ordered = sorted(entries, key=lambda e: e.at)
    for entry in ordered:
        if not period.contains(entry.day(zone)):
            raise BillingError(f"entry at {entry.at.isoformat()} ({entry.activity}) is outside {period}")
    billed = bill_minutes(config, zone, ordered)
    lines = tuple(
        EntryLine(e, e.day(zone), e.billable and config.bills(e.activity), minutes)
        for e, minutes in zip(ordered, billed, strict=True)
    )
    activities = sorted({line.entry.activity for line in lines})
    sources = sorted({line.entry.source for line in lines})
    retainer: RetainerStatement | None = None
    if config.plan == "hourly":
        if rollover_in:
            raise BillingError("an hourly plan has no rollover")
        rate = config.rate if config.rate is not None else Decimal(0)
        by_activity = {}
        amount = per_minute(0, rate, config.currency)
        for name in activities:
            group = [line for line in lines if line.entry.activity == name]
            price = per_minute(sum(line.billed_minutes for line in group), rate, config.currency)
            by_activity[name] = _totals(group, price)
            amount += price
        total = _totals(lines, amount)
    else:
        month = period.month
        if month is None:
            raise PeriodError(f"a retainer bills whole months; {period} is not one")
        by_activity = {name: _totals(line for line in lines if line.entry.activity == name) for name in activities}
        total = _totals(lines)
        retainer = retainer_month(config, month, total.billed_minutes, rollover_in)
        amount = retainer.amount
        total = _totals(lines, amount)
    by_source: dict[str, Totals] = {n: _totals(line for line in lines if line.entry.source == n) for n in sources}
    return Statement(config, period, lines, total, by_activity, by_source, amount, retainer)


def statement_chain(
    config: BillingConfig,
    zone: tzinfo,
    entries: Sequence[Entry],
    first: Month,
    last: Month,
    *,
    rollover_in: Sequence[RolloverLot] = (),
) -> list[Statement]:
    """One statement per month from ``first`` to ``last``, each retainer month carrying its lots into the next.

    ``entries`` are every entry of those months (in the client's zone). Start
    the chain at the retainer's first month (``start_date``) so that rollover
    is complete, or pass the lots carried into ``first`` as ``rollover_in``.
    """
    if last < first:
        raise PeriodError(f"the chain ends ({last}) before it starts ({first})")
    by_month: dict[Month, list[Entry]] = {}
    for entry in entries:
        month = Month.of(entry.day(zone))
        if not first <= month <= last:
            raise BillingError(f"entry at {entry.at.isoformat()} ({entry.activity}) is outside {first} to {last}")
        by_month.setdefault(month, []).append(entry)
    statements = []
    lots: Sequence[RolloverLot] = rollover_in
    month = first
    while True:
        statement = build_statement(config, zone, by_month.get(month, []), month.period(), rollover_in=lots)
        statements.append(statement)
        lots = statement.retainer.lots_out if statement.retainer else ()
        if month == last:
            return statements
        month = month.next()
