"""A parsed message that does as little work as the rules ask of it.

Headers are split from the raw bytes by hand (about ten times cheaper than
``email.parser``); RFC 2047 words are decoded only for the headers that are
read; the body's text and the attachments are found by walking the raw
bytes (``mailflow.mime``), the MIME tree is parsed (with ``compat32``) only
when that walk meets a structure it does not follow exactly, and byte scans
answer the common questions (is there a calendar part, an attachment, a file
name like this?) without either. A message whose MIME tree is broken
still has its headers; the parser's defects are kept for the quarantine
reason.
"""

from __future__ import annotations

import base64
import binascii
import email.parser
import email.policy
import hashlib
import html
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message as StdMessage
from email.utils import parsedate_to_datetime
from functools import cached_property

from . import mime
from .errors import MessageError
from .model import Address

_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.S | re.I)
_BLANKS = re.compile(r"\n\s*\n\s*\n+")
_MSGID = re.compile(r"<[^<>\s]+>")
_CALENDAR_PART = re.compile(rb"(?im)^content-type:[ \t]*(?:\r?\n[ \t]+)?text/calendar")
# Byte scans run on ``raw.lower()`` with case-sensitive patterns: for bytes, re.IGNORECASE
# is ASCII case folding, which is what bytes.lower() does, and a lower-case literal is
# found by a fast substring search where a case-insensitive regex tries every position.
_FILENAME = re.compile(rb'\b(?:file)?name(\*)?(?:\*?\d+\*?)?[ \t]*=[ \t]*("[^"\r\n]*"|[^;\s]+)')
# Every attachment has "Content-Disposition: attachment" or a file name ("filename" or
# "name", RFC 2231 forms included): bytes matching neither need no MIME parse.
_NAME_PARAM = re.compile(rb"name\*?(?:\d+\*?)?\s*=")
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"\?=\s+=\?")


def split_header_block(raw: bytes) -> tuple[bytes, int]:
    """The header block (before the first blank line) and the offset of the body.

    The same split as searching ``\\r?\\n\\r?\\n``, with two ``bytes.find``
    calls instead of a regex that would try every CR and LF of the message:
    the first LF followed by LF or CRLF ends the block (a CR before it too).
    Without a blank line, the whole message is headers.
    """
    crlf = raw.find(b"\n\r\n")
    lf = raw.find(b"\n\n", 0, None if crlf < 0 else crlf + 1)  # only one before ``crlf`` matters
    if lf >= 0:
        at, end = lf, lf + 2
    elif crlf >= 0:
        at, end = crlf, crlf + 3
    else:
        return raw, len(raw)
    return raw[: at - 1 if at and raw[at - 1] == 13 else at], end


def parse_header_block(block: str) -> dict[str, list[str]]:
    """Header name (lower case) to its values (unfolded, stripped), in order; junk lines are ignored.

    One pass over ``splitlines()``: a line starting with a space or a tab
    after a line ended by LF (or CRLF) continues the previous one, joined by
    one space, which is what substituting ``\\r?\\n[ \\t]+`` with a space
    and then splitting lines would give, without that substitution (the
    costliest step by far). A line without a colon, or whose name holds a
    space (an mbox ``From `` line, garbage) is ignored.
    """
    headers: dict[str, list[str]] = {}
    current: str | None = None
    after_lf = False
    for line, ended in zip(block.splitlines(), block.splitlines(True), strict=True):
        if after_lf and line[:1] in _FOLD_START:
            current = f"{current} {line.lstrip(_FOLD_CHARS)}"
        else:
            if current is not None:
                _add_header(headers, current)
            current = line
        after_lf = ended[-1] == "\n"
    if current is not None:
        _add_header(headers, current)
    return headers


_FOLD_START = (" ", "\t")
_FOLD_CHARS = " \t"


def _add_header(headers: dict[str, list[str]], line: str) -> None:
    name, sep, value = line.partition(":")
    if not sep or not name:
        return
    name = name.strip()
    if " " in name:
        return  # a junk line (an mbox "From " line, garbage): ignore it
    found = headers.get(lower := name.lower())
    if found is None:
        headers[lower] = [value.strip()]
    else:
        found.append(value.strip())


