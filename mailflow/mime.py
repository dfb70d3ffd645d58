"""A message's text found by walking its MIME structure in the raw bytes, without the standard library's parser.

``email.parser`` builds every part of a message (about 0.4 ms for a
multipart one here); the rules and triage only want its text: the first
``text/plain`` part, else the first ``text/html`` one, not sent as an
attachment, outside forwarded messages (``message/*``), as
``Message.body_text`` defines it. ``text_part`` finds that part by its
boundaries and ``decode`` decodes it, reading exactly what ``compat32``
would. Whatever they do not follow exactly (a digest, an RFC 2231 boundary
or charset, an unknown transfer encoding, broken base64, a part whose
header lines are not headers, a multipart without parts, too deep or too
many parts) raises ``Unusual``, and the caller parses the whole message
instead: the answer is the same either way, only slower.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message as StdMessage

__all__ = ["Part", "Unusual", "attachments", "check_headers", "decode", "part_type", "text_part"]

MAX_PARTS = 200
MAX_DEPTH = 8
_PARAM = r"(?i)(?:^|;)\s*{}\s*=\s*(?:\"([^\"\\\\]*)\"|([^;\"]*))"
_BOUNDARY = re.compile(_PARAM.format("boundary"))
_CHARSET = re.compile(_PARAM.format("charset"))
_EXTENDED = re.compile(r"(?i)(?:^|;)\s*(?:boundary|charset)\*")
_HEADER_LINE = re.compile(r"[!-9;-~]*:")  # as email.feedparser: no blank before the colon
_ODD_LINE_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e]")  # str.splitlines breaks there, the parser does not
_ENCODINGS = frozenset(("", "7bit", "8bit", "binary", "base64", "quoted-printable"))


class Unusual(Exception):
    """A structure the walker does not follow exactly: parse the whole message instead."""


@dataclass(slots=True)
class Part:
    headers: dict[str, list[str]]
    start: int  # offset of the part's body in the raw bytes
    end: int
    block: str = ""  # the part's header lines as text, as they are (folded)


def part_type(headers: dict[str, list[str]], default: str = "text/plain") -> tuple[str, str]:
    """(content type, disposition), lower case, as ``compat32`` reads them (a malformed type is the default)."""
    values = headers.get("content-type")
    kind = values[0].split(";", 1)[0].strip().lower() if values else default
    if kind.count("/") != 1:
        kind = "text/plain"
    disposition = headers.get("content-disposition")
    return kind, disposition[0].split(";", 1)[0].strip().lower() if disposition else ""


def _param(pattern: re.Pattern[str], name: str, headers: dict[str, list[str]]) -> str | None:
    """A ``Content-Type`` parameter's value; ``Unusual`` for one written in a way not read exactly here."""
    values = headers.get("content-type")
    if not values or name not in values[0].lower():
        return None
    if _EXTENDED.search(values[0]):
        raise Unusual("an RFC 2231 parameter")
    m = pattern.search(values[0])
    if m is None:
        raise Unusual(f"an odd {name} parameter")
    value = m.group(1) if m.group(1) is not None else m.group(2).strip()
    if not value.isascii():
        raise Unusual(f"a {name} that is not ASCII")
    return value


def text_part(raw: bytes, headers: dict[str, list[str]], start: int, end: int) -> tuple[Part, str] | None:
    """The message's text part and its type (``text/plain`` or ``text/html``), or None when it has none."""
    ctype, disposition = part_type(headers)
    if ctype.startswith("multipart/"):
        return _in_multipart(raw, headers, ctype, start, end, 0)
    if disposition == "attachment" or ctype not in ("text/plain", "text/html"):
        return None
    return Part(headers, start, end), ctype


