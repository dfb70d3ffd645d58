"""An invoice's lines as CSV, one row per line and a last ``total`` row; :func:`read_csv` reads it back."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import cast

from .errors import BillingError
from .export import csv_safe
from .invoice import Invoice, LineItem, LineKind

__all__ = ["INVOICE_CSV_FIELDS", "read_csv", "render_csv"]

INVOICE_CSV_FIELDS = (
    "invoice",
    "issue_date",
    "period_start",
    "period_end",
    "currency",
    "kind",
    "description",
    "minutes",
    "hours",
    "rate",
    "amount",
)
_KINDS = ("time", "fee", "overage")


def render_csv(invoice: Invoice) -> str:
    """The invoice's lines as CSV (RFC 4180, CRLF); text that a spreadsheet would run as a formula gets a ``'``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(INVOICE_CSV_FIELDS)
    head = [
        csv_safe(invoice.number),
        invoice.issue_date.isoformat(),
        invoice.period.start.isoformat(),
        invoice.period.end.isoformat(),
        invoice.currency,
    ]
    for line in invoice.lines:
        writer.writerow(
            [
                *head,
                line.kind,
                csv_safe(line.description),
                "" if line.minutes is None else str(line.minutes),
                "" if line.hours is None else str(line.hours),
                "" if line.rate is None else str(line.rate),
                str(line.amount),
            ]
        )
    writer.writerow([*head, "total", "Total", "", "", "", str(invoice.total)])
    return buf.getvalue()


def _text(value: str) -> str:
    return value[1:] if value.startswith("'") else value


def read_csv(text: str) -> tuple[tuple[LineItem, ...], Decimal]:
    """The lines and the total of a CSV written by :func:`render_csv`."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if tuple(reader.fieldnames or ()) != INVOICE_CSV_FIELDS:
        raise BillingError(f"not an invoice CSV: the header is {reader.fieldnames}")
    lines: list[LineItem] = []
    total: Decimal | None = None
    for row in reader:
        amount = Decimal(row["amount"])
        if row["kind"] == "total":
            total = amount
            continue
        if row["kind"] not in _KINDS:
            raise BillingError(f"unknown line kind {row['kind']!r}")
        lines.append(
            LineItem(
                description=_text(row["description"]),
                amount=amount,
                minutes=int(row["minutes"]) if row["minutes"] else None,
                rate=Decimal(row["rate"]) if row["rate"] else None,
                kind=cast(LineKind, row["kind"]),
            )
        )
    if total is None:
        raise BillingError("the invoice CSV has no total row")
    return tuple(lines), total
