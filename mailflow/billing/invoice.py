"""An invoice: who bills whom, for which period, line by line, with the retainer month where it applies.

Build one from a :class:`~mailflow.billing.Statement` with :func:`build_invoice`;
render it with :func:`~mailflow.billing.render_html`,
:func:`~mailflow.billing.render_csv` or :func:`~mailflow.billing.render_pdf`.
The invoice number comes from outside (the store keeps each assistant's
sequence); :func:`invoice_number` only formats it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from .errors import BillingError
from .money import MINOR_UNITS, format_money, quantize
from .periods import Month, Period
from .retainer import RetainerStatement
from .statement import Statement, Totals, hours_of

__all__ = ["Invoice", "LineItem", "LineKind", "Party", "build_invoice", "invoice_number", "month_name"]

LineKind = Literal["time", "fee", "overage"]

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_name(month: Month) -> str:
    """``"November 2026"``, in English whatever the machine's locale."""
    return f"{_MONTHS[month.month - 1]} {month.year}"


def invoice_number(sequence: int, year: int, *, prefix: str = "", width: int = 4) -> str:
    """The assistant's ``sequence``-th invoice of ``year``: ``invoice_number(7, 2026)`` → ``"2026-0007"``."""
    if isinstance(sequence, bool) or sequence < 1:
        raise ValueError(f"an invoice sequence number starts at 1, got {sequence}")
    if not 1 <= year <= 9999:
        raise ValueError(f"not a year: {year}")
    return f"{prefix}{year:04d}-{sequence:0{width}d}"


@dataclass(frozen=True)
class Party:
    """Someone on the invoice: the assistant who bills, or the client billed."""

    name: str
    email: str


@dataclass(frozen=True)
class LineItem:
    """One line: time on an activity (minutes at a rate), a retainer fee, or the overage beyond it."""

    description: str
    amount: Decimal
    minutes: int | None = None
    rate: Decimal | None = None
    kind: LineKind = "time"

    @property
    def hours(self) -> Decimal | None:
        return None if self.minutes is None else hours_of(self.minutes)


@dataclass(frozen=True)
class Invoice:
    """Everything printed on an invoice. ``total`` is the sum of the lines, checked on construction."""

    number: str
    issue_date: date
    period: Period
    assistant: Party
    client: Party
    currency: str
    lines: tuple[LineItem, ...]
    total: Decimal
    retainer: RetainerStatement | None = None
    activities: Mapping[str, Totals] = field(default_factory=dict)  # time by activity, raw and billed
    due_date: date | None = None
    notes: str | None = None

    def __post_init__(self) -> None:
        if self.currency not in MINOR_UNITS:
            raise BillingError(f"invoice {self.number}: unknown currency {self.currency!r}")
        for amount in [self.total, *(line.amount for line in self.lines)]:
            if not isinstance(amount, Decimal) or quantize(amount, self.currency) != amount:
                raise BillingError(f"invoice {self.number}: {amount!r} is not an amount in {self.currency}")
        lines_sum = sum((line.amount for line in self.lines), quantize(Decimal(0), self.currency))
        if lines_sum != self.total:
            raise BillingError(f"invoice {self.number}: the lines add up to {lines_sum}, not {self.total}")

    def money(self, amount: Decimal) -> str:
        """``amount`` written in the invoice's currency (``"USD 1,275.00"``)."""
        return format_money(amount, self.currency)


def build_invoice(
    statement: Statement,
    *,
    number: str,
    issue_date: date,
    assistant: Party,
    client: Party,
    due_date: date | None = None,
    notes: str | None = None,
) -> Invoice:
    """The invoice of one statement: hourly time by activity, or a retainer's fee and overage."""
    lines: list[LineItem] = []
    retainer = statement.retainer
    if retainer is None:
        for name, totals in statement.by_activity.items():
            if totals.billed_minutes and totals.amount is not None:
                lines.append(LineItem(name, totals.amount, totals.billed_minutes, statement.config.rate))
    else:
        description = f"Retainer, {month_name(retainer.month)}"
        if retainer.prorated:
            description += f" (prorated: {retainer.active_days} of {retainer.days_in_month} days)"
        lines.append(LineItem(description, retainer.fee, retainer.included_minutes, None, "fee"))
        if retainer.overage_minutes:
            lines.append(
                LineItem(
                    "Hours beyond the retainer",
                    retainer.overage_amount,
                    retainer.overage_minutes,
                    retainer.overage_rate,
                    "overage",
                )
            )
    return Invoice(
        number=number,
        issue_date=issue_date,
        period=statement.period,
        assistant=assistant,
        client=client,
        currency=statement.currency,
        lines=tuple(lines),
        total=statement.amount,
        retainer=retainer,
        activities=dict(statement.by_activity),
        due_date=due_date,
        notes=notes,
    )
