"""The protocol every mail connector implements (re-exported by ``connectors.base``).

It is owned by the core because the pipeline calls it; connectors import it.
One shape serves the four providers: IMAP folders and keywords, Maildir
folders and flags, Gmail labels and threads, Outlook folders and categories.
Every operation takes a batch of refs, so a provider with batch calls (IMAP
UID sets, Gmail ``batchModify``, Graph ``$batch``) can do one round trip.

Operations are idempotent: moving a message that is already gone from its
folder, adding a label it already has, or marking read a read message
succeeds and changes nothing. That is what lets the pipeline redo an action
after a crash without doing it twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from .errors import ConnectorError
from .model import ChangeSet, Draft, FetchedMessage, MessageRef, SyncCursor, Update

FOLDER_ROLES = ("inbox", "drafts", "archive", "sent", "junk", "trash")


@runtime_checkable
class MailConnector(Protocol):
    """One mail account, opened for a sync pass."""

    account: str
    incremental: bool  # ``changes`` lists only what is new since the cursor (IMAP); a Maildir lists everything

    def open(self) -> None:
        """Connect and authenticate; raises ``AuthError`` or ``TransientError``."""

    def close(self) -> None:
        """Release the connection; never raises."""

    def folder_for(self, role: str) -> str | None:
        """The folder that plays a role (one of ``FOLDER_ROLES``), or None if the account has none."""

    def changes(self, folder: str, cursor: SyncCursor | None, limit: int | None = None) -> ChangeSet:
        """Messages that arrived in ``folder`` since ``cursor`` (all of them when it is None).

        With ``limit``, at most that many, oldest first, and ``more`` set when
        there are others: the caller records them, stores the cursor and asks
        again, so a huge folder is never listed into memory at once.
        """

    def fetch(self, refs: Sequence[MessageRef]) -> Iterator[FetchedMessage]:
        """The raw bytes of each ref still present, without marking anything read."""

    def update(
        self,
        refs: Sequence[MessageRef],
        *,
        add_labels: Sequence[str] = (),
        flagged: bool | None = None,
        read: bool | None = None,
        remove_labels: Sequence[str] = (),
    ) -> None:
        """Add and remove labels and set the flagged and read states in one provider call where it can.

        IMAP: one ``UID STORE +FLAGS`` with the keywords, ``\\Flagged`` and
        ``\\Seen`` together (and one ``-FLAGS`` for what is cleared); Gmail:
        one ``batchModify`` (STARRED and UNREAD are labels there); Graph: one
        PATCH per message. ``None`` leaves a state as it is.
        """

    def update_many(self, updates: Sequence[Update]) -> list[ConnectorError | None]:
        """Several ``update`` calls in as few round trips as the provider allows.

        IMAP pipelines the ``UID STORE`` commands (one round trip per folder);
        Gmail and Graph can batch their requests. Returns, for each update,
        None or the error that one met; a ``TransientError`` is raised for the
        whole call instead (redoing it is safe: updates are idempotent).
        """

    def add_labels(self, refs: Sequence[MessageRef], labels: Sequence[str]) -> None:
        """Attach labels (IMAP keywords, Gmail labels, Outlook categories)."""

    def remove_labels(self, refs: Sequence[MessageRef], labels: Sequence[str]) -> None:
        """Detach labels; absent ones are ignored."""

    def set_flagged(self, refs: Sequence[MessageRef], flagged: bool) -> None:
        """Star or unstar."""

    def set_read(self, refs: Sequence[MessageRef], read: bool) -> None:
        """Mark read or unread."""

    def move(self, refs: Sequence[MessageRef], folder: str) -> None:
        """Move to a folder, creating it when missing; refs already gone are skipped."""

    def archive(self, refs: Sequence[MessageRef]) -> None:
        """Take out of the inbox into the account's archive."""

    def save_draft(self, draft: Draft) -> str:
        """Store a draft in the account's own Drafts; returns its locator. Never sends."""

    def save_drafts(self, drafts: Sequence[Draft]) -> list[str]:
        """Store several drafts at once (IMAP MULTIAPPEND: one round trip); returns their locators."""

    def find_draft(self, key: str) -> str | None:
        """The locator of a draft saved earlier with this idempotency key, if any."""

    def locate(self, folder: str, keys: Sequence[str]) -> dict[str, MessageRef]:
        """Where messages are now in ``folder``, by their ``Message.key``; absent ones are left out.

        IMAP searches the folder by Message-ID (a message without one is
        looked for by reading the folder); used by undo, which must find a
        message a rule moved, and must not touch one the executive moved since.
        """

    def delete(self, refs: Sequence[MessageRef]) -> None:
        """Remove messages for good (IMAP ``\\Deleted`` and ``UID EXPUNGE`` of those alone); gone ones are skipped.

        Only undo calls it, on drafts mailflow saved and nobody has touched.
        """


class NotSent(ConnectorError):
    """A send failed before the message was handed over: it certainly did not go out, and may be tried again."""


class MaybeSent(ConnectorError):
    """The connection failed while the message was being handed over: it may have gone out; never sent again."""


@runtime_checkable
class Outbound(Protocol):
    """What leaves mailflow besides mailbox writes: the assistant's webhook and mail sent by a forward rule."""

    def post(self, payload: Mapping[str, Any], key: str) -> None:
        """POST ``payload`` as JSON to the assistant's webhook (``key`` as ``Idempotency-Key``).

        Does nothing when no webhook is configured; raises ``ConnectorError``
        after a few quick tries.
        """

    def send(
        self, raw: bytes, sender: str, recipients: Sequence[str], before_data: Callable[[], None] | None = None
    ) -> None:
        """Submit a message over the account's SMTP server; ``before_data`` runs just before it is handed over.

        Raises ``NotSent`` when nothing was handed over (try again later),
        ``MaybeSent`` when the connection failed during the hand-over, and
        ``PermanentError`` or ``AuthError`` when the server refused it.
        """
