"""One account's pass: new mail -> parse -> classify -> rules -> plan -> apply, exactly once.

The order of writes is what makes a crash at any point harmless:

1. New messages are fetched in batches (the next batch downloads on a second
   connection while this one is planned). Each batch is parsed (headers only,
   unless a rule needs the body), classified and run through the client's
   rules; the messages and their planned actions are recorded in one
   transaction, each action under an idempotency key.
2. The actions are staged and handed to ``mailflow.applying.Applier``, which
   makes the writes on its own thread while the pass plans on. Drafts are
   built at once, while the original is in memory, and saved every
   ``apply_every`` (2,000) messages, in one save; they are marked
   ``applying`` first, and after a crash a draft in that state is looked up
   by its key in Drafts before it is saved again. Each message's keywords,
   flag and read state become one held change and its move one held move
   (about 100 bytes a message); they are written together once a fifth of
   the folder is held (between 2,000 and ``write_every``, 10,000, messages)
   and at the end of the folder: one call per distinct change (or per label
   and flag state, whichever makes fewer calls), then one call per move
   destination. A server's cost per write command grows with the folder
   (Dovecot rescans a Maildir folder after a command renamed its files), so
   a large folder gets few large commands; moving last means the other
   actions still find each message where it was.
3. Outcomes, time entries and audit rows are written in one transaction, once
   the server has confirmed the writes (for a held change or move, the
   database makes the audit rows from the ledger).
4. A folder is listed a page (5,000 messages) at a time, and its sync cursor
   advances only once every message of the page is recorded.

A run that starts first finishes whatever an earlier, interrupted run left
planned. Every connector operation is idempotent, so redoing an action whose
outcome was not recorded changes nothing. A message that cannot be parsed,
classified or matched is recorded as ``quarantined`` with the reason: never
dropped, never a crash.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import tzinfo
from functools import partial
from typing import TYPE_CHECKING

from .applying import MOVES, Applier
from .config import RateCard
from .connector import MailConnector, Outbound
from .drafting import Person
from .errors import Interrupted
from .message import Message, require_mail
from .model import ChangeSet, FetchedMessage, MessageRef, SyncCursor
from .ratecard import with_rate_card
from .report import AccountReport, MessageReport, describe
from .rules import MatchContext, PlannedAction, RuleSet
from .store import ActionRow, MessageRow, Store
from .store import meetings as book
from .store.history import known_addresses, remember, replied_ids
from .triage import classify
from .undo import before_state

if TYPE_CHECKING:  # the calendars (icalendar, 4 MB) are imported only for a client that has some
    from .meetings import MeetingDesk

log = logging.getLogger("mailflow.pipeline")

# A batch's messages are in memory together (twice: one downloading, one planned), so a batch of large
# messages is cut short at this many bytes (the listing's sizes): 250 messages of 5 MB would be 1.25 GB.
BATCH_BYTES = 16 * 1024 * 1024


def by_bytes(refs: Sequence[MessageRef], limit: int) -> Iterator[list[MessageRef]]:
    """``refs`` in consecutive parts of at most ``limit`` bytes by their listed sizes (a larger message alone)."""
    part: list[MessageRef] = []
    total = 0
    for ref in refs:
        size = ref.size or 0
        if part and total + size > limit:
            yield part
            part, total = [], 0
        part.append(ref)
        total += size
    if part:
        yield part


# One encoder for every action: json.dumps with options builds a new one per call (0.7 of its 1.8 us).
_PARAMS_JSON = json.JSONEncoder(sort_keys=True, default=str)


def encode_params(action: PlannedAction) -> str:
    """An action's parameters as canonical JSON: what is stored, and what its key is computed over."""
    return _PARAMS_JSON.encode(action.params)


