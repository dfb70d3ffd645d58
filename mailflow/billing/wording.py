"""What an invoice says, as rows of text, shared by the HTML and PDF renderers so both say the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .invoice import Invoice, month_name
from .retainer import RetainerStatement
from .statement import hours_of

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def long_date(day: date) -> str:
    """``"12 Nov 2026"``, whatever the locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def hours(minutes: int) -> str:
    return str(hours_of(minutes))


def raw_hours(seconds: int) -> str:
    return str((Decimal(seconds) / 3600).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Row:
    """One line of the invoice's table: description, hours, rate, amount (empty strings where none)."""

    description: str
    hours: str
    rate: str
    amount: str


def title(invoice: Invoice) -> str:
    return f"Invoice {invoice.number}"


def period_text(invoice: Invoice) -> str:
    month = invoice.period.month
    if month is not None:
        return month_name(month)
    return f"{long_date(invoice.period.start)} to {long_date(invoice.period.end)}"


def meta_rows(invoice: Invoice) -> list[tuple[str, str]]:
    rows = [
        ("Invoice number", invoice.number),
        ("Issue date", long_date(invoice.issue_date)),
        ("Period", period_text(invoice)),
    ]
    if invoice.due_date is not None:
        rows.append(("Due date", long_date(invoice.due_date)))
    return rows


def line_rows(invoice: Invoice) -> list[Row]:
    rows = []
    for line in invoice.lines:
        if line.kind == "fee":
            spent = f"{line.hours} incl." if line.hours is not None else ""
            rows.append(Row(line.description, spent, "", invoice.money(line.amount)))
        else:
            rate = f"{invoice.money(line.rate)}/h" if line.rate is not None else ""
            rows.append(Row(line.description, str(line.hours or ""), rate, invoice.money(line.amount)))
    return rows


def retainer_rows(invoice: Invoice, r: RetainerStatement) -> list[tuple[str, str]]:
    fee = invoice.money(r.monthly_fee)
    if r.prorated:
        fee += f", prorated {r.active_days}/{r.days_in_month} days: {invoice.money(r.fee)}"
    return [
        ("Monthly fee", fee),
        ("Included hours", hours(r.included_minutes)),
        ("Rolled over from earlier months", hours(r.rollover_in)),
        ("Hours used", hours(r.used_minutes)),
        ("  of rolled-over hours (oldest first)", hours(r.rollover_used)),
        ("  of this month's included hours", hours(r.included_used)),
        ("Hours remaining", hours(r.remaining_minutes)),
        ("Rolled-over hours expired", hours(r.rollover_expired)),
        ("Hours forfeited over the rollover cap", hours(r.rollover_forfeited)),
        ("Hours carried into next month", hours(r.rollover_out)),
        ("Overage hours", hours(r.overage_minutes)),
        (
            "Overage",
            f"{hours(r.overage_minutes)} h at {invoice.money(r.overage_rate)}/h: {invoice.money(r.overage_amount)}",
        ),
    ]


def activity_rows(invoice: Invoice) -> list[tuple[str, str, str]]:
    """Activity, hours logged (raw, billable or not), hours billed."""
    return [
        (name, raw_hours(totals.raw_seconds), hours(totals.billed_minutes))
        for name, totals in invoice.activities.items()
    ]
