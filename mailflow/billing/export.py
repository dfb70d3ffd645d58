"""Writing statements out: JSON with exact decimals, and one CSV row per entry."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import tzinfo
from decimal import Decimal
from typing import Any

from .statement import Statement

__all__ = ["STATEMENT_CSV_FIELDS", "csv_safe", "json_dumps", "statement_csv"]

STATEMENT_CSV_FIELDS = ("at", "activity", "source", "billable", "seconds", "minutes", "billed_minutes", "rule", "note")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def json_dumps(value: Any, indent: int | None = 2) -> str:
    """JSON text like ``json.dumps``, writing each ``Decimal`` as the number it is (``7.50``), never via a float."""

    def encode(item: Any, depth: int) -> str:
        pad = "" if indent is None else "\n" + " " * (indent * (depth + 1))
        end = "" if indent is None else "\n" + " " * (indent * depth)
        sep = ", " if indent is None else ","
        if isinstance(item, Decimal):
            if not item.is_finite():
                raise ValueError(f"{item} is not a JSON number")
            return format(item, "f")
        if isinstance(item, Mapping):
            if not item:
                return "{}"
            parts = [f"{pad}{json.dumps(str(k))}: {encode(v, depth + 1)}" for k, v in item.items()]
            return "{" + sep.join(parts) + end + "}"
        if isinstance(item, Sequence) and not isinstance(item, str | bytes):
            if not item:
                return "[]"
            return "[" + sep.join(f"{pad}{encode(v, depth + 1)}" for v in item) + end + "]"
        if isinstance(item, float):
            raise TypeError("a float has no place in billing JSON")
        return json.dumps(item)

    return encode(value, 0)


def csv_safe(text: str) -> str:
    """``text`` as a spreadsheet will show it, not run it: a leading ``=``, ``+``, ``-``, ``@`` gets a ``'``.

    A leading ``'`` gets one too, so that a reader drops exactly one ``'`` and gets the text back.
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


def statement_csv(statement: Statement, zone: tzinfo | None = None) -> str:
    """One row per entry: local time, activity, source, billable, raw seconds, raw minutes, billed, rule, note."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(STATEMENT_CSV_FIELDS)
    for line in statement.lines:
        at = line.entry.at.astimezone(zone) if zone else line.entry.at
        writer.writerow(
            [
                at.isoformat(timespec="seconds"),
                csv_safe(line.entry.activity),
                line.entry.source,
                "yes" if line.billable else "no",
                str(line.raw_seconds),
                str(line.raw_minutes),
                str(line.billed_minutes),
                csv_safe(line.entry.rule or ""),
                csv_safe(line.entry.note or ""),
            ]
        )
    return buf.getvalue()
