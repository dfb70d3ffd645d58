"""Billing: what a client's logged time costs, by the hour or by a monthly retainer.

A pure library: it reads a client's ``[clients.billing]`` table
(:class:`BillingConfig`) and the raw time entries of a period
(:class:`Entry`), and computes a :class:`Statement`: every entry raw and
billed, totals by activity and by source, the amount, and for a retainer the
month's included, used, rolled-over and overage hours
(:class:`RetainerStatement`). An :class:`Invoice` built from a statement
renders as HTML, CSV or PDF. It touches no database and no network: the
caller reads the entries and keeps invoice numbers.

Money is ``decimal.Decimal`` in the currency's minor units; durations are
integer seconds (raw) and integer minutes (billed). No float is used.
"""

from .config import ALLOWED_INCREMENTS, BillingConfig
from .durations import format_seconds, parse_seconds
from .entries import Entry, Source
from .errors import BillingError, PeriodError
from .export import STATEMENT_CSV_FIELDS, csv_safe, json_dumps, statement_csv
from .invoice import Invoice, LineItem, LineKind, Party, build_invoice, invoice_number, month_name
from .invoice_csv import INVOICE_CSV_FIELDS, read_csv, render_csv
from .invoice_html import render_html
from .invoice_pdf import render_pdf
from .money import MINOR_UNITS, format_money, minor_units, per_minute, quantize, quantum
from .periods import Month, Period
from .retainer import RetainerAlert, RetainerStatement, RolloverLot, retainer_alerts, retainer_month
from .rounding import Rounding, bill_minutes, round_seconds, share
from .statement import EntryLine, Statement, Totals, build_statement, hours_of, minutes_of, statement_chain

__all__ = [
    "ALLOWED_INCREMENTS",
    "INVOICE_CSV_FIELDS",
    "MINOR_UNITS",
    "STATEMENT_CSV_FIELDS",
    "BillingConfig",
    "BillingError",
    "Entry",
    "EntryLine",
    "Invoice",
    "LineItem",
    "LineKind",
    "Month",
    "Party",
    "Period",
    "PeriodError",
    "RetainerAlert",
    "RetainerStatement",
    "RolloverLot",
    "Rounding",
    "Source",
    "Statement",
    "Totals",
    "bill_minutes",
    "build_invoice",
    "build_statement",
    "csv_safe",
    "format_money",
    "format_seconds",
    "hours_of",
    "invoice_number",
    "json_dumps",
    "minor_units",
    "minutes_of",
    "month_name",
    "parse_seconds",
    "per_minute",
    "quantize",
    "quantum",
    "read_csv",
    "render_csv",
    "render_html",
    "render_pdf",
    "retainer_alerts",
    "retainer_month",
    "round_seconds",
    "share",
    "statement_chain",
    "statement_csv",
]
