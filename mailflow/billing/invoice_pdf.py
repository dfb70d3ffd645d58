"""An invoice as a PDF 1.4 file, laid out with :mod:`mailflow.billing.pdf` (Helvetica, no embedded fonts)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from . import wording
from .invoice import Invoice
from .pdf import A4, Document, Page, text_width

__all__ = ["render_pdf", "wrap"]

_MARGIN = 50
_LINE = 14
_SIZE = 10


def wrap(text: str, width: int | Decimal, *, size: int = _SIZE, bold: bool = False) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points (a word too long for a line is cut)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if text_width(candidate, size, bold=bold) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = ""
            for char in word:
                if current and text_width(current + char, size, bold=bold) > width:
                    lines.append(current)
                    current = ""
                current += char
        lines.append(current)
    return lines


class _Flow:
    """A cursor going down the pages, starting a new page when the next block does not fit."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.top = doc.size[1] - _MARGIN
        self.bottom = _MARGIN + 20
        self.page = doc.new_page()
        self.y = self.top
        self.on_new_page: Callable[[], None] | None = None

    def need(self, height: int) -> Page:
        if self.y - height < self.bottom:
            self.page = self.doc.new_page()
            self.y = self.top
            if self.on_new_page is not None:
                self.on_new_page()
        return self.page

    def gap(self, height: int) -> None:
        self.y -= height


def render_pdf(invoice: Invoice, *, size: tuple[int, int] = A4, created: datetime | None = None) -> bytes:
    """The invoice as PDF bytes: header, parties, charges, the retainer month, time by activity, notes."""
    doc = Document(size=size, title=wording.title(invoice), author=invoice.assistant.name, created=created)
    right = size[0] - _MARGIN
    flow = _Flow(doc)

    page = flow.page
    page.text(_MARGIN, flow.y - 22, "INVOICE", size=22, bold=True)
    page.text(_MARGIN, flow.y - 40, invoice.number, size=11)
    meta_y = flow.y - 10
    for label, value in wording.meta_rows(invoice):
        page.text(right - 230, meta_y, label, size=9)
        page.text_right(right, meta_y, value, size=9, bold=label == "Invoice number")
        meta_y -= 13
    flow.y = min(flow.y - 56, meta_y) - 16

    half = (right - _MARGIN) // 2
    for x, label, party in ((_MARGIN, "FROM", invoice.assistant), (_MARGIN + half, "BILL TO", invoice.client)):
        y = flow.y
        page.text(x, y, label, size=8, bold=True)
        names = wrap(party.name, half - 10, size=11, bold=True)[:3]
        for i, text in enumerate(names):
            page.text(x, y - 15 - 14 * i, text, size=11, bold=True)
        page.text(x, y - 15 - 14 * len(names), wrap(party.email, half - 10)[0])
    flow.gap(80)

    cols = (right - 215, right - 110, right)  # right edges of hours, rate, amount
    desc_width = cols[0] - 60 - _MARGIN

    def table_head() -> None:
        head = flow.page
        head.box(_MARGIN, flow.y - 5, right - _MARGIN, 18)
        head.text(_MARGIN + 4, flow.y, "Description", bold=True)
        for edge, label in zip(cols, ("Hours", "Rate", "Amount"), strict=True):
            head.text_right(edge - 4, flow.y, label, bold=True)
        flow.gap(20)

    flow.need(60)
    flow.page.text(_MARGIN, flow.y, "CHARGES", size=9, bold=True)
    flow.gap(18)
    table_head()
    flow.on_new_page = table_head
    rows = wording.line_rows(invoice) or [wording.Row("No billable time in this period.", "", "", "")]
    for row in rows:
        texts = wrap(row.description, desc_width)
        page = flow.need(_LINE * len(texts) + 6)
        for i, text in enumerate(texts):
            page.text(_MARGIN + 4, flow.y - _LINE * i, text)
        for edge, value in zip(cols, (row.hours, row.rate, row.amount), strict=True):
            page.text_right(edge - 4, flow.y, value)
        flow.gap(_LINE * len(texts))
        page.line(_MARGIN, flow.y + 9, right, flow.y + 9, width=Decimal("0.3"))
        flow.gap(6)
    flow.on_new_page = None
    page = flow.need(30)
    page.line(_MARGIN, flow.y + 8, right, flow.y + 8, width=1)
    flow.gap(8)
    page.text(_MARGIN + 4, flow.y - 4, f"Total ({invoice.currency})", size=11, bold=True)
    page.text_right(right - 4, flow.y - 4, invoice.money(invoice.total), size=11, bold=True)
    flow.gap(34)

    if invoice.retainer is not None:
        facts = wording.retainer_rows(invoice, invoice.retainer)
        page = flow.need(20 + _LINE * 3)
        page.text(_MARGIN, flow.y, "RETAINER", size=9, bold=True)
        flow.gap(18)
        for label, value in facts:
            page = flow.need(_LINE)
            indent = 14 if label.startswith("  ") else 0
            page.text(_MARGIN + 4 + indent, flow.y, label.strip(), size=9)
            page.text_right(right - 4, flow.y, value, size=9)
            flow.gap(_LINE)
        flow.gap(16)

    activities = wording.activity_rows(invoice)
    if activities:
        page = flow.need(20 + _LINE * 2)
        page.text(_MARGIN, flow.y, "TIME BY ACTIVITY", size=9, bold=True)
        flow.gap(16)
        page.text(_MARGIN + 4, flow.y, "Activity", size=9, bold=True)
        page.text_right(cols[1] - 4, flow.y, "Hours logged", size=9, bold=True)
        page.text_right(right - 4, flow.y, "Hours billed", size=9, bold=True)
        flow.gap(_LINE)
        for name, raw, billed in activities:
            page = flow.need(_LINE)
            page.text(_MARGIN + 4, flow.y, wrap(name, desc_width, size=9)[0], size=9)
            page.text_right(cols[1] - 4, flow.y, raw, size=9)
            page.text_right(right - 4, flow.y, billed, size=9)
            flow.gap(_LINE)
        flow.gap(16)

    if invoice.notes:
        page = flow.need(20 + _LINE)
        page.text(_MARGIN, flow.y, "NOTES", size=9, bold=True)
        flow.gap(16)
        for text in wrap(invoice.notes, right - _MARGIN):
            page = flow.need(_LINE)
            page.text(_MARGIN, flow.y, text)
            flow.gap(_LINE)

    total_pages = len(doc.pages)
    for number, each in enumerate(doc.pages, start=1):
        client = wrap(invoice.client.name, 240, size=8)[0]
        footer = f"{wording.title(invoice)} · {client} · page {number} of {total_pages}"
        each.text_right(right, _MARGIN - 20, footer, size=8)
    return doc.to_bytes()