def _in_multipart(
    raw: bytes, headers: dict[str, list[str]], ctype: str, start: int, end: int, depth: int
) -> tuple[Part, str] | None:
    html: tuple[Part, str] | None = None
    count = 0
    for part in _parts(raw, _delimiter(headers, ctype, depth), start, end):
        count += 1
        ptype, disposition = part_type(part.headers)
        if ptype.startswith("multipart/"):
            found = _in_multipart(raw, part.headers, ptype, part.start, part.end, depth + 1)
            if found is not None and found[1] == "text/plain":
                return found
            html = html or found
        elif disposition == "attachment":
            continue
        elif ptype == "text/plain":
            return part, ptype
        elif ptype == "text/html" and html is None:
            html = (part, ptype)
    if count == 0:
        raise Unusual("a multipart without parts")
    return html


def _delimiter(headers: dict[str, list[str]], ctype: str, depth: int) -> bytes:
    """The delimiter line's start (``--`` and the boundary) of a multipart the walk follows; else ``Unusual``."""
    if ctype == "multipart/digest" or depth >= MAX_DEPTH:
        raise Unusual(ctype)
    value = _param(_BOUNDARY, "boundary", headers)
    boundary = value.rstrip() if value else ""
    if not boundary:
        raise Unusual("a multipart without a boundary")
    return ("--" + boundary).encode("ascii", "surrogateescape")


def attachments(raw: bytes, top: Part) -> list[tuple[str, str, int]]:
    """(file name, content type, decoded size) of each part sent as a file, in order.

    What ``Message.attachments`` reads from the full parse: every leaf (a
    part that is not multipart) with ``Content-Disposition: attachment`` or
    a file name. The name and the type come from the standard library's own
    ``get_filename`` and ``get_content_type``, given the part's two header
    values as the parser keeps them (folds included), so quoting, RFC 2231
    and RFC 2047 read exactly as there; the size is the part decoded as
    ``decode`` does. A forwarded message (``message/*``, whose size is its
    re-serialised bytes), 8-bit or odd bytes in a file part's headers, and
    whatever ``_parts`` and ``decode`` do not follow raise ``Unusual``.
    ``top`` is the message itself: its headers, its body's span and its
    header lines.
    """
    found: list[tuple[str, str, int]] = []
    _files(raw, top, 0, found)
    return found


def _files(raw: bytes, part: Part, depth: int, found: list[tuple[str, str, int]]) -> None:
    ctype, disposition = part_type(part.headers)
    if ctype.startswith("multipart/"):
        count = 0
        for sub in _parts(raw, _delimiter(part.headers, ctype, depth), part.start, part.end):
            count += 1
            _files(raw, sub, depth + 1, found)
        if count == 0:
            raise Unusual("a multipart without parts")
        return
    if ctype.startswith("message/"):
        raise Unusual("a forwarded message")
    headers = part.headers
    named = any("name" in v[0].lower() for v in (headers.get("content-type"), headers.get("content-disposition")) if v)
    if disposition != "attachment" and not named:
        return  # neither a name nor an attachment: the parse would skip it too
    if not part.block.isascii() or _ODD_LINE_BREAKS.search(part.block):
        raise Unusual("8-bit or odd bytes in a file part's headers")
    std = StdMessage()
    for name in ("content-type", "content-disposition"):
        value = _source_value(part.block, name)
        if value is not None:
            std[name] = value
    filename = std.get_filename()
    if std.get_content_disposition() != "attachment" and not filename:
        return
    data, _ = decode(raw, part)
    found.append((filename or "", std.get_content_type(), len(data)))


def _source_value(block: str, name: str) -> str | None:
    """The first ``name`` (lower case) header's value as the ``compat32`` parser keeps it, folds and all.

    The text after the colon, blanks stripped in front, with its continuation
    lines and their line breaks, the last line break dropped; None if absent.
    """
    lines = block.splitlines(True)
    for i, line in enumerate(lines):
        head, sep, value = line.partition(":")
        if not sep or head.lower() != name:
            continue
        rest = [value.lstrip(" \t")]
        for more in lines[i + 1 :]:
            if more[:1] not in (" ", "\t"):
                break
            rest.append(more)
        return "".join(rest).rstrip("\r\n")
    return None


