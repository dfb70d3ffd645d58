"""Replies as drafts: proper threading, the original quoted, never sent.

A draft is a full RFC 5322 message saved in the executive's own Drafts folder,
``From`` the executive, ``Re:`` subject, ``In-Reply-To`` and ``References``
so every mail program threads it, and the original quoted below the text.
Attachments of the original are never carried over. The header
``X-Mailflow-Key`` holds the action's idempotency key, which is how a draft
saved just before a crash is found instead of being saved twice.
"""

from __future__ import annotations

import re
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
    draft = EmailMessage()
    draft["From"] = formataddr((client.name, client.email))
    if to:
        draft["To"] = ", ".join(formataddr((a.name, a.email)) for a in to)
    if cc:
        draft["Cc"] = ", ".join(formataddr((a.name, a.email)) for a in cc)
    draft["Subject"] = reply_subject(message.subject)
    draft["Date"] = format_datetime(now or datetime.now(UTC))
    domain = client.email.rpartition("@")[2] or "mailflow.invalid"
    draft["Message-ID"] = make_msgid(domain=domain)
    if message.message_id:
        draft["In-Reply-To"] = message.message_id
        refs = [*message.references[-20:], message.message_id]
        draft["References"] = " ".join(dict.fromkeys(refs))
    draft[DRAFT_KEY_HEADER] = key
    body = text.rstrip("\n") + "\n"
    if include_quote:
        body += "\n" + quote(message)
    draft.set_content(body)
    return Draft(raw=draft.as_bytes(policy=SMTP), key=key, in_reply_to=message.message_id)


def people(settings: Settings, client: ClientConfig) -> tuple[Person, Person]:
    """The executive and the assistant, as drafts and templates see them."""
    return (
        Person(client.id, client.name, client.email),
        Person("assistant", settings.assistant.name, settings.assistant.email),
    )
