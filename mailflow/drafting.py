"""Replies as drafts: proper threading, the original quoted, never sent.

A draft is a full RFC 5322 message saved in the executive's own Drafts folder,
``From`` the executive, ``Re:`` subject, ``In-Reply-To`` and ``References``
so every mail program threads it, and the original quoted below the text.
Attachments of the original are never carried over. The header
``X-Mailflow-Key`` holds the action's idempotency key, which is how a draft
saved just before a crash is found instead of being saved twice.
"""

from __future__ import annotations

import email.contentmanager
import email.policy
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid
from typing import TYPE_CHECKING

from .message import Message
from .model import Address, Draft

if TYPE_CHECKING:
    from .config import ClientConfig, Settings

DRAFT_KEY_HEADER = "X-Mailflow-Key"
"""The header holding a draft's idempotency key; connectors find an interrupted draft by it."""

_RE_PREFIX = re.compile(r"^\s*((re|aw|sv|antw)\s*(\[\d+\])?\s*:\s*)+", re.I)


@dataclass(frozen=True)
class Person:
    """The executive or the assistant, as templates see them."""

    id: str
    name: str
    email: str

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.email.split("@")[0]


@dataclass(frozen=True)
class MessageView:
    """What a template may read of the message being answered."""

    subject: str
    date: str
    body: str
    sender: Address
    to: list[Address]
    cc: list[Address]


def reply_subject(subject: str) -> str:
    """``Re: <subject>``, without piling up ``Re: Re: AW:`` prefixes."""
    stripped = _RE_PREFIX.sub("", subject).strip()
    return f"Re: {stripped}" if stripped else "Re:"


def template_context(message: Message, client: Person, assistant: Person) -> dict[str, object]:
    """The variables a draft template can use: sender, message, client, assistant."""
    sender = reply_target(message) or Address("", "")
    view = MessageView(
        subject=message.subject,
        date=message.header("date") or "",
        body=message.body_text,
        sender=sender,
        to=message.addresses("to"),
        cc=message.addresses("cc"),
    )
    return {"sender": sender, "message": view, "client": client, "assistant": assistant}


def reply_target(message: Message) -> Address | None:
    reply_to = message.addresses("reply-to")
    if reply_to:
        return reply_to[0]
    return message.sender


def quote(message: Message) -> str:
    """The original, attributed and quoted with ``> ``."""
    sender = message.sender
    who = str(sender) if sender else "someone"
    when = message.header("date") or "an unknown date"
    lines = message.body_text.replace("\r\n", "\n").rstrip("\n").split("\n")
    quoted = "\n".join(">" + (" " + line if line else "") for line in lines)
    return f"On {when}, {who} wrote:\n{quoted}\n"


def build_reply(
    message: Message,
    text: str,
    client: Person,
    key: str,
    *,
    reply_all: bool = False,
    include_quote: bool = True,
    now: datetime | None = None,
    message_id: str | None = None,
) -> Draft:
    """A threaded reply draft from the executive, with ``text`` above the quoted original."""
    target = reply_target(message)
    own = client.email.lower()
    to = [target] if target and target.email != own else []
    cc: list[Address] = []
    if reply_all:
        seen = {a.email for a in to} | {own}
        for addr in message.addresses("to") + message.addresses("cc"):
            if addr.email not in seen:
                seen.add(addr.email)
                cc.append(addr)
    domain = client.email.rpartition("@")[2] or "mailflow.invalid"
    headers: list[tuple[str, str | list[Address]]] = [("From", [Address(client.name, client.email)])]
    if to:
        headers.append(("To", to))
    if cc:
        headers.append(("Cc", cc))
    headers += [
        ("Subject", reply_subject(message.subject)),
        ("Date", format_datetime(now or datetime.now(UTC))),
        ("Message-ID", message_id or make_msgid(domain=domain)),
    ]
    if message.message_id:
        refs = [*message.references[-20:], message.message_id]
        headers += [("In-Reply-To", message.message_id), ("References", " ".join(dict.fromkeys(refs)))]
    headers.append((DRAFT_KEY_HEADER, key))
    body = text.rstrip("\n") + "\n"
    if include_quote:
        body += "\n" + quote(message)
    raw = plain_draft(headers, body)
    if raw is None:
        raw = standard_draft(headers, body)
    return Draft(raw=raw, key=key, in_reply_to=message.message_id)


def standard_draft(headers: list[tuple[str, str | list[Address]]], body: str) -> bytes:
    """The draft as the standard library writes it: any header and body, folded and encoded as needed."""
    draft = EmailMessage()
    for name, value in headers:
        draft[name] = value if isinstance(value, str) else _address_list(value)
    draft.set_content(body)
    return draft.as_bytes(policy=SMTP)


def _address_list(addresses: list[Address]) -> str:
    """An address header's value, as ``formataddr`` writes each address."""
    return ", ".join(formataddr((a.name, a.email)) for a in addresses)


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"  # RFC 5322 atext: needs no quoting
_QUOTABLE_NAME = re.compile(r"[ -!#-\[\]-~]*[!-~][ -!#-\[\]-~]*\Z")  # printable ASCII but quote and backslash
_PLAIN_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\Z")
_PLAIN_VALUE = re.compile(r"[!-~]+(?: [!-~]+)*\Z")  # printable ASCII words, single spaces between them
_MAX_LINE = 78  # where the standard library (policy SMTP) starts folding and encoding
# The encoder behind EmailMessage.set_content for text (private: when a Python lacks it, every
# draft takes the standard path, which the property test compares against).
_encode_text: Callable[[str, str, str | None, email.policy.Policy], tuple[str, str]] | None = getattr(
    email.contentmanager, "_encode_text", None
)


def plain_draft(headers: list[tuple[str, str | list[Address]]], body: str) -> bytes | None:
    """The same bytes as ``standard_draft`` for the common case, written directly; None otherwise.

    The standard library's header machinery costs about 1 ms a draft. When
    every header is short printable ASCII that needs neither folding nor
    encoding (names are quoted as ``formataddr`` quotes them), its output is
    plain, and this writes the headers itself; the body goes through the
    same encoder ``set_content`` uses (7bit, 8bit, quoted-printable or base64,
    chosen the same way). A property test holds the two to the same bytes.
    Anything else returns None, for ``standard_draft``.
    """
    lines: list[bytes] = []
    for name, value in headers:
        if isinstance(value, str):
            text = value
        elif all(_PLAIN_EMAIL.match(a.email) and (not a.name or _QUOTABLE_NAME.match(a.name)) for a in value):
            text = _address_list(value)
        else:
            return None
        line = f"{name}: {text}"
        if len(line) > _MAX_LINE or not _PLAIN_VALUE.match(text):
            return None
        lines.append(line.encode("ascii"))
    if "\r" in body or _encode_text is None:
        return None
    cte, data = _encode_text(body, "utf-8", None, email.policy.default)
    lines.append(b'Content-Type: text/plain; charset="utf-8"')
    lines += [b"Content-Transfer-Encoding: " + cte.encode("ascii"), b"MIME-Version: 1.0"]
    payload = data.encode("ascii", "surrogateescape").split(b"\n")
    if payload and payload[-1] == b"":
        payload.pop()
    return b"\r\n".join(lines) + b"\r\n\r\n" + b"".join(x + b"\r\n" for x in payload)


def people(settings: Settings, client: ClientConfig) -> tuple[Person, Person]:
    """The executive and the assistant, as drafts and templates see them."""
    return (
        Person(client.id, client.name, client.email),
        Person("assistant", settings.assistant.name, settings.assistant.email),
    )
