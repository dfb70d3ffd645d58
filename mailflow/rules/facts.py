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
from typing import TYPE_CHECKING, Any

from .addresses import domain_parents

if TYPE_CHECKING:
    from ..message import Attachment, Message
    from .ruleset import MatchContext

_HEADER_OF = {"from": "from", "to": "to", "cc": "cc", "reply_to": "reply-to", "sender": "sender"}


@dataclass(frozen=True, slots=True)
class AddressFacts:
    email: str  # lower case
    parents: tuple[str, ...]  # the domain and each parent domain
    display: str  # "Display Name <email>", or just the email
    display_lower: str


class Facts:
    """Per-evaluation, lazily filled view of one message in its context."""

    __slots__ = ("account", "cache", "category", "folder", "message")

    def __init__(self, ctx: MatchContext) -> None:
        self.message: Message = ctx.message
        self.category = ctx.category.lower()
        self.account = ctx.account.lower()
        self.folder = ctx.folder.lower()
        self.cache: dict[str, Any] = {}

    def text(self, field: str) -> tuple[str, str]:
        """``subject`` or ``body``: the text and its lower-case form."""
        found: tuple[str, str] | None = self.cache.get(field)
        if found is None:
            text = self.message.subject if field == "subject" else self.message.body_text
            found = self.cache[field] = (text, text.lower())
        return found

    def addresses(self, field: str) -> tuple[AddressFacts, ...]:
        """The addresses in an address field (``from``, ``to``, ``cc``, ``reply_to``, ``sender``)."""
        key = "a:" + field
        found: tuple[AddressFacts, ...] | None = self.cache.get(key)
        if found is None:
            out = []
            for address in self.message.addresses(_HEADER_OF[field]):
                email = address.email.lower()
                display = f"{address.name} <{email}>" if address.name else email
                parents = domain_parents(email.rpartition("@")[2])
                out.append(AddressFacts(email, parents, display, display.lower()))
            found = self.cache[key] = tuple(out)
        return found

    def header(self, name: str) -> Sequence[tuple[str, str]]:
        """Every value of header ``name`` (lower case), decoded, with its lower-case form."""
        key = "h:" + name
        found: list[tuple[str, str]] | None = self.cache.get(key)
        if found is None:
            found = self.cache[key] = [(v, v.lower()) for v in self.message.headers_all(name)]
        return found

    def has_header(self, name: str) -> bool:
        return name in self.message.raw_headers

    def attachments(self) -> Sequence[Attachment]:
        """The message's attachments (``Message`` skips the MIME parse when there can be none)."""
        return self.message.attachments