def _delimiter_at(raw: bytes, at: int, size: int, end: int) -> tuple[int, bool] | None:
    """Where the line after a delimiter at ``at`` starts, and whether it closes; None if it is not a delimiter.

    As ``email.feedparser`` reads it: the boundary, ``--`` to close, blanks, then the end of the line.
    """
    i = at + size
    closing = raw[i : i + 2] == b"--"
    if closing:
        i += 2
    while i < end and raw[i] in (32, 9):
        i += 1
    if i >= end:
        return end, closing
    if raw[i] == 10:
        return i + 1, closing
    if raw[i] == 13:
        if i + 1 < end and raw[i + 1] == 10:
            return i + 2, closing
        raise Unusual("a bare CR line ending")
    return None


def _parts(raw: bytes, boundary: bytes, start: int, end: int) -> Iterator[Part]:
    """The body parts between ``boundary`` delimiter lines, within ``raw[start:end]``, one at a time."""
    size = len(boundary)
    at = raw.find(boundary, start, end)
    line = None
    while at >= 0:
        if at == start or raw[at - 1] == 10:
            line = _delimiter_at(raw, at, size, end)
            if line is not None:
                break
        at = raw.find(boundary, at + 1, end)
    count = 0
    while line is not None and not line[1]:
        head_start = line[0]
        nxt = raw.find(b"\n" + boundary, head_start - 1, end)
        line = None
        while nxt >= 0:
            line = _delimiter_at(raw, nxt + 1, size, end)
            if line is not None:
                break
            nxt = raw.find(b"\n" + boundary, nxt + 1, end)
        stop = nxt if nxt >= 0 else end
        part_end = stop - 1 if stop > head_start and raw[stop - 1] == 13 else stop
        count += 1
        if count > MAX_PARTS:
            raise Unusual("too many parts")
        yield _part(raw, head_start, max(part_end, head_start))


def check_headers(text: str) -> None:
    """``Unusual`` unless every line of a header block is a header or a continuation (as the parser reads it)."""
    for row in text.splitlines():
        if row and row[0] not in " \t" and _HEADER_LINE.match(row) is None:
            raise Unusual("header lines that are not headers")


def _part(raw: bytes, head_start: int, part_end: int) -> Part:
    from .message import parse_header_block, split_header_block

    if raw[head_start : head_start + 1] == b"\n" or raw[head_start : head_start + 2] == b"\r\n":
        return Part({}, min(head_start + (1 if raw[head_start] == 10 else 2), part_end), part_end)
    block, offset = split_header_block(raw[head_start:part_end])
    text = block.decode("utf-8", "replace")
    check_headers(text)
    return Part(parse_header_block(text), min(head_start + offset, part_end), part_end, text)


def decode(raw: bytes, part: Part, limit: int | None = None) -> tuple[bytes, str | None]:
    """The part's body decoded from its transfer encoding, and its charset (lower case, None if unstated).

    With ``limit``, only about that many bytes are read and decoded leniently
    (a prefix, for a quick look at the text).
    """
    values = part.headers.get("content-transfer-encoding")
    encoding = values[0].strip().lower() if values else ""
    if limit is None and encoding not in _ENCODINGS:
        raise Unusual(f"transfer encoding {encoding!r}")
    charset = _param(_CHARSET, "charset", part.headers)
    charset = charset.lower() if charset else None
    if limit is not None:
        data = raw[part.start : min(part.end, part.start + (limit * 4 // 3 if encoding == "base64" else limit))]
        try:
            if encoding == "base64":
                data = data.translate(None, b" \t\r\n")
                data = binascii.a2b_base64(data[: len(data) // 4 * 4])
            elif encoding == "quoted-printable":
                data = binascii.a2b_qp(data)
        except (binascii.Error, ValueError):
            pass
        return data, charset
    data = raw[part.start : part.end]
    if encoding == "base64":
        data = b"".join(data.splitlines())
        padding = -len(data) % 4
        try:
            data = binascii.a2b_base64(data + b"=" * (padding if padding < 3 else 0), strict_mode=True)
        except binascii.Error:
            raise Unusual("base64 that needs repairs") from None
    elif encoding == "quoted-printable":
        data = binascii.a2b_qp(data)
    return data, charset
