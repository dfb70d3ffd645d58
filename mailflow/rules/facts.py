"""What the conditions read from one message, computed once per evaluation.

A :class:`Facts` is made for each :meth:`RuleSet.evaluate` call and thrown
away after it: lower-cased subjects, parsed address fields and header values
are cached in its dict, so a hundred rules testing ``from`` parse the From
header once. Nothing is stored on the :class:`~mailflow.message.Message`, and
nothing is computed that no condition asked for; in particular the body and
the attachments (which need the full MIME parse) are only read by ``body``
and ``has_attachment`` conditions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .addresses import domain_parents

if TYPE_CHECKING:
    from ..message import Attachment, Message
    from ..model import Address
    from .ruleset import MatchContext

_HEADER_OF = {"from": "from", "to": "to", "cc": "cc", "reply_to": "reply-to", "sender": "sender"}


@dataclass(frozen=True, slots=True)
class AddressFacts:
    email: str  # lower case
    parents: tuple[str, ...]  # the domain and each parent domain
    display: str  # "Display Name <email>", or just the email
    display_lower: str
    name_lower: str = ""  # the display name alone, lower case


class FieldFacts:
    """The addresses of one field as the tests compare them, each form computed on first use.

    ``emails`` and ``parents`` are sets over all the addresses of the field:
    a single ``is``, ``domain`` or ``in`` test holds for some address exactly
    when it holds for the set, so it is one set operation however many
    addresses there are. ``each`` keeps the per-address view for a table
    with several tests, which must hold for the same address.
    """

    __slots__ = ("_each", "_parents", "addresses", "emails")

    def __init__(self, addresses: list[Address]) -> None:
        self.addresses = addresses
        self.emails = frozenset(a.email.lower() for a in addresses)
        self._parents: frozenset[str] | None = None
        self._each: tuple[AddressFacts, ...] | None = None

    @property
    def parents(self) -> frozenset[str]:
        """Every address's domain and each of its parent domains."""
        found = self._parents
        if found is None:
            found = self._parents = frozenset(p for e in self.emails for p in domain_parents(e.rpartition("@")[2]))
        return found

    @property
    def each(self) -> tuple[AddressFacts, ...]:
        """One :class:`AddressFacts` per address, in header order."""
        found = self._each
        if found is None:
            out = []
            for address in self.addresses:
                email = address.email.lower()
                display = f"{address.name} <{email}>" if address.name else email
                parents = domain_parents(email.rpartition("@")[2])
                out.append(AddressFacts(email, parents, display, display.lower(), address.name.lower()))
            found = self._each = tuple(out)
        return found


class Facts:
    """Per-evaluation, lazily filled view of one message in its context."""

    __slots__ = ("account", "cache", "category", "ctx", "fields", "folder", "message")

    def __init__(self, ctx: MatchContext) -> None:
        self.ctx = ctx
        self.message: Message = ctx.message
        self.category = ctx.category.lower()
        self.account = ctx.account.lower()
        self.folder = ctx.folder.lower()
        self.cache: dict[str, Any] = {}
        self.fields: dict[str, FieldFacts] = {}

    def text(self, field: str) -> tuple[str, str]:
        """``subject`` or ``body``: the text and its lower-case form."""
        found: tuple[str, str] | None = self.cache.get(field)
        if found is None:
            text = self.message.subject if field == "subject" else self.message.body_text
            found = self.cache[field] = (text, text.lower())
        return found

    def field(self, field: str) -> FieldFacts:
        """An address field (``from``, ``to``, ``cc``, ``reply_to``, ``sender``); see also ``fields``."""
        found = self.fields.get(field)
        if found is None:
            found = self.fields[field] = FieldFacts(self.message.addresses(_HEADER_OF[field]))
        return found

    def addresses(self, field: str) -> tuple[AddressFacts, ...]:
        """The addresses in an address field, one :class:`AddressFacts` each."""
        return self.field(field).each

    def header(self, name: str) -> Sequence[tuple[str, str]]:
        """Every value of header ``name`` (lower case), decoded, with its lower-case form."""
        key = "h:" + name
        found: list[tuple[str, str]] | None = self.cache.get(key)
        if found is None:
            found = self.cache[key] = [(v, v.lower()) for v in self.message.headers_all(name)]
        return found

    def has_header(self, name: str) -> bool:
        return name in self.message.raw_headers

    def sent_at(self) -> datetime:
        """When the message was sent (its Date header, else now), in the client's time zone."""
        found: datetime | None = self.cache.get("sent_at")
        if found is None:
            when = self.message.date or datetime.now(UTC)
            zone = self.ctx.zone
            found = self.cache["sent_at"] = when.astimezone(zone) if zone is not None else when
        return found

    def participants(self) -> int:
        """Distinct addresses in From, To and Cc."""
        found: int | None = self.cache.get("participants")
        if found is None:
            found = self.cache["participants"] = len(
                self.field("from").emails | self.field("to").emails | self.field("cc").emails
            )
        return found

    def is_reply(self) -> bool:
        headers = self.message.raw_headers
        if "in-reply-to" in headers or "references" in headers:
            return True
        return self.message.subject.lstrip().lower().startswith(("re:", "re :", "aw:", "sv:", "antw:"))

    def first_time_sender(self) -> bool:
        sender = self.message.sender
        history = self.ctx.history
        if sender is None:
            return False
        return history is None or not history.known(sender.email.lower())

    def replied(self) -> bool:
        history = self.ctx.history
        return history is not None and history.replied(self.message)

    def attachments(self) -> Sequence[Attachment]:
        """The message's attachments (``Message`` skips the MIME parse when there can be none)."""
        return self.message.attachments
