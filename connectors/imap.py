"""The IMAP connector: one ``MailConnector`` over ``imapclient`` for any IMAP4rev1 server.

How the protocol maps onto IMAP:

* A ``MessageRef.locator`` is ``"<uidvalidity>:<uid>"``. UIDs are only
  meaningful within one UIDVALIDITY, so carrying it lets every operation
  recognise (and skip) a ref that a server-side reset made stale instead of
  acting on whichever message now has that UID.
* ``changes`` keeps ``uidvalidity``, ``last_uid``, ``uidnext`` and, when the
  server offers CONDSTORE, ``highestmodseq`` in the cursor. An unchanged
  UIDNEXT (and HIGHESTMODSEQ) means nothing arrived, so no SEARCH is sent; a
  changed UIDVALIDITY lists the whole folder with ``reset=True``.
* Labels are IMAP keywords (``keyword_for`` turns a label into a valid atom),
  "flagged" is ``\\Flagged`` and "read" is ``\\Seen``. Messages are fetched
  with ``BODY.PEEK[]`` from an EXAMINEd folder, so fetching never marks
  anything read.
* Every action is one UID command per folder (per ``WRITE_CHUNK`` UIDs) and is
  idempotent: UIDs that are gone, stale or already moved are skipped.
* A dropped connection (socket error, ``IMAP4.abort``) is retried once after a
  transparent reconnect; a second failure raises ``TransientError``. Retrying
  is safe because the operations are idempotent (a retried ``save_draft``
  looks for its key before appending again).

The connection itself (TLS, login, reconnecting, error translation, folder
selection and SPECIAL-USE roles) is ``connectors.imap_session.ImapSession``;
this module adds the mail operations. Every imaplib/imapclient/socket
exception leaves the two translated into ``mailflow.errors``. The password is
never logged nor put in a message.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import Any, NamedTuple, cast

from mailflow.config import ImapAccount
from mailflow.drafting import DRAFT_KEY_HEADER
from mailflow.errors import (
    ConnectorError,
    NotFound,
    PermanentError,
    TransientError,
)
from mailflow.message import Message
from mailflow.model import ChangeSet, Draft, FetchedMessage, Flag, MessageRef, SyncCursor, Update, label_keyword

from .base import group_by_folder
from .imap_session import _CONNECTION_ERRORS, ImapSession, T, _is_missing_folder, _text
from .imap_wire import fetch_bodies, fetch_sizes, run_pipelined

__all__ = ["DRAFT_KEY_HEADER", "ImapConnector", "keyword_for", "make_locator", "parse_locator", "uid_set"]

log = logging.getLogger("connectors.imap")


# UIDs per STORE/MOVE command: every write command costs the server an index
# sync that grows with the mailbox, so few large commands beat many small ones.
# uid_set() compresses runs, which keeps the command line well under the
# 64 KiB that servers such as Dovecot accept.
WRITE_CHUNK = 5000
DEFAULT_FETCH_CHUNK = 250  # messages per FETCH when the account sets no batch_size

SEEN = b"\\Seen"
FLAGGED = b"\\Flagged"
DRAFT = b"\\Draft"
ANSWERED = b"\\Answered"
DELETED = b"\\Deleted"

_FLAG_MAP: dict[bytes, Flag] = {
    SEEN.lower(): Flag.SEEN,
    FLAGGED.lower(): Flag.FLAGGED,
    DRAFT.lower(): Flag.DRAFT,
    ANSWERED.lower(): Flag.ANSWERED,
}

_APPENDUID = re.compile(rb"APPENDUID (\d+) ([\d:,]+)")


def keyword_for(label: str) -> str:
    """The IMAP keyword that stands for a label (``mailflow.model.label_keyword``)."""
    return label_keyword(label)


def make_locator(uidvalidity: int, uid: int) -> str:
    """The locator of one message: ``"<uidvalidity>:<uid>"``."""
    return f"{uidvalidity}:{uid}"


def parse_locator(locator: str) -> tuple[int | None, int]:
    """``(uidvalidity, uid)`` from a locator; a bare UID gives ``(None, uid)``.

    Raises ``ValueError`` for anything else.
    """
    validity, sep, uid = locator.rpartition(":")
    if not sep:
        return None, int(locator)
    return int(validity), int(uid)


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def uid_set(uids: Iterable[int]) -> str:
    """An IMAP sequence set with ranges: ``[1, 2, 3, 7]`` -> ``"1:3,7"``."""
    parts: list[str] = []
    ordered = sorted(set(uids))
    start = prev = None
    for uid in [*ordered, None]:
        if uid is not None and prev is not None and uid == prev + 1:
            prev = uid
            continue
        if start is not None:
            parts.append(str(start) if start == prev else f"{start}:{prev}")
        start = prev = uid
    return ",".join(parts)


def _state_int(state: dict[str, str | int], key: str) -> int | None:
    """An integer from a cursor's state, which a store may have round-tripped as text."""
    value = state.get(key)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class ImapConnector(ImapSession):
    """One IMAP account, opened for a sync pass (see the module docstring for the mapping).

    ``changes`` is incremental (UIDs above the cursor's), so the Sent folder's
    new mail can be read into the correspondent history each pass.

    ``use_move`` forces the move strategy: None (the default) uses ``UID MOVE``
    when the server offers MOVE; False always uses COPY, ``\\Deleted`` and
    ``UID EXPUNGE``, as for a server without MOVE. ``ssl_context`` replaces
    the default verifying context for ``tls = "ssl"`` and ``"starttls"``.
    """

    incremental = True

    def __init__(
        self,
        config: ImapAccount,
        account_id: str | None = None,
        *,
        use_move: bool | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(config, account_id, ssl_context=ssl_context)
        self.use_move = use_move

    def _moves(self) -> bool:
        return self.use_move is not False and "MOVE" in self._capabilities

    # -- listing -----------------------------------------------------------

    # -- IDLE ----------------------------------------------------------------

    def idle_wait(
        self,
        folder: str,
        seconds: float,
        stop: threading.Event | None = None,
        started: threading.Event | None = None,
    ) -> bool:
        """Wait in IDLE (RFC 2177) on ``folder`` for up to ``seconds``: True as soon as new mail is reported.

        Returns False when the time is up (the caller re-issues it: servers may
        drop an IDLE after 30 minutes) or when ``stop`` is set, which is looked
        at every second. ``started`` is set each time the IDLE command is
        accepted. After a ``BYE`` (the server closing the connection) or a
        dropped connection it reconnects and returns True (mail may have come
        meanwhile); if it cannot, ``TransientError``. A server without IDLE
        raises ``PermanentError``.
        """
        if "IDLE" not in self.capabilities:
            raise PermanentError(f"{self._where()}: the server does not offer IDLE")

        calls = 0

        def op(client: Any) -> bool:
            nonlocal calls
            calls += 1
            if calls > 1:
                return True  # reconnected: mail may have come while the connection was down
            self._select(client, folder, readonly=True)
            deadline = time.monotonic() + seconds
            client.idle()
            if started is not None:
                started.set()
            try:
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0 or (stop is not None and stop.is_set()):
                        return False
                    for response in client.idle_check(timeout=min(1.0, left)):
                        if response and response[0] == b"BYE":
                            raise imaplib.IMAP4.abort(f"the server ended the session: {_text(response)}")
                        if len(response) > 1 and response[1] in (b"EXISTS", b"RECENT"):
                            return True
            finally:
                with contextlib.suppress(*_CONNECTION_ERRORS):
                    client.idle_done()

        return self._run("IDLE", op, hold=False)  # a wait of minutes must not hold a concurrent slot

    def _list_uids(self, client: Any, after: int, limit: int | None) -> tuple[list[int], bool]:
        """The first ``limit`` UIDs above ``after`` in the selected folder, ascending, and whether more follow.

        With ESEARCH (RFC 4731) the server answers with a compact set
        (``ALL 1:50000``) of which only ``limit`` UIDs are expanded; a plain
        SEARCH answers with every UID, one number each (for a 50,000-message
        folder, 50,000 numbers to read and parse per page listed).
        """
        criteria = f"UID {after + 1}:*" if after else "ALL"
        if "ESEARCH" in self._capabilities:
            imap = client._imap  # imapclient has no ESEARCH; imaplib's connection under it
            typ, data = imap._simple_command("UID", "SEARCH", "RETURN", "(ALL)", criteria)
            answers = imap.untagged_responses.pop("ESEARCH", [])
            if typ != "OK":
                raise imaplib.IMAP4.error(f"UID SEARCH RETURN (ALL): {typ} {data!r}")
            found = [m.group(1).decode("ascii") for a in answers if (m := _ESEARCH_ALL.search(a or b""))]
            return uids_after(",".join(found), after, limit)
        # "N:*" always matches the highest UID, even when it is below N.
        listed = cast(list[int], client.search(criteria.split(" ")))
        ordered = sorted(uid for uid in listed if uid > after)
        if limit is not None and len(ordered) > limit:
            return ordered[:limit], True
        return ordered, False

    def changes(self, folder: str, cursor: SyncCursor | None, limit: int | None = None) -> ChangeSet:
        """New messages in ``folder`` since ``cursor``; every message (``reset``) if UIDVALIDITY changed."""
        state = cursor.state if cursor is not None and cursor.folder == folder else None

        def op(client: Any) -> ChangeSet:
            self._condstore(client)
            try:
                info = self._select(client, folder, readonly=True, fresh=True)
            except imaplib.IMAP4.abort:
                raise
            except imaplib.IMAP4.error as exc:
                if _is_missing_folder(exc):
                    raise NotFound(f"{self._where()}: no folder {folder!r} to sync") from exc
                raise
            uidvalidity = int(info[b"UIDVALIDITY"])
            uidnext = int(info[b"UIDNEXT"]) if b"UIDNEXT" in info else None
            modseq = int(info[b"HIGHESTMODSEQ"]) if b"HIGHESTMODSEQ" in info else None
            reset = False
            if state is not None and _state_int(state, "uidvalidity") == uidvalidity:
                last_uid = _state_int(state, "last_uid") or 0
                unchanged = (
                    uidnext is not None
                    and _state_int(state, "uidnext") == uidnext
                    and (modseq is None or _state_int(state, "highestmodseq") == modseq)
                )
                if unchanged:
                    uids: list[int] = []
                    more = False
                else:
                    uids, more = self._list_uids(client, last_uid, limit)
            else:
                reset = state is not None
                last_uid = 0
                uids, more = self._list_uids(client, 0, limit)
            new_state: dict[str, str | int] = {"uidvalidity": uidvalidity, "last_uid": max(uids, default=last_uid)}
            if uidnext is not None and not more:
                new_state["uidnext"] = uidnext
            if modseq is not None and not more:
                new_state["highestmodseq"] = modseq
            # One command per page for the sizes, so the pipeline can keep a batch's bytes bounded.
            sizes = fetch_sizes(client._imap, uid_set(uids)) if uids else {}
            refs = [MessageRef(self.account, folder, make_locator(uidvalidity, uid), sizes.get(uid)) for uid in uids]
            size = int(info[b"EXISTS"]) if b"EXISTS" in info else None
            return ChangeSet(refs, SyncCursor(folder, new_state), reset=reset, more=more, folder_size=size)

        return self._run(f"listing {folder}", op)

    # -- fetching ----------------------------------------------------------

    def _current_uids(self, info: dict[bytes, Any], refs: Sequence[MessageRef]) -> dict[int, MessageRef]:
        """UID -> ref for the refs that belong to the folder's current UIDVALIDITY."""
        uidvalidity = int(info[b"UIDVALIDITY"]) if b"UIDVALIDITY" in info else None
        out: dict[int, MessageRef] = {}
        for ref in refs:
            try:
                validity, uid = parse_locator(ref.locator)
            except ValueError:
                log.warning("IMAP %s: ignoring malformed locator %r", self._where(), ref.locator)
                continue
            if validity is None or validity == uidvalidity:
                out[uid] = ref
        return out

    def fetch(self, refs: Sequence[MessageRef]) -> Iterator[FetchedMessage]:
        """Raw bytes and flags of each ref still present, via ``BODY.PEEK[]`` (nothing becomes read)."""
        for folder, group in group_by_folder(refs).items():
            for chunk in _chunks(group, self.config.batch_size or DEFAULT_FETCH_CHUNK):
                yield from self._run(f"fetching from {folder}", partial(self._fetch_chunk, folder=folder, refs=chunk))

    def _fetch_chunk(self, client: Any, folder: str, refs: Sequence[MessageRef]) -> list[FetchedMessage]:
        info = self._try_select(client, folder, readonly=True)
        if info is None:
            return []
        wanted = self._current_uids(info, refs)
        if not wanted:
            return []
        data = fetch_bodies(client._imap, uid_set(wanted))  # imaplib's connection under imapclient
        out: list[FetchedMessage] = []
        for uid, ref in wanted.items():
            item = data.get(uid)
            if item is None:
                continue
            flags, labels = self._split_flags(item.flags)
            out.append(FetchedMessage(ref=ref, raw=item.raw, flags=flags, labels=labels))
        return out

    @staticmethod
    def _split_flags(values: Iterable[bytes | str]) -> tuple[frozenset[Flag], frozenset[str]]:
        flags: set[Flag] = set()
        labels: set[str] = set()
        for value in values:
            raw = value if isinstance(value, bytes) else value.encode()
            if raw.startswith(b"\\"):
                mapped = _FLAG_MAP.get(raw.lower())
                if mapped is not None:
                    flags.add(mapped)
            else:
                labels.add(_text(raw))
        return frozenset(flags), frozenset(labels)

    # -- actions -----------------------------------------------------------

    @staticmethod
    def _flag_lists(
        add_labels: Sequence[str], flagged: bool | None, read: bool | None, remove_labels: Sequence[str] = ()
    ) -> tuple[list[bytes], list[bytes]]:
        """The flags to add (keywords, ``\\Flagged``, ``\\Seen``) and to clear for one update."""
        add = sorted({keyword_for(label).encode() for label in add_labels})
        remove = sorted({keyword_for(label).encode() for label in remove_labels} - set(add))
        for on, flag in ((flagged, FLAGGED), (read, SEEN)):
            if on is True:
                add.append(flag)
            elif on is False:
                remove.append(flag)
        return add, remove

    def update(
        self,
        refs: Sequence[MessageRef],
        *,
        add_labels: Sequence[str] = (),
        flagged: bool | None = None,
        read: bool | None = None,
        remove_labels: Sequence[str] = (),
    ) -> None:
        """One ``UID STORE +FLAGS.SILENT`` for everything added, one ``-FLAGS.SILENT`` for what is cleared."""
        (error,) = self.update_many([Update(refs, tuple(add_labels), flagged, read, tuple(remove_labels))])
        if error is not None:
            raise error

    def update_many(self, updates: Sequence[Update]) -> list[ConnectorError | None]:
        """Every update's ``UID STORE`` commands pipelined, one round trip per folder (RFC 3501 5.5)."""
        items: list[_StoreItem] = []
        for index, u in enumerate(updates):
            add, remove = self._flag_lists(u.add_labels, u.flagged, u.read, u.remove_labels)
            items += _store_items(index, u.refs, add, remove)
        return self._stores(items, len(updates))

    def _stores(self, items: Sequence[_StoreItem], count: int) -> list[ConnectorError | None]:
        """Run ``UID STORE`` items pipelined per folder; the error (or None) of each of ``count`` owners.

        UIDs that are gone or of another UIDVALIDITY are skipped, and a folder
        that is gone with them; a transient failure is raised for the whole call.
        """
        errors: list[ConnectorError | None] = [None] * count
        per_folder: dict[str, list[_StoreItem]] = {}
        for item in items:
            per_folder.setdefault(item.folder, []).append(item)
        for folder, group in per_folder.items():

            def op(client: Any, folder: str = folder, group: list[_StoreItem] = group) -> list[tuple[int, str, str]]:
                info = self._try_select(client, folder, readonly=False)
                if info is None:
                    return []  # the folder is gone, and its messages with it
                owners: list[int] = []
                commands: list[bytes] = []
                for item in group:
                    uids = sorted(self._current_uids(info, item.refs))
                    if uids:
                        owners.append(item.owner)
                        commands.append(b"UID STORE " + uid_set(uids).encode("ascii") + b" " + item.change)
                answers = run_pipelined(client._imap, commands)  # imaplib's connection under imapclient
                return [(owner, status, text) for owner, (status, text) in zip(owners, answers, strict=True)]

            what = f"updating flags in {folder}"
            for owner, status, text in self._run(what, op):
                if status != "OK" and errors[owner] is None:
                    error = self._translate(what, imaplib.IMAP4.error(f"UID STORE: {status} {text}"))
                    if isinstance(error, TransientError):
                        raise error
                    errors[owner] = error
        return errors

    def add_labels(self, refs: Sequence[MessageRef], labels: Sequence[str]) -> None:
        """Attach labels as IMAP keywords (see ``keyword_for``)."""
        self.update(refs, add_labels=labels)

    def remove_labels(self, refs: Sequence[MessageRef], labels: Sequence[str]) -> None:
        """Remove the labels' keywords; absent ones are ignored."""
        keywords = sorted({keyword_for(label).encode() for label in labels})
        (error,) = self._stores(_store_items(0, refs, [], keywords), 1)
        if error is not None:
            raise error

    def set_flagged(self, refs: Sequence[MessageRef], flagged: bool) -> None:
        """Set or clear ``\\Flagged``."""
        self.update(refs, flagged=flagged)

    def set_read(self, refs: Sequence[MessageRef], read: bool) -> None:
        """Set or clear ``\\Seen``."""
        self.update(refs, read=read)

    def move(self, refs: Sequence[MessageRef], folder: str) -> None:
        """Move to ``folder`` (created and subscribed when missing); gone or stale refs are skipped."""

        def destination(client: Any) -> str:
            self._ensure_folder(client, folder)
            return folder

        self._move(refs, destination, f"moving to {folder}")

    def archive(self, refs: Sequence[MessageRef]) -> None:
        """Move to the archive folder (``\\Archive``, config, common name, else a new ``Archive``)."""
        self._move(refs, lambda client: self._role_folder(client, "archive", "Archive"), "archiving")

    def _move(self, refs: Sequence[MessageRef], destination: Callable[[Any], str], what: str) -> None:
        """Move refs folder by folder with ``UID MOVE``, or COPY + ``\\Deleted`` + ``UID EXPUNGE``."""
        groups = group_by_folder(refs)
        if not groups:
            return
        dest = self._run(what, destination)
        for folder, group in groups.items():
            if folder == dest:
                continue  # already there
            for chunk in _chunks(group, WRITE_CHUNK):

                def op(client: Any, folder: str = folder, chunk: Sequence[MessageRef] = chunk) -> None:
                    info = self._try_select(client, folder, readonly=False)
                    if info is None:
                        return
                    wanted = sorted(self._current_uids(info, chunk))
                    if not wanted:
                        return
                    if self._moves():
                        client.move(uid_set(wanted), dest)  # UIDs already gone are ignored by the server
                        _drop_expunges(client)
                        return
                    # Only what is still here (and not already moved by COPY+\Deleted).
                    present = cast(list[int], client.search(["UID", uid_set(wanted), "UNDELETED"]))
                    uids = sorted(set(present) & set(wanted))
                    if not uids:
                        return
                    client.copy(uid_set(uids), dest)
                    client.add_flags(uid_set(uids), [DELETED], silent=True)
                    if "UIDPLUS" in self._capabilities:
                        client.uid_expunge(uid_set(uids))
                        _drop_expunges(client)
                    # Without UIDPLUS a plain EXPUNGE would also remove messages the
                    # user deleted; the moved ones stay \Deleted (hidden by clients).

                self._run(f"{what} from {folder}", op)

    # -- drafts ------------------------------------------------------------

    def _find_draft(self, client: Any, key: str) -> str | None:
        folder = self._role_name(client, "drafts")
        if folder is None:
            return None
        info = self._try_select(client, folder, readonly=True)
        if info is None:
            return None
        uids = cast(list[int], client.search(["UNDELETED", "HEADER", DRAFT_KEY_HEADER, key]))
        if not uids:
            return None
        # HEADER matches substrings; confirm the exact value.
        field = f"BODY[HEADER.FIELDS ({DRAFT_KEY_HEADER.upper()})]".encode()
        peek = f"BODY.PEEK[HEADER.FIELDS ({DRAFT_KEY_HEADER.upper()})]".encode()
        data = cast(dict[int, dict[bytes, Any]], client.fetch(sorted(uids), [peek]))
        for uid in sorted(uids, reverse=True):
            # Unfold first: an 80-character header line is folded onto two lines.
            header = re.sub(r"\r?\n[ \t]+", " ", _text(data.get(uid, {}).get(field, b"")))
            values = [line.split(":", 1)[1].strip() for line in header.splitlines() if ":" in line]
            if key in values:
                return make_locator(int(info[b"UIDVALIDITY"]), uid)
        return None

    # -- finding and deleting (undo) ------------------------------------------

    def locate(self, folder: str, keys: Sequence[str]) -> dict[str, MessageRef]:
        """Where messages are in ``folder`` now, by key: ``UID SEARCH HEADER Message-ID``, confirmed by reading them.

        A key without a Message-ID (``sha:``) can only be recognised by reading
        every message of the folder, which is done only when one is asked for.
        """
        wanted = set(keys)
        if not wanted:
            return {}

        def op(client: Any) -> dict[str, MessageRef]:
            info = self._try_select(client, folder, readonly=True)
            if info is None:
                return {}
            validity = int(info[b"UIDVALIDITY"])
            candidates: set[int] = set()
            if any(not k.startswith("mid:") for k in wanted):
                candidates.update(cast(list[int], client.search(["UNDELETED"])))
            else:
                for key in sorted(wanted):
                    found = client.search(["UNDELETED", "HEADER", "MESSAGE-ID", key[4:]])
                    candidates.update(cast(list[int], found))
            out: dict[str, MessageRef] = {}
            for chunk in _chunks(sorted(candidates), DEFAULT_FETCH_CHUNK):
                data = fetch_bodies(client._imap, uid_set(chunk))  # imaplib's connection under imapclient
                for uid in chunk:
                    item = data.get(uid)
                    if item is None:
                        continue
                    key = Message(item.raw).key
                    if key in wanted and key not in out:  # HEADER matches substrings: the key decides
                        out[key] = MessageRef(self.account, folder, make_locator(validity, uid))
            return out

        return self._run(f"looking for messages in {folder}", op)

    def delete(self, refs: Sequence[MessageRef]) -> None:
        """``\\Deleted`` and ``UID EXPUNGE`` of exactly these UIDs (UIDPLUS); stale or gone refs are skipped.

        Without UIDPLUS a plain EXPUNGE would also remove what the user marked
        deleted, so the messages are only marked ``\\Deleted`` (clients hide them).
        """
        for folder, group in group_by_folder(refs).items():

            def op(client: Any, folder: str = folder, group: list[MessageRef] = group) -> None:
                info = self._try_select(client, folder, readonly=False)
                if info is None:
                    return
                uids = sorted(self._current_uids(info, group))
                if not uids:
                    return
                client.add_flags(uid_set(uids), [DELETED], silent=True)
                if "UIDPLUS" in self._capabilities:
                    client.uid_expunge(uid_set(uids))
                    _drop_expunges(client)

            self._run(f"deleting from {folder}", op)

    def find_draft(self, key: str) -> str | None:
        """The locator of the newest draft whose ``X-Mailflow-Key`` header is exactly ``key``."""
        return self._run("finding a draft", lambda client: self._find_draft(client, key))

    def save_draft(self, draft: Draft) -> str:
        """APPEND one draft to Drafts with ``\\Draft \\Seen``; returns ``"<uidvalidity>:<uid>"``."""
        return self.save_drafts([draft])[0]

    def save_drafts(self, drafts: Sequence[Draft]) -> list[str]:
        """Save drafts with one MULTIAPPEND (RFC 3502) when offered, else one APPEND each.

        A retry after a dropped connection first looks each draft up by its
        key and appends only the ones that are missing, so none is saved
        twice; the pipeline does the same after a crash.
        """
        if not drafts:
            return []
        attempts = 0

        def op(client: Any) -> list[str]:
            nonlocal attempts
            attempts += 1
            found: dict[str, str] = {}
            if attempts > 1:  # the connection dropped: the first APPEND may have landed
                for d in drafts:
                    existing = self._find_draft(client, d.key)
                    if existing is not None:
                        found[d.key] = existing
            todo = [d for d in drafts if d.key not in found]
            if todo:
                folder = self._role_folder(client, "drafts", "Drafts")
                if len(todo) > 1 and "MULTIAPPEND" in self._capabilities:
                    response = client.multiappend(folder, [{"msg": d.raw, "flags": (DRAFT, SEEN)} for d in todo])
                    found.update(self._appended(client, folder, todo, response))
                else:
                    for d in todo:
                        response = client.append(folder, d.raw, flags=(DRAFT, SEEN))
                        found.update(self._appended(client, folder, [d], response))
            return [found[d.key] for d in drafts]

        return self._run("saving drafts", op)

    def _appended(self, client: Any, folder: str, drafts: Sequence[Draft], response: object) -> dict[str, str]:
        """Each appended draft's locator: from APPENDUID (UIDPLUS), else looked up by its key."""
        match = _APPENDUID.search(response if isinstance(response, bytes) else str(response).encode())
        uids = _expand_uid_set(match.group(2).decode()) if match else []
        if match and len(uids) == len(drafts):
            return {d.key: make_locator(int(match.group(1)), uid) for d, uid in zip(drafts, uids, strict=True)}
        located: dict[str, str] = {}
        for d in drafts:
            locator = self._find_draft(client, d.key)
            if locator is None:
                raise PermanentError(f"{self._where()}: saved a draft in {folder} but cannot find it by its key")
            located[d.key] = locator
        return located


class _StoreItem(NamedTuple):
    """One ``UID STORE`` to send: for which update (``owner``), where, on which refs, and the change."""

    owner: int
    folder: str
    refs: Sequence[MessageRef]
    change: bytes  # b"+FLAGS.SILENT (...)" or b"-FLAGS.SILENT (...)"


def _store_items(owner: int, refs: Sequence[MessageRef], add: list[bytes], remove: list[bytes]) -> list[_StoreItem]:
    """The ``UID STORE`` items for adding and removing flags on ``refs``: per folder, per ``WRITE_CHUNK`` UIDs."""
    items: list[_StoreItem] = []
    for folder, group in group_by_folder(refs).items():
        for chunk in _chunks(group, WRITE_CHUNK):
            for flags, verb in ((add, b"+FLAGS.SILENT"), (remove, b"-FLAGS.SILENT")):
                if flags:
                    items.append(_StoreItem(owner, folder, chunk, verb + b" (" + b" ".join(flags) + b")"))
    return items


def _drop_expunges(client: Any) -> None:
    """Forget the ``* N EXPUNGE`` responses of a move: imaplib keeps every one (50,000 moves: about 2 MB)."""
    client._imap.untagged_responses.pop("EXPUNGE", None)


_ESEARCH_ALL = re.compile(rb"\bALL\s+([0-9:,]+)")


def uids_after(text: str, after: int, limit: int | None) -> tuple[list[int], bool]:
    """The UIDs of a set (``"1:5000,5002"``) above ``after``, ascending, at most ``limit``; and whether more were.

    Only what is returned is expanded: a page of 5,000 from ``"1:50000"`` is
    5,000 integers, not 50,000.
    """
    spans = []
    for part in text.split(",") if text else []:
        low, _, high = part.partition(":")
        start, end = int(low), int(high or low)
        spans.append((max(min(start, end), after + 1), max(start, end)))
    out: list[int] = []
    for start, end in sorted(spans):
        start = max(start, out[-1] + 1) if out else start  # overlapping spans (a server may repeat)
        if start > end:
            continue
        if limit is not None and len(out) + end - start + 1 > limit:
            out.extend(range(start, start + limit - len(out)))
            return out, True
        out.extend(range(start, end + 1))
    return out, False


def _expand_uid_set(text: str) -> list[int]:
    """``"4:6,9"`` -> ``[4, 5, 6, 9]`` (an APPENDUID or COPYUID set)."""
    out: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition(":")
        start, end = int(low), int(high or low)
        out.extend(range(min(start, end), max(start, end) + 1))
    return out
