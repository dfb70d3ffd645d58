"""A retainer's month: the fee, the included hours, rollover in and out, the overage.

The rules, in minutes (billed minutes: after rounding):

* **Proration.** In the month of ``start_date`` the fee and the included time
  are scaled by active days / days in the month, where the active days run
  from ``start_date`` to the month's end, both included. The fee is rounded
  half up to minor units, the included time half up to whole minutes.
* **Order of use (FIFO).** A month's billed time is taken first from the
  rolled-over lots, oldest first, then from the month's own included time;
  what is left is overage, billed at ``overage_rate``.
* **Rolling over.** With ``rollover_cap_hours`` above 0, the month's unused
  included time becomes a new lot. A lot earned in month M can be used in
  months M+1 to M+N (N = ``rollover_expiry_months``) and expires at the end
  of month M+N; with no N it never expires.
* **The cap.** At the end of each month, after expiry, the month's unused
  included time joins the rolled-over balance only as far as the balance
  stays within the cap; the rest is forfeited. Like a leave accrual cap, a
  full balance stops growing and never loses older hours to newer ones. (Lots
  carried in above the cap, after the cap was lowered, are cut oldest first.)

Each month: ``rollover_in - rollover_used - rollover_expired + rollover_added
- rollover_forfeited == rollover_out``, and ``rollover_out <= cap``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .config import BillingConfig
from .errors import BillingError, PeriodError
from .money import per_minute, quantize
from .periods import Month

__all__ = ["RetainerAlert", "RetainerStatement", "RolloverLot", "retainer_alerts", "retainer_month"]


@dataclass(frozen=True)
class RolloverLot:
    """Unused included minutes of month ``earned``, usable up to and including month ``expires`` (None: forever)."""

    earned: Month
    minutes: int
    expires: Month | None

    def __post_init__(self) -> None:
        if self.minutes <= 0:
            raise BillingError(f"a rollover lot needs minutes > 0, got {self.minutes} (earned {self.earned})")


@dataclass(frozen=True)
class RetainerStatement:
    """What one month of a retainer used, rolled over and costs. Every duration is whole minutes."""

    month: Month
    currency: str
    monthly_fee: Decimal  # the full fee
    fee: Decimal  # the fee charged this month (prorated in a partial first month)
    active_days: int
    days_in_month: int
    included_minutes: int  # this month's own included time (prorated in a partial first month)
    used_minutes: int  # billed minutes of the month's billable entries
    rollover_in: int  # minutes carried in from earlier months
    rollover_used: int
    included_used: int
    overage_minutes: int
    overage_rate: Decimal
    overage_amount: Decimal
    rollover_added: int  # this month's unused included minutes offered to the balance (before the cap)
    rollover_expired: int  # minutes of lots whose last month this was
    rollover_forfeited: int  # minutes that did not fit under the cap
    rollover_out: int  # minutes carried into the next month
    lots_in: tuple[RolloverLot, ...]
    lots_out: tuple[RolloverLot, ...]

    @property
    def prorated(self) -> bool:
        return self.active_days != self.days_in_month

    @property
    def available_minutes(self) -> int:
        """Included plus rolled-in time: what the month could use before overage."""
        return self.included_minutes + self.rollover_in

    @property
    def remaining_minutes(self) -> int:
        """Available time the month did not use (before expiry and the cap decide what rolls over)."""
        return self.available_minutes - self.rollover_used - self.included_used

    @property
    def unused_included(self) -> int:
        return self.included_minutes - self.included_used

    @property
    def amount(self) -> Decimal:
        """The fee plus the overage: what the month costs."""
        return self.fee + self.overage_amount


def _expire_or_keep(lots: list[RolloverLot], month: Month) -> tuple[list[RolloverLot], int]:
    kept = [lot for lot in lots if lot.expires is None or lot.expires > month]
    return kept, sum(lot.minutes for lot in lots) - sum(lot.minutes for lot in kept)


def retainer_month(
    config: BillingConfig, month: Month, used_minutes: int, lots_in: Sequence[RolloverLot] = ()
) -> RetainerStatement:
    """The retainer statement of ``month`` given its billed minutes and the lots carried into it."""
    if config.plan != "retainer" or config.monthly_fee is None or config.overage_rate is None:
        raise BillingError("retainer_month needs a retainer plan")
    if used_minutes < 0:
        raise BillingError("used minutes cannot be negative")
    days = month.days
    active = days
    if config.start_date is not None:
        start = Month.of(config.start_date)
        if month < start:
            raise PeriodError(f"{month} is before the retainer's start_date ({config.start_date.isoformat()})")
        if month == start:
            active = days - config.start_date.day + 1
    for lot in lots_in:
        if lot.earned >= month or (lot.expires is not None and lot.expires < month):
            raise BillingError(f"rollover lot earned {lot.earned} (expires {lot.expires}) cannot be used in {month}")
    currency = config.currency
    fee = quantize(config.monthly_fee * active / days, currency)
    included = (2 * config.included_minutes * active + days) // (2 * days)

    need = used_minutes
    after_use: list[RolloverLot] = []
    rollover_used = 0
    for lot in sorted(lots_in, key=lambda lot: lot.earned):
        take = min(lot.minutes, need)
        need -= take
        rollover_used += take
        if lot.minutes > take:
            after_use.append(RolloverLot(lot.earned, lot.minutes - take, lot.expires))
    included_used = min(included, need)
    overage = need - included_used

    kept, expired = _expire_or_keep(after_use, month)
    cap = config.rollover_cap_minutes
    added = included - included_used if cap > 0 else 0
    excess = max(0, sum(lot.minutes for lot in kept) - cap)  # only when lots came in above the cap
    lots_out: list[RolloverLot] = []
    for lot in kept:
        cut = min(lot.minutes, excess)
        excess -= cut
        if lot.minutes > cut:
            lots_out.append(RolloverLot(lot.earned, lot.minutes - cut, lot.expires))
    over_cap = sum(lot.minutes for lot in kept) - sum(lot.minutes for lot in lots_out)
    room = cap - sum(lot.minutes for lot in lots_out)
    banked = min(added, room)
    if banked:
        expiry = config.rollover_expiry_months
        lots_out.append(RolloverLot(month, banked, month.plus(expiry) if expiry else None))
    forfeited = over_cap + added - banked

    return RetainerStatement(
        month=month,
        currency=currency,
        monthly_fee=config.monthly_fee,
        fee=fee,
        active_days=active,
        days_in_month=days,
        included_minutes=included,
        used_minutes=used_minutes,
        rollover_in=sum(lot.minutes for lot in lots_in),
        rollover_used=rollover_used,
        included_used=included_used,
        overage_minutes=overage,
        overage_rate=config.overage_rate,
        overage_amount=per_minute(overage, config.overage_rate, currency),
        rollover_added=added,
        rollover_expired=expired,
        rollover_forfeited=forfeited,
        rollover_out=sum(lot.minutes for lot in lots_out),
        lots_in=tuple(sorted(lots_in, key=lambda lot: lot.earned)),
        lots_out=tuple(lots_out),
    )


@dataclass(frozen=True)
class RetainerAlert:
    """Usage reached ``threshold`` percent of the month's limit."""

    month: Month
    threshold: int
    used_minutes: int
    limit_minutes: int

    @property
    def percent_used(self) -> Decimal:
        if self.limit_minutes == 0:
            return Decimal(100)
        return (Decimal(100 * self.used_minutes) / self.limit_minutes).quantize(Decimal("0.1"))

    def __str__(self) -> str:
        return (
            f"{self.month}: {self.percent_used}% of the retainer used "
            f"({self.used_minutes} of {self.limit_minutes} minutes; the {self.threshold}% mark)"
        )


def retainer_alerts(
    statement: RetainerStatement,
    thresholds: Sequence[int] = (80, 100),
    *,
    include_rollover: bool = False,
    previous_used_minutes: int | None = None,
) -> list[RetainerAlert]:
    """The thresholds (percent of included time) that the month's usage has reached, lowest first.

    With ``include_rollover`` the limit is included plus rolled-in time. With
    ``previous_used_minutes`` (the usage at the last check) only the
    thresholds crossed since then are returned, so an alert is sent once.
    """
    limit = statement.available_minutes if include_rollover else statement.included_minutes

    def reached(used: int, threshold: int) -> bool:
        return used > 0 and 100 * used >= threshold * limit

    alerts = []
    for threshold in sorted(set(thresholds)):
        if threshold <= 0:
            raise ValueError(f"a threshold is a percentage above 0, got {threshold}")
        if not reached(statement.used_minutes, threshold):
            continue
        if previous_used_minutes is not None and reached(previous_used_minutes, threshold):
            continue
        alerts.append(RetainerAlert(statement.month, threshold, statement.used_minutes, limit))
    return alerts