def action_key(account: str, message_key: str, action: PlannedAction, params: str | None = None) -> str:
    """The idempotency key of one planned action on one message: 32 hex characters.

    Made once, when the action is planned, and stored with it: every retry,
    resume and lookup (a draft's ``X-Mailflow-Key``) uses the stored key, so
    it need not be recomputable. The first 12 characters are the time in
    milliseconds, the other 20 an 80-bit digest of the action (``params``:
    its ``encode_params``, if known). Time-ordered keys go in at the end of
    the ledger's key index: a random key touched most of the index's pages in
    every transaction, and at 50,000 messages SQLite wrote 5.9 GB for a pass.
    """
    params = encode_params(action) if params is None else params
    text = "\x1f".join(
        (account, message_key, str(action.rule_index), action.rule, str(action.index), action.kind, params)
    )
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()
    millis = time.time_ns() // 1_000_000
    return f"{millis & 0xFFFF_FFFF_FFFF:012x}{digest}"


class AccountPass:
    """Runs the pipeline for one account of one client."""

    def __init__(
        self,
        store: Store,
        connector: MailConnector,
        rules: RuleSet,
        client: Person,
        assistant: Person,
        *,
        folders: Sequence[str] = ("INBOX",),
        batch_size: int = 250,
        batch_bytes: int = BATCH_BYTES,
        apply_every: int = 2000,
        write_every: int = 10_000,
        page_size: int = 5000,
        draft_grace: float = 1.0,
        keep_messages: int = 200,
        progress: Callable[[int], None] | None = None,
        reader: MailConnector | None = None,
        stop: threading.Event | None = None,
        outbound: Outbound | None = None,
        zone: tzinfo | None = None,
        retainer_used: float | None = None,
        rate_card: RateCard | None = None,
        meetings: MeetingDesk | None = None,
        calendars_unavailable: bool = False,
    ) -> None:
        self.store = store
        self.connector = connector
        self.rules = rules
        self.client = client
        self.assistant = assistant
        self.account = connector.account
        self.folders = list(folders)
        self.batch_size = batch_size
        self.batch_bytes = batch_bytes
        self.apply_every = max(apply_every, batch_size)
        self.page_size = max(page_size, batch_size)
        self.keep_messages = keep_messages
        self.progress = progress
        self.reader = reader
        self.stop = stop
        self.report = AccountReport(client=client.id, account=self.account)
        self.zone = zone
        self.retainer_used = retainer_used
        self.rate_card = rate_card
        self.meetings = meetings
        self._open_threads: dict[str, book.Meeting] = {}
        self._seen_senders: set[str] = set()  # senders of messages planned in this pass (recorded later)
        self.applier = Applier(
            store,
            connector,
            rules,
            client,
            assistant,
            self.report,
            outbound=outbound,
            meetings=meetings,
            calendars_unavailable=calendars_unavailable,
            draft_grace=draft_grace,
            min_round=self.apply_every,
            write_every=max(write_every, self.apply_every),
        )

    # -- the pass ------------------------------------------------------------

    def run(self, only: tuple[str, Sequence[str]] | None = None, actions: Sequence[str] | None = None) -> AccountReport:
        """The pass: an interrupted run's leftovers first, then each folder's new mail.

        With ``only`` (a folder and locators: what a push notification named),
        just those messages, whether or not the folder's cursor has reached
        them; the cursor stays where it is, and the next sync skips them as
        already recorded.

        With ``actions`` (idempotency keys), only those recorded actions that
        are not done yet, and no new mail: what ``apply_action`` does.
        """
        self.connector.open()
        try:
            if self.reader is not None:
                self.reader.open()
            self.applier.start()
            leftover = self.store.pending(self.account)
            if actions is not None:
                wanted = set(actions)
                leftover = [a for a in leftover if a.key in wanted]
            if leftover:
                self.report.resumed = len({a.message_id for a in leftover})
                log.info(
                    "applying %d recorded actions not done yet (an interrupted run's, or planned by rules apply)",
                    len(leftover),
                    extra={"account": self.account},
                )
                self.applier.submit(leftover)
            if only is not None:
                folder, locators = only
                refs = [MessageRef(self.account, folder, loc) for loc in dict.fromkeys(locators)]
                self._sync_page(folder, ChangeSet(refs, SyncCursor(folder, {})))
                self.applier.flush(final=True)
            elif actions is None:
                self._learn_sent()
                for folder in self.folders:
                    self._sync_folder(folder)
            self.applier.wait()
        finally:
            self.applier.close()
            if self.reader is not None:
                self.reader.close()
            self.connector.close()
        return self.report

    def _learn_sent(self) -> None:
        """Read the executive's new sent mail (headers) into the correspondent history, before the new mail.

        Whom they wrote to makes those addresses known (not first-time senders);
        what their mail answers makes those threads ones they replied in. Only
        for connectors that list changes incrementally (IMAP); a Maildir lists
        everything every time, so its Sent folder is not read.
        """
        if not self.connector.incremental:
            return
        folder = self.applier.call(lambda: self.connector.folder_for("sent"))
        if folder is None or folder in self.folders:
            return
        key = f"history:{folder}"
        stored = self.store.get_cursor(self.account, key)
        cursor = SyncCursor(folder, dict(stored.state)) if stored else None
        while True:
            self._check_stop()
            changes = self.applier.call(partial(self.connector.changes, folder, cursor, limit=self.page_size))
            sent: Counter[str] = Counter()
            replied: set[str] = set()
            for start in range(0, len(changes.refs), self.batch_size):
                chunk = changes.refs[start : start + self.batch_size]
                for fetched in self.applier.call(partial(self._fetch_list, chunk)):
                    msg = Message(fetched.raw)
                    for field in ("to", "cc", "bcc"):
                        sent.update(a.email for a in msg.addresses(field))
                    replied.update(msg.references)
                    if msg.in_reply_to:
                        replied.add(msg.in_reply_to)
            remember(self.store, self.client.id, sent=sent, replied=replied)
            self.store.set_cursor(self.account, SyncCursor(key, dict(changes.cursor.state)))
            if not changes.more:
                return
            cursor = changes.cursor

    def _fetch_list(self, refs: Sequence[MessageRef]) -> list[FetchedMessage]:
        return list(self.connector.fetch(refs))

    def _check_stop(self) -> None:
        if self.stop is not None and self.stop.is_set():
            raise Interrupted(f"{self.account}: the pass was asked to stop; the next one finishes its work")

    def _batches(self, folder: str, refs: Sequence[MessageRef]) -> Iterator[tuple[int, list[MessageRef]]]:
        """Each batch's size and the refs in it that the store has not seen (checking for a stop before each)."""
        for start in range(0, len(refs), self.batch_size):
            self._check_stop()
            chunk = refs[start : start + self.batch_size]
            known = self.store.known_locators(self.account, folder, [r.locator for r in chunk])
            fresh = [r for r in chunk if r.locator not in known]
            listed = len(chunk) - len(fresh)  # the known ones are counted with the first part
            for part in by_bytes(fresh, self.batch_bytes):
                yield listed + len(part), part
                listed = 0
            if listed:
                yield listed, []

    def _fetch(self, refs: Sequence[MessageRef]) -> list[FetchedMessage]:
        if not refs:
            return []
        if self.reader is not None:
            return list(self.reader.fetch(refs))
        return self.applier.call(lambda: list(self.connector.fetch(refs)))

    def _sync_folder(self, folder: str) -> None:
        """The folder's new mail, a page at a time; the cursor advances once a page is recorded."""
        cursor = self.store.get_cursor(self.account, folder)
        while True:
            self._check_stop()
            # The reader is idle between pages; without one, the writer thread owns the connection.
            if self.reader is not None:
                changes = self.reader.changes(folder, cursor, limit=self.page_size)
            else:
                changes = self.applier.call(partial(self.connector.changes, folder, cursor, limit=self.page_size))
            if changes.folder_size is not None:
                self.applier.fit_rounds(changes.folder_size)
            self._sync_page(folder, changes)
            # Changes and moves are held over pages (few large write commands): see Applier.flush.
            self.applier.flush(final=not changes.more)
            # Stored by the writer thread after the page's records: never ahead of what is recorded.
            self.applier.enqueue(partial(self.store.set_cursor, self.account, changes.cursor))
            cursor = changes.cursor
            if not changes.more:
                return

    def _sync_page(self, folder: str, changes: ChangeSet) -> None:
        """Fetch, plan and record one page; its actions are staged, and flushed every ``apply_every`` messages."""
        unapplied = 0
        left = len(changes.refs)  # of this page still to plan (on the folder's last page, of the folder)

        def handle(size: int, fresh: list[MessageRef], fetched: Future[list[FetchedMessage]]) -> None:
            nonlocal unapplied, left
            self.report.skipped += size - len(fresh)
            left -= size
            if fresh:
                self._process_batch(fetched.result(), reset=changes.reset)
                unapplied += len(fresh)
            # Group commit: flush when the writer is free (and enough is staged to be worth a
            # round of commands), or when the stage is full. On the folder's last page the
            # rounds shrink toward its end (Applier.taper).
            remaining = None if changes.more else left
            if unapplied >= self.apply_every or (unapplied >= self.apply_every // 4 and self.applier.idle):
                self.applier.flush(remaining=remaining)
                unapplied = 0
            elif remaining:
                self.applier.taper(remaining)
            if self.progress:
                self.progress(size)

        # With a reader connection, the next batch downloads while this one is processed.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mailflow-fetch") as pool:
            previous: tuple[int, list[MessageRef], Future[list[FetchedMessage]]] | None = None
            for size, fresh in self._batches(folder, changes.refs):
                fetching = pool.submit(self._fetch, fresh) if self.reader else _done(self._fetch(fresh))
                if previous is not None:
                    handle(*previous)
                previous = (size, fresh, fetching)
            if previous is not None:
                handle(*previous)

    def _process_batch(self, fetched: Sequence[FetchedMessage], *, reset: bool) -> None:
        """Plan a batch, queue its recording, and stage its actions (drafts are built now)."""
        parsed = [(f, Message(f.raw)) for f in fetched]
        keys = [m.key for _, m in parsed]
        known = self.store.known_keys(self.account, keys) | self.applier.recording(keys)
        rows: list[MessageRow] = []
        originals: dict[str, Message] = {}
        relocated: list[tuple[str, str, str]] = []
        history = self._history([m for _, m in parsed if m.key not in known])
        if self.meetings is not None:
            ids = {i for _, m in parsed for i in (m.in_reply_to, *m.references) if i}
            self._open_threads = book.by_thread(self.store, self.client.id, ids)
        for state, msg in parsed:
            ref = state.ref
            if msg.key in known or msg.key in originals:
                self.report.skipped += 1
                if reset and msg.key in known:
                    relocated.append((msg.key, ref.folder, ref.locator))
                continue
            row = self._plan(state, msg, history)
            rows.append(row)
            if row.sender:
                self._seen_senders.add(row.sender.lower())
            originals[msg.key] = msg
        self.applier.add(rows, relocated, originals)

    def _history(self, batch: Sequence[Message]) -> BatchHistory:
        """The correspondent history for a batch, asked of the store only when a condition or triage needs it."""
        return BatchHistory(self.store, self.client.id, batch, self._seen_senders)

    def _plan(self, state: FetchedMessage, msg: Message, history: BatchHistory | None = None) -> MessageRow:
        """Classify and evaluate one message; a failure quarantines it with the reason.

        Each action records the state it will change as ``state`` (the fetch) shows it, for undo.
        """
        ref = state.ref
        self.report.new += 1
        row = MessageRow(self.client.id, self.account, msg.key, ref.folder, ref.locator, "planned")
        try:
            require_mail(msg)
            row.subject = msg.subject
            row.sender = msg.sender.email if msg.sender else None
            row.category = classify(msg, history.known if history is not None else None)
            ctx = MatchContext(msg, row.category, self.account, ref.folder, self.zone, history, self.retainer_used)
            answers = self._answers(msg)
            planned = self.rules.evaluate(ctx)
            if answers:  # the open proposal answers a reply in its thread: no second proposal or booking
                planned = [a for a in planned if a.kind not in ("propose_meeting", "book")]
            planned = with_rate_card([*planned, *answers], self.rate_card)
            msg.forget_lowered()
        except Exception as exc:  # a message must never crash the pass: quarantine it
            row.status = "quarantined"
            row.reason = f"{type(exc).__name__}: {exc}"[:2000]
            self.report.quarantined += 1
            log.warning("quarantined a message: %s", row.reason, extra={"account": self.account})
            self._note(row, [])
            return row
        moved = False
        for seq, action in enumerate(planned):
            status = "planned"
            if action.kind in MOVES:
                status = "skipped" if moved else status
                moved = True
            params = encode_params(action)
            row.actions.append(
                ActionRow(
                    action_key(self.account, msg.key, action, params),
                    seq,
                    action.rule,
                    action.kind,
                    dict(action.params),
                    status,
                    params,
                    before_state(action.kind, action.params, state),
                )
            )
        if not any(a.status == "planned" for a in row.actions):
            row.status = "done"
        self._note(row, [describe(a.kind, a.params) for a in row.actions if a.status == "planned"])
        return row

    def _answers(self, msg: Message) -> list[PlannedAction]:
        """A ``book_meeting`` for a reply (not the executive's own) in the thread of an open proposal."""
        if not self._open_threads or (msg.sender is not None and msg.sender.email == self.client.email.lower()):
            return []
        for mid in (msg.in_reply_to, *msg.references):
            meeting = self._open_threads.get(mid or "")
            if meeting is not None:
                return [PlannedAction("meetings", 10_000, 0, "book_meeting", {"meeting": meeting.key})]
        return []

    def _note(self, row: MessageRow, actions: list[str]) -> None:
        if len(self.report.messages) < self.keep_messages:
            self.report.messages.append(
                MessageReport(row.folder, row.subject or "", row.sender or "", row.category, actions, row.reason)
            )


class BatchHistory:
    """The client's correspondent history as one batch's rules see it (``mailflow.rules.ruleset.History``).

    The first question about a sender (or a thread) asks the store about all
    the batch's senders (or threads) at once, so a batch costs at most two
    queries, and none when no rule and no triage decision needs the history.
    ``seen``: senders of messages planned earlier in this pass, not recorded
    yet (a run resumed after a crash finds those in the store instead, so it
    plans alike).
    """

    __slots__ = ("_batch", "_client", "_known", "_replied", "_seen", "_store")

    def __init__(self, store: Store, client: str, batch: Sequence[Message], seen: set[str]) -> None:
        self._store, self._client, self._batch, self._seen = store, client, batch, seen
        self._known: set[str] | None = None
        self._replied: set[str] | None = None

    def known(self, address: str) -> bool:
        if address in self._seen:
            return True
        if self._known is None:
            senders = {m.sender.email.lower() for m in self._batch if m.sender is not None}
            self._known = known_addresses(self._store, self._client, senders) if senders else set()
        return address in self._known

    def replied(self, message: Message) -> bool:
        if self._replied is None:
            ids = {i for m in self._batch for i in (*m.references, m.in_reply_to, m.message_id) if i}
            self._replied = replied_ids(self._store, self._client, ids) if ids else set()
        replied = self._replied
        if not replied:
            return False
        return any(i in replied for i in (*message.references, message.in_reply_to, message.message_id) if i)


def _done(value: list[FetchedMessage]) -> Future[list[FetchedMessage]]:
    future: Future[list[FetchedMessage]] = Future()
    future.set_result(value)
    return future
