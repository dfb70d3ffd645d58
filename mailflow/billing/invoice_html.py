"""An invoice as one self-contained, printable HTML5 page (no scripts, no external files)."""

from __future__ import annotations

from html import escape

from . import wording
from .invoice import Invoice, Party

__all__ = ["render_html"]

_STYLE = """
:root { color: #1a1a1a; font: 11pt/1.45 "Helvetica Neue", Helvetica, Arial, sans-serif; }
body { margin: 0; background: #f4f4f4; }
main { max-width: 46rem; margin: 2rem auto; padding: 2.5rem 3rem; background: #fff; }
header { display: flex; justify-content: space-between; gap: 2rem; align-items: flex-start; }
h1 { font-size: 1.9rem; margin: 0 0 .25rem; letter-spacing: .02em; }
h2 { font-size: 1rem; margin: 2rem 0 .5rem; text-transform: uppercase; letter-spacing: .06em; color: #555; }
dl.meta { display: grid; grid-template-columns: auto auto; gap: .15rem 1rem; margin: 0; }
dl.meta dt { color: #555; }
dl.meta dd { margin: 0; text-align: right; }
.parties { display: flex; gap: 3rem; margin-top: 2rem; }
.parties p { margin: 0; }
table { width: 100%; border-collapse: collapse; }
th, td { padding: .4rem .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
thead th { background: #eee; text-align: left; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tfoot th, tfoot td { font-weight: bold; border-top: 2px solid #1a1a1a; border-bottom: none; }
tfoot th { text-align: left; }
table.facts th { font-weight: normal; text-align: left; color: #333; }
table.facts .sub { padding-left: 1.5rem; }
.notes { white-space: pre-line; }
@media print {
  body { background: #fff; }
  main { margin: 0; padding: 0; max-width: none; }
  tr, .parties { break-inside: avoid; }
}
@page { margin: 18mm; }
"""


def _party(label: str, party: Party) -> str:
    return f"<div><h2>{escape(label)}</h2><p><strong>{escape(party.name)}</strong><br>{escape(party.email)}</p></div>"


def render_html(invoice: Invoice) -> str:
    """The invoice as an HTML5 document; every value from the invoice is escaped."""
    e = escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(wording.title(invoice))} · {e(invoice.client.name)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        f"<div><h1>Invoice</h1><p>{e(invoice.number)}</p></div>",
        '<dl class="meta">',
        *(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in wording.meta_rows(invoice)),
        "</dl>",
        "</header>",
        '<section class="parties">',
        _party("From", invoice.assistant),
        _party("Bill to", invoice.client),
        "</section>",
        '<section class="lines">',
        "<h2>Charges</h2>",
        "<table>",
        '<thead><tr><th scope="col">Description</th><th scope="col" class="num">Hours</th>'
        '<th scope="col" class="num">Rate</th><th scope="col" class="num">Amount</th></tr></thead>',
        "<tbody>",
    ]
    rows = wording.line_rows(invoice)
    for row in rows:
        out.append(
            f'<tr><td>{e(row.description)}</td><td class="num">{e(row.hours)}</td>'
            f'<td class="num">{e(row.rate)}</td><td class="num">{e(row.amount)}</td></tr>'
        )
    if not rows:
        out.append('<tr><td colspan="4">No billable time in this period.</td></tr>')
    out += [
        "</tbody>",
        f'<tfoot><tr><th scope="row" colspan="3">Total ({e(invoice.currency)})</th>'
        f'<td class="num">{e(invoice.money(invoice.total))}</td></tr></tfoot>',
        "</table>",
        "</section>",
    ]
    if invoice.retainer is not None:
        out += ['<section class="retainer">', "<h2>Retainer</h2>", '<table class="facts">', "<tbody>"]
        for label, value in wording.retainer_rows(invoice, invoice.retainer):
            css = ' class="sub"' if label.startswith("  ") else ""
            out.append(f'<tr><th scope="row"{css}>{e(label.strip())}</th><td class="num">{e(value)}</td></tr>')
        out += ["</tbody>", "</table>", "</section>"]
    activities = wording.activity_rows(invoice)
    if activities:
        out += [
            '<section class="activities">',
            "<h2>Time by activity</h2>",
            "<table>",
            '<thead><tr><th scope="col">Activity</th><th scope="col" class="num">Hours logged</th>'
            '<th scope="col" class="num">Hours billed</th></tr></thead>',
            "<tbody>",
            *(
                f'<tr><td>{e(name)}</td><td class="num">{e(raw)}</td><td class="num">{e(billed)}</td></tr>'
                for name, raw, billed in activities
            ),
            "</tbody>",
            "</table>",
            "</section>",
        ]
    if invoice.notes:
        out += [
            '<section class="notes-section">',
            "<h2>Notes</h2>",
            f'<p class="notes">{e(invoice.notes)}</p>',
            "</section>",
        ]
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)
