"""The two hot IMAP exchanges, spoken on the connection directly: whole-message FETCH and pipelined commands.

imaplib matches several regular expressions against every response line and
imapclient then tokenizes the whole response again; for a batch of whole
messages that costs about 0.1 ms of CPU per message, twenty-five times what
reading the bytes does. ``fetch_bodies`` sends one ``UID FETCH`` through
imaplib's own ``send``/``readline``/``read`` (so TLS, STARTTLS and timeouts
are imaplib's) and reads the responses itself: each literal is read by its
announced size, and only the short text around it is scanned for ``UID``,
``FLAGS`` and the ``BODY[]`` marker.

Responses the command did not ask for (``EXISTS``, ``EXPUNGE``, a ``FETCH``
reporting another client's flag change) are read and ignored, literals
included, so the stream stays in step. A tagged ``NO`` or ``BAD`` raises
``imaplib.IMAP4.error`` and a closed or truncated stream ``imaplib.IMAP4.abort``,
the exceptions the session already translates.

``run_pipelined`` sends several commands without waiting for each answer
(RFC 3501 section 5.5) and then reads their tagged answers: a flush of
keyword and flag changes, a hundred ``UID STORE`` commands, costs one round
trip instead of a hundred, each of which also waited for the GIL.
"""

from __future__ import annotations

import imaplib
import itertools
import re
from collections.abc import Sequence
from typing import NamedTuple, Protocol

__all__ = ["FetchedBody", "fetch_bodies", "fetch_sizes", "run_pipelined"]

PIPELINE_WINDOW = 64  # commands in flight at once: their answers are tiny, so neither side blocks

_LITERAL = re.compile(rb"\{(\d+)\}\r?\n\Z")
_FETCH = re.compile(rb"\* \d+ FETCH \(", re.I)
_UID = re.compile(rb"[( ]UID (\d+)", re.I)
_FLAGS = re.compile(rb"[( ]FLAGS \(([^)]*)\)", re.I)
_BODY_MARK = re.compile(rb"[( ]BODY\[\] \Z", re.I)
_SIZE = re.compile(rb"[( ]RFC822\.SIZE (\d+)", re.I)
_QUOTED_BODY = re.compile(rb'[( ]BODY\[\] "((?:[^"\\]|\\.)*)"', re.I)
_UNESCAPE = re.compile(rb"\\(.)")

_tags = itertools.count(1)


class _Stream(Protocol):
    """What ``fetch_bodies`` needs of an ``imaplib.IMAP4``: its public I/O methods."""

    def send(self, data: bytes) -> None: ...

    def readline(self) -> bytes: ...

    def read(self, size: int) -> bytes: ...


class FetchedBody(NamedTuple):
    """One message of a ``UID FETCH``: its raw bytes and its flags and keywords as the server sent them."""

    raw: bytes
    flags: tuple[bytes, ...]


def fetch_bodies(imap: _Stream, uid_set: str) -> dict[int, FetchedBody]:
    """``UID FETCH <uid_set> (UID FLAGS BODY.PEEK[])`` on a selected folder: UID -> body and flags.

    UIDs that no longer exist are simply absent, as IMAP leaves them out.
    """
    tag = b"MF%d" % next(_tags)
    imap.send(tag + b" UID FETCH " + uid_set.encode("ascii") + b" (UID FLAGS BODY.PEEK[])\r\n")
    found: dict[int, FetchedBody] = {}
    while True:
        line = _line(imap)
        if line.startswith(tag + b" "):
            status = line[len(tag) + 1 :].split(b" ", 1)[0].upper()
            if status != b"OK":
                said = line[len(tag) + 1 :].decode("utf-8", "replace").strip()
                raise imaplib.IMAP4.error(f"UID FETCH failed: {said}")
            return found
        text, body = _response(imap, line)
        if not _FETCH.match(text):
            continue  # EXISTS, EXPUNGE, RECENT, a continuation: not ours
        uid = _UID.search(text)
        if uid is None:
            continue  # an unsolicited FETCH (another client's flag change) carries no UID
        if body is None:
            quoted = _QUOTED_BODY.search(text)
            if quoted is None:
                continue  # BODY[] NIL: the server could not read the message
            body = _UNESCAPE.sub(rb"\1", quoted.group(1))
        flags = _FLAGS.search(text)
        found[int(uid.group(1))] = FetchedBody(body, tuple(flags.group(1).split()) if flags else ())


def fetch_sizes(imap: _Stream, uid_set: str) -> dict[int, int]:
    """``UID FETCH <uid_set> (UID RFC822.SIZE)`` on a selected folder: UID -> size in bytes (absent UIDs left out)."""
    tag = b"MF%d" % next(_tags)
    imap.send(tag + b" UID FETCH " + uid_set.encode("ascii") + b" (UID RFC822.SIZE)\r\n")
    found: dict[int, int] = {}
    while True:
        line = _line(imap)
        if line.startswith(tag + b" "):
            status = line[len(tag) + 1 :].split(b" ", 1)[0].upper()
            if status != b"OK":
                said = line[len(tag) + 1 :].decode("utf-8", "replace").strip()
                raise imaplib.IMAP4.error(f"UID FETCH RFC822.SIZE failed: {said}")
            return found
        text, _ = _response(imap, line)
        uid, size = _UID.search(text), _SIZE.search(text)
        if uid is not None and size is not None and _FETCH.match(text):
            found[int(uid.group(1))] = int(size.group(1))


def run_pipelined(imap: _Stream, commands: Sequence[bytes]) -> list[tuple[str, str]]:
    """Send ``commands`` (without tags) pipelined; each one's tagged status (``OK``, ``NO``, ``BAD``) and text.

    Untagged responses are read and ignored. A closed or truncated stream
    raises ``imaplib.IMAP4.abort``; what the earlier commands did stands.
    """
    results: list[tuple[str, str]] = []
    for start in range(0, len(commands), PIPELINE_WINDOW):
        window = commands[start : start + PIPELINE_WINDOW]
        tags = [b"MF%d" % next(_tags) for _ in window]
        imap.send(b"".join(tag + b" " + command + b"\r\n" for tag, command in zip(tags, window, strict=True)))
        answers: dict[bytes, tuple[str, str]] = {}
        wanted = set(tags)
        while wanted:
            line = _line(imap)
            tag, _, rest = line.partition(b" ")
            if tag in wanted:
                status, _, text = rest.partition(b" ")
                answers[tag] = (status.decode("ascii", "replace").upper(), text.decode("utf-8", "replace").strip())
                wanted.discard(tag)
            else:
                _response(imap, line)  # untagged (FLAGS, EXISTS, EXPUNGE ...): read past its literals
        results.extend(answers[tag] for tag in tags)
    return results


def _line(imap: _Stream) -> bytes:
    line = imap.readline()
    if not line:
        raise imaplib.IMAP4.abort("socket error: EOF in the middle of a response")
    return line


def _response(imap: _Stream, line: bytes) -> tuple[bytes, bytes | None]:
    """One whole untagged response starting at ``line``: its text (literals cut out) and the BODY[] literal."""
    parts: list[bytes] = []
    body: bytes | None = None
    while True:
        literal = _LITERAL.search(line)
        if literal is None:
            parts.append(line)
            return b"".join(parts), body
        size = int(literal.group(1))
        data = imap.read(size)
        if len(data) != size:
            raise imaplib.IMAP4.abort(f"socket error: a {size}-byte literal ended after {len(data)} bytes")
        head = line[: literal.start()]
        parts.append(head)
        if _BODY_MARK.search(head):
            body = data
        line = _line(imap)
