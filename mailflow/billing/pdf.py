"""A small PDF 1.4 writer for text documents: Helvetica in WinAnsi, lines, filled boxes, many pages.

Enough for an invoice, and nothing more: the two standard fonts Helvetica and
Helvetica-Bold (every PDF reader has them, so nothing is embedded), text that
Windows-1252 can write (anything else prints as ``?``), straight lines and
grey rectangles. The file has a correct cross-reference table, so readers
open it without repairing it. Coordinates are points from the bottom left,
as ``int`` or ``Decimal``: no float is involved.
"""

from __future__ import annotations

import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

__all__ = ["A4", "LETTER", "Document", "Page", "encode_text", "text_width"]

Number = int | Decimal

A4 = (595, 842)
LETTER = (612, 792)

# Glyph widths (1/1000 em) of printable ASCII, 32 to 126, from Adobe's Helvetica and Helvetica-Bold metrics.
_REGULAR_ASCII = (
    [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278]
    + [556] * 10
    + [278, 278, 584, 584, 584, 556, 1015]
    + [667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833]
    + [722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611]
    + [278, 278, 278, 469, 556, 333]
    + [556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833]
    + [556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500]
    + [334, 260, 334, 584]
)
_BOLD_ASCII = (
    [278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278]
    + [556] * 10
    + [333, 333, 584, 584, 584, 611, 975]
    + [722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833]
    + [722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611]
    + [333, 278, 333, 584, 556, 333]
    + [556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889]
    + [611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500]
    + [389, 280, 389, 584]
)
# Symbols beyond ASCII (accented letters take their base letter's width); close enough for aligning columns.
# fmt: off
_SYMBOLS = {
    "€": 556, "‚": 222, "ƒ": 556, "„": 333, "…": 1000, "†": 556, "‡": 556, "ˆ": 333, "‰": 1000,
    "‹": 333, "Œ": 1000, "‘": 222, "’": 222, "“": 333, "”": 333, "•": 350, "–": 556, "—": 1000,
    "˜": 333, "™": 1000, "›": 333, "œ": 944, "\xa0": 278, "¡": 333, "¢": 556, "£": 556, "¤": 556,
    "¥": 556, "¦": 260, "§": 556, "¨": 333, "©": 737, "ª": 370, "«": 556, "¬": 584, "\xad": 333,
    "®": 737, "¯": 333, "°": 400, "±": 584, "²": 333, "³": 333, "´": 333, "µ": 556, "¶": 537,
    "·": 278, "¸": 333, "¹": 333, "º": 365, "»": 556, "¼": 834, "½": 834, "¾": 834, "¿": 611,
    "Æ": 1000, "Ð": 722, "×": 584, "Ø": 778, "Þ": 667, "ß": 611, "æ": 889, "ð": 556, "÷": 584,
    "ø": 611, "þ": 556,
}
# fmt: on


def encode_text(text: str) -> bytes:
    """``text`` in WinAnsi (Windows-1252) bytes; controls become spaces, what it cannot write becomes ``?``."""
    clean = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return clean.encode("cp1252", errors="replace")


def _glyph_width(byte: int, bold: bool) -> int:
    table = _BOLD_ASCII if bold else _REGULAR_ASCII
    if 32 <= byte <= 126:
        return table[byte - 32]
    char = bytes([byte]).decode("cp1252", errors="replace")
    if char in _SYMBOLS:
        return _SYMBOLS[char]
    base = unicodedata.normalize("NFD", char)[:1]
    if base and 32 <= ord(base) <= 126:
        return table[ord(base) - 32]
    return 556


def text_width(text: str, size: Number, *, bold: bool = False) -> Decimal:
    """How wide ``text`` is in points, set at ``size`` points."""
    units = sum(_glyph_width(b, bold) for b in encode_text(text))
    return Decimal(units) * Decimal(size) / 1000


def _num(value: Number) -> bytes:
    if isinstance(value, int):
        return str(value).encode()
    text = format(value.quantize(Decimal("0.001")).normalize(), "f")
    return text.encode()