def _decode_bytes(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words, tolerating unknown charsets and truncated encodings."""
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except (HeaderParseError, LookupError, ValueError, UnicodeError, AssertionError):
        pass
    return _ENCODED_WORD.sub(_decode_word, _BETWEEN_WORDS.sub("?==?", value))


def _decode_word(m: re.Match[str]) -> str:
    charset, encoding, text = m.group(1), m.group(2).upper(), m.group(3)
    try:
        if encoding == "B":
            text = text.rstrip("=")
            text = text[:-1] if len(text) % 4 == 1 else text + "=" * (-len(text) % 4)
            data = base64.b64decode(text, validate=False)
        else:
            data = quopri.decodestring(text.replace("_", " ").encode("ascii", "replace"), header=True)
    except (ValueError, binascii.Error):
        return m.group(0)
    return decode_text(data, charset.split("*", 1)[0])


def decode_text(data: bytes, charset: str | None) -> str:
    """Bytes in a declared charset; a wrong or unknown label falls back to cp1252, then Latin-1."""
    for candidate in (charset or "utf-8", "cp1252"):
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")


def html_to_text(markup: str) -> str:
    """A readable plain-text rendering of an HTML body, for matching and quoting."""
    text = re.sub(r"(?i)<br\s*/?>|</p\s*>|</div\s*>|</tr\s*>|</h\d\s*>|</li\s*>", "\n", markup)
    text = html.unescape(_TAG.sub("", text))
    lines = [line.strip() for line in text.splitlines()]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def _leaves(part: StdMessage) -> Iterator[StdMessage]:
    """The parts that carry content, in order; a forwarded message (message/*) is one leaf."""
    if part.get_content_maintype() == "message" or not part.is_multipart():
        yield part
        return
    payload = part.get_payload()
    for sub in payload if isinstance(payload, list) else ():
        if isinstance(sub, StdMessage):
            yield from _leaves(sub)


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    size: int


class Message:
    """One message's bytes, with lazily computed views for classification and rules."""

    __slots__ = ("__dict__", "raw")

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    # -- headers -----------------------------------------------------------

    @cached_property
    def _split(self) -> tuple[bytes, int]:
        """The header block and where the body starts: :func:`split_header_block`."""
        return split_header_block(self.raw)

    @property
    def body_start(self) -> int:
        """Where the body starts in the raw bytes (after the blank line that ends the headers)."""
        return self._split[1]

    @cached_property
    def raw_headers(self) -> dict[str, list[str]]:
        """Header name (lower case) to its raw, unfolded values, in order: :func:`parse_header_block`."""
        return parse_header_block(_decode_bytes(self._split[0]))

    def header(self, name: str) -> str | None:
        """The first value of a header, RFC 2047 decoded; None if absent."""
        values = self.raw_headers.get(name.lower())
        return decode_words(values[0]) if values else None

    def headers_all(self, name: str) -> list[str]:
        return [decode_words(v) for v in self.raw_headers.get(name.lower(), [])]

    @cached_property
    def subject(self) -> str:
        return self.header("subject") or ""

    @cached_property
    def sender(self) -> Address | None:
        """The From address (the first, if several)."""
        found = self.addresses("from")
        return found[0] if found else None

    def addresses(self, field: str) -> list[Address]:
        """Addresses in From, To, Cc, Reply-To or Sender (parsed once per field)."""
        cache: dict[str, list[Address]] = self.__dict__.setdefault("_addresses", {})
        found = cache.get(field)
        if found is None:
            found = cache[field] = [a for value in self.headers_all(field) for a in Address.parse_list(value)]
        return list(found)

    @cached_property
    def message_id(self) -> str | None:
        value = self.header("message-id")
        if not value:
            return None
        m = _MSGID.search(value)
        return m.group(0) if m else None

    @cached_property
    def in_reply_to(self) -> str | None:
        """The Message-ID this message answers, if it says."""
        m = _MSGID.search(" ".join(self.raw_headers.get("in-reply-to", [])))
        return m.group(0) if m else None

    @cached_property
    def references(self) -> list[str]:
        return _MSGID.findall(" ".join(self.raw_headers.get("references", [])))

    @cached_property
    def date(self) -> datetime | None:
        value = self.header("date")
        if not value:
            return None
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

    @cached_property
    def key(self) -> str:
        """A stable identity for deduplication: the Message-ID, else a digest of the headers.

        It does not depend on where the message lives, so a message seen again
        under a new IMAP UIDVALIDITY, or after a move, is recognised.
        """
        if self.message_id:
            return "mid:" + self.message_id
        return "sha:" + hashlib.sha256(self._split[0]).hexdigest()[:32]

    @cached_property
    def content_type(self) -> str:
        value = self.header("content-type") or "text/plain"
        return value.split(";", 1)[0].strip().lower()

    # -- body, parsed only on demand ----------------------------------------

    @cached_property
    def parsed(self) -> StdMessage:
        """The full MIME tree, parsed with ``compat32`` (three times faster than ``policy.default``).

        Only raw payloads are read from it (``get_payload(decode=True)``, file
        names, content types), and headers are decoded by ``decode_words``,
        so the newer policy's header objects would cost without helping.
        """
        return email.parser.BytesParser(policy=email.policy.compat32).parsebytes(self.raw)

    @cached_property
    def defects(self) -> list[str]:
        found: list[str] = []
        for part in self.parsed.walk():
            found.extend(type(d).__name__ for d in part.defects)
        return found

    def _part_text(self, part: StdMessage) -> str:
        try:
            payload = part.get_payload(decode=True)
        except (LookupError, UnicodeError, ValueError, AssertionError):
            payload = None
        if isinstance(payload, bytes):
            text = decode_text(payload, part.get_content_charset())
        else:
            raw = part.get_payload()
            text = raw if isinstance(raw, str) else ""
        return text.replace("\r\n", "\n")

    @cached_property
    def body_text(self) -> str:
        """The plain-text body; an HTML-only message is rendered to text.

        Found by walking the raw bytes (``mailflow.mime``) unless the message
        is parsed already or its structure is unusual; the same text either way.
        """
        if "parsed" not in self.__dict__:
            try:
                return self.walked_text()
            except mime.Unusual:
                pass
        plain: str | None = None
        markup: str | None = None
        for part in _leaves(self.parsed):
            if part.get_content_disposition() == "attachment":
                continue
            ctype = part.get_content_type()
            if ctype == "text/plain" and plain is None:
                plain = self._part_text(part)
            elif ctype == "text/html" and markup is None:
                markup = self._part_text(part)
        if plain is not None:
            return plain
        if markup is not None:
            return html_to_text(markup)
        if self.parsed.get_content_maintype() == "multipart" and not self.parsed.is_multipart():
            # A multipart without a usable boundary: the text is there, show it as it is.
            return decode_text(self.raw[self._split[1] :], None).replace("\r\n", "\n")
        return ""

    def walked_text(self, limit: int | None = None, html_limit: int | None = None) -> str:
        """``body_text`` found by walking the raw bytes; ``mime.Unusual`` when only a full parse can tell.

        With ``limit`` (and ``html_limit`` for an HTML part), only about that
        many bytes of the part are read: a prefix of the text, quickly.
        """
        top = self._walk_top()
        found = mime.text_part(self.raw, top.headers, top.start, top.end)
        if found is None:
            return ""
        part, ctype = found
        html = ctype == "text/html"
        data, charset = mime.decode(self.raw, part, html_limit if html else limit)
        text = decode_text(data, charset).replace("\r\n", "\n")
        return html_to_text(text) if html else text

    @cached_property
    def attachments(self) -> list[Attachment]:
        """Parts sent as files; found by walking the raw bytes (``mailflow.mime``) where it can, the same either way.

        No walk at all when the bytes show there can be none, and the full
        MIME parse only when the message is parsed already or its structure
        is unusual.
        """
        lowered = self.lowered
        if b"attachment" not in lowered and _NAME_PARAM.search(lowered) is None:
            return []
        if "parsed" not in self.__dict__:
            try:
                return self.walked_attachments()
            except mime.Unusual:
                pass
        found: list[Attachment] = []
        for part in _leaves(self.parsed):
            filename = part.get_filename()
            forwarded = part.get_content_maintype() == "message"
            if part.get_content_disposition() != "attachment" and not filename and not forwarded:
                continue
            if forwarded:
                inner = part.get_payload()
                inner_parts = inner if isinstance(inner, list) else []
                size = sum(len(m.as_bytes()) for m in inner_parts if isinstance(m, StdMessage))
            else:
                payload = part.get_payload(decode=True)
                size = len(payload) if isinstance(payload, bytes) else 0
            found.append(Attachment(decode_words(filename or ""), part.get_content_type(), size))
        return found

    def walked_attachments(self) -> list[Attachment]:
        """``attachments`` found by walking the raw bytes; ``mime.Unusual`` when only a full parse can tell."""
        files = mime.attachments(self.raw, self._walk_top())
        return [Attachment(decode_words(name), ctype, size) for name, ctype, size in files]

    def _walk_top(self) -> mime.Part:
        """The message as the MIME walk's top part; ``mime.Unusual`` if a header line is not a header."""
        top = self._top_part
        if top is None:
            raise mime.Unusual("header lines that are not headers")
        return top

    @cached_property
    def _top_part(self) -> mime.Part | None:
        """``_walk_top``, checked once per message (the text, its prefix and the attachments all walk from it)."""
        block, start = self._split
        text = block.decode("utf-8", "replace")
        try:
            mime.check_headers(text)
        except mime.Unusual:
            return None
        return mime.Part(self.raw_headers, start, len(self.raw), text)

    @cached_property
    def lowered(self) -> bytes:
        """The raw bytes lower-cased (ASCII only), shared by the byte scans; ``forget_lowered`` frees the copy."""
        return self.raw.lower()

    def forget_lowered(self) -> None:
        """Drop the lower-cased copy (the pipeline does once a message is planned; it is made again if asked for)."""
        self.__dict__.pop("lowered", None)

    @cached_property
    def has_calendar_part(self) -> bool:
        """A text/calendar part (an invitation); a cheap byte scan guards the full parse."""
        if self.content_type == "text/calendar":
            return True
        if b"text/calendar" not in self.lowered:
            return False
        if _CALENDAR_PART.search(self.raw) is not None:
            return True  # a part header says text/calendar: no need for the MIME parse
        return any(p.get_content_type() == "text/calendar" for p in self.parsed.walk())

    def may_contain(self, literals: tuple[bytes, ...]) -> bool:
        """False only if the message is ASCII and none of ``literals`` (lower-case) is in its lower-cased bytes.

        For an ASCII message every header value the MIME parse reads is a
        piece of these bytes, so a value containing one of the literals
        (case-insensitively) proves it is there; a message with 8-bit bytes
        gets header objects whose text is not a plain slice, so it always
        answers True and leaves the question to the parse.
        """
        if not self.raw.isascii():
            return True
        lowered = self.lowered
        return any(literal in lowered for literal in literals)

    @cached_property
    def filename_hints(self) -> tuple[tuple[str, ...], bool]:
        """File names seen in the raw bytes, and whether some may be hidden from this scan.

        Names in RFC 2231 (``filename*=``) or RFC 2047 (``=?...?=``) form are
        reported as hidden: only the full MIME parse reads those. Lets a
        ``has_attachment`` name condition skip the parse when no name can match.
        """
        names: list[str] = []
        hidden = False
        raw = self.raw
        for start, end, star in filename_params(raw, self.lowered):
            if star:
                hidden = True
                continue
            value = raw[start:end].strip().strip(b'"').decode("utf-8", "replace")
            if "=?" in value:
                hidden = True
            names.append(value)
        return tuple(names), hidden


def filename_params(raw: bytes, lowered: bytes | None = None) -> Iterator[tuple[int, int, bool]]:
    """Each ``name=``/``filename=`` parameter in ``raw``: the value's span, and whether it is an RFC 2231 ``*`` form.

    The matches of ``_FILENAME.finditer`` (case-insensitively), but the
    pattern is only tried where ``name`` occurs (or ``filename``, four bytes
    earlier), found by substring search in the lower-cased bytes: a message
    of 60 KB has a handful of those, and the regex alone would try every
    position. Matches do not overlap, as with ``finditer``. ``lowered`` is
    ``raw.lower()``, when the caller has it.
    """
    if lowered is None:
        lowered = raw.lower()
    match = _FILENAME.match
    done = 0  # where the last match ended: a match starts at or after it
    at = lowered.find(b"name")
    while at >= 0:
        found = None
        if at >= 4 and at - 4 >= done and lowered[at - 4 : at] == b"file":
            found = match(lowered, at - 4)
        if found is None and at >= done:
            found = match(lowered, at)
        if found is not None:
            done = found.end()
            yield found.start(2), found.end(2), bool(found.group(1))
        at = lowered.find(b"name", at + 4)


# A message has at least one of these; a file with none (empty, binary, cut off before its header) is
# quarantined rather than triaged as personal mail and answered.
MAIL_HEADERS = (
    "from",
    "date",
    "subject",
    "message-id",
    "to",
    "cc",
    "received",
    "return-path",
    "sender",
    "reply-to",
    "delivered-to",
    "mime-version",
)


def require_mail(message: Message) -> None:
    """Raise ``MessageError`` unless ``message`` has a header field every email has (From, Date, Subject ...)."""
    headers = message.raw_headers
    if not any(name in headers for name in MAIL_HEADERS):
        raise MessageError(
            "not an email message: it has none of the header fields every message has (From, Date, Subject, "
            "Message-ID, To, Received ...): an empty or cut-off file, or not RFC 5322 text"
        )
