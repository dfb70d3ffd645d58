"""Plain, typed values passed between the core, the connectors and the store."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import getaddresses, parseaddr
from enum import StrEnum

# "Name <local@domain>" or "local@domain" with nothing that needs the full parser
# (quotes, comments, groups, several addresses, encoded words).
_ASCII_SPACES = re.compile(r"[ \t]+")
_NOT_ATOM = re.compile(r"[^A-Za-z0-9_.$+-]")
_SIMPLE = re.compile(
    r"(?:([^\"(),;:<>@\\=\[\]]*)<([^\s<>(),;:\"@\[\]\\]+@[^\s<>(),;:\"@\[\]\\]+)>|([^\s<>(),;:\"@\[\]\\]+@[^\s<>(),;:\"@\[\]\\]+))"
)


@dataclass(frozen=True, slots=True)
class Address:
    """One mailbox: ``Dana Whitfield <dana@acme.example>``."""

    name: str
    email: str

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2].lower()

    @property
    def local(self) -> str:
        return self.email.rpartition("@")[0].lower()

    @property
    def first_name(self) -> str:
        """The first word of the display name, else the local part, capitalised."""
        name = self.name.strip().strip('"')
        if "," in name:  # "Whitfield, Dana"
            after = name.split(",", 1)[1].strip()
            if after:
                return after.split()[0]
        if name:
            return name.split()[0]
        local = self.local.split(".")[0].split("_")[0]
        return local.capitalize()

    def __str__(self) -> str:
        if self.name:
            quoted = self.name if self.name.replace(" ", "").isalnum() else f'"{self.name}"'
            return f"{quoted} <{self.email}>"
        return self.email

    @classmethod
    def parse(cls, value: str) -> Address | None:
        name, email = parseaddr(value)
        if not email or "@" not in email:
            return None
        return cls(name=name, email=email.lower())

    @classmethod
    def parse_list(cls, value: str) -> list[Address]:
        """Every address in a header value; the common simple forms skip the slow RFC 5322 parser."""
        m = _SIMPLE.fullmatch(value.strip(" \t\r\n"))
        if m is not None:
            name = _ASCII_SPACES.sub(" ", m.group(1) or "").strip(" \t")
            email = m.group(2) or m.group(3)
            return [cls(name=name, email=email.lower())]
        return [cls(name=n, email=e.lower()) for n, e in getaddresses([value]) if e and "@" in e]


def label_keyword(label: str) -> str:
    """The IMAP keyword that stands for a label: a valid atom, the same every time.

    Letters, digits and ``_ . $ + -`` are kept; anything else (spaces,
    parentheses, quotes, ``\\``, ``%``, ``*``, ``]``, non-ASCII) becomes ``_``,
    so ``"Urgent"`` stays ``Urgent`` and ``"Needs reply!"`` is ``Needs_reply_``.
    """
    return _NOT_ATOM.sub("_", label.strip()) or "_"


def same_label(a: str, b: str) -> bool:
    """Whether two label names stand for the same label (as an IMAP keyword, case ignored)."""
    return label_keyword(a).casefold() == label_keyword(b).casefold()


class Flag(StrEnum):
    """The message states every provider can express."""

    SEEN = "seen"
    FLAGGED = "flagged"
    DRAFT = "draft"
    ANSWERED = "answered"


@dataclass(frozen=True, slots=True)
class MessageRef:
    """Where one message lives in one account, as the connector understands it.

    ``locator`` is connector-specific (an IMAP UID, a Maildir unique name, a
    Gmail or Graph message id); ``folder`` is the folder it was seen in.
    """

    account: str
    folder: str
    locator: str
    # The message's size in bytes when the listing tells it (IMAP RFC822.SIZE, a Maildir file's size):
    # the pipeline keeps a batch's bytes bounded with it. Not part of the ref's identity.
    size: int | None = field(default=None, compare=False)


@dataclass(slots=True)
class FetchedMessage:
    """A message's raw bytes as the connector delivered them, with its state."""

    ref: MessageRef
    raw: bytes
    flags: frozenset[Flag] = frozenset()
    labels: frozenset[str] = frozenset()
    thread_id: str | None = None


@dataclass(frozen=True)
class SyncCursor:
    """Where the last sync of one folder stopped; opaque to everything but its connector."""

    folder: str
    state: dict[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class Update:
    """One ``MailConnector.update``: labels to add and remove, the flagged and read states to set on some messages."""

    refs: Sequence[MessageRef]
    add_labels: tuple[str, ...] = ()
    flagged: bool | None = None
    read: bool | None = None
    remove_labels: tuple[str, ...] = ()


@dataclass
class ChangeSet:
    """New messages in a folder since a cursor, and the cursor to store once they are recorded.

    ``reset`` is true when the server invalidated the old cursor (an IMAP
    UIDVALIDITY change): ``refs`` then lists every message in the folder and
    the caller deduplicates them by content, so nothing is processed twice.
    """

    refs: list[MessageRef]
    cursor: SyncCursor
    reset: bool = False
    more: bool = False  # a limit cut the listing short: ask again from ``cursor``
    folder_size: int | None = None  # messages in the folder when it was listed, if the server says


@dataclass(frozen=True)
class Draft:
    """A reply to save in the account's own Drafts folder; never sent by mailflow."""

    raw: bytes
    key: str
    in_reply_to: str | None = None
    thread_id: str | None = None