def _literal(data: bytes) -> bytes:
    out = bytearray(b"(")
    for byte in data:
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif 32 <= byte <= 126:
            out.append(byte)
        else:
            out += b"\\%03o" % byte
    return bytes(out + b")")


def _text_string(text: str) -> bytes:
    """A PDF text string (document information): literal if plain ASCII, else UTF-16BE with a byte order mark."""
    if all(32 <= ord(ch) <= 126 for ch in text):
        return _literal(text.encode("ascii"))
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


@dataclass
class Page:
    """One page: draw on it with :meth:`text`, :meth:`line` and :meth:`box`."""

    width: int
    height: int
    _ops: list[bytes] = field(default_factory=list)

    def text(self, x: Number, y: Number, text: str, *, size: Number = 10, bold: bool = False) -> None:
        """Write ``text`` with its baseline starting at (x, y)."""
        font = b"/F2" if bold else b"/F1"
        self._ops.append(
            b"BT " + font + b" " + _num(size) + b" Tf " + _num(x) + b" " + _num(y) + b" Td "
            + _literal(encode_text(text)) + b" Tj ET"
        )  # fmt: skip

    def text_right(self, right: Number, y: Number, text: str, *, size: Number = 10, bold: bool = False) -> None:
        """Write ``text`` so that it ends at ``right``."""
        self.text(Decimal(right) - text_width(text, size, bold=bold), y, text, size=size, bold=bold)

    def line(self, x1: Number, y1: Number, x2: Number, y2: Number, *, width: Number = Decimal("0.5")) -> None:
        self._ops.append(
            _num(width) + b" w " + _num(x1) + b" " + _num(y1) + b" m " + _num(x2) + b" " + _num(y2) + b" l S"
        )

    def box(self, x: Number, y: Number, w: Number, h: Number, *, gray: Decimal = Decimal("0.92")) -> None:
        """A filled grey rectangle with its lower left corner at (x, y); text drawn later shows on top."""
        self._ops.append(
            b"q " + _num(gray) + b" g " + b" ".join(_num(v) for v in (x, y, w, h)) + b" re f Q"
        )  # fmt: skip

    @property
    def content(self) -> bytes:
        return b"\n".join(self._ops) + b"\n"


@dataclass
class Document:
    """A PDF being written: add pages, then :meth:`to_bytes`."""

    size: tuple[int, int] = A4
    title: str | None = None
    author: str | None = None
    created: datetime | None = None
    pages: list[Page] = field(default_factory=list)

    def new_page(self) -> Page:
        page = Page(*self.size)
        self.pages.append(page)
        return page

    def to_bytes(self, *, compress: bool = True) -> bytes:
        """The whole file: header, objects, cross-reference table, trailer."""
        pages = self.pages or [Page(*self.size)]
        first_page = 6
        objects: list[bytes] = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids ["
            + b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(len(pages)))
            + b"] /Count %d >>" % len(pages),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
            self._info(),
        ]
        for i, page in enumerate(pages):
            objects.append(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d]" % (page.width, page.height)
                + b" /Resources << /Font << /F1 3 0 R /F2 4 0 R >> /ProcSet [/PDF /Text] >>"
                + b" /Contents %d 0 R >>" % (first_page + 2 * i + 1)
            )
            body = zlib.compress(page.content) if compress else page.content
            flate = b" /Filter /FlateDecode" if compress else b""
            objects.append(b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(body), flate, body))
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, obj in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
        return bytes(out)

    def _info(self) -> bytes:
        parts = [b"/Producer (mailflow)"]
        if self.title:
            parts.append(b"/Title " + _text_string(self.title))
        if self.author:
            parts.append(b"/Author " + _text_string(self.author))
        if self.created:
            stamp = self.created.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ")
            parts.append(b"/CreationDate " + _literal(stamp.encode()))
        return b"<< " + b" ".join(parts) + b" >>"
