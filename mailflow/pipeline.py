"""One account's pass: new mail -> parse -> classify -> rules -> plan -> apply, exactly once.

The order of writes is what makes a crash at any point harmless:

1. New messages are fetched in batches. Each batch is parsed (headers only,
   unless a rule needs the body), classified and run through the client's
   rules; the messages and their planned actions are recorded in one
   transaction, each action under an idempotency key.
2. Drafts and time entries are applied batch by batch (a draft needs the
   parsed original, still in memory). Drafts are marked ``applying`` before
   they are saved: after a crash, a draft in that state is looked up by its
   key in Drafts before it is saved again.
3. Keywords, flags and read state are collected over up to ``apply_every``
   (2,000) messages and applied with one call per distinct change (one IMAP
   ``UID STORE`` for every message that gets ``Urgent`` and ``\\Flagged``)
   or one per label and flag state, whichever makes fewer calls; moves and
   archives are held over the folder (up to 10,000) and applied last, one
   call per destination. A server's cost per write command grows with the
   mailbox, so few large commands beat many small ones; and moving last
   means the other actions still find each message where it was.
4. Outcomes, time entries and audit rows are written in one transaction.
5. A folder is listed a page (5,000 messages) at a time, and its sync
   cursor advances only once every message of the page is recorded.

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
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from typing import NamedTuple

from .connector import MailConnector
from .drafting import Person, build_reply, template_context
from .errors import ConnectorError, MailflowError, TransientError
from .message import Message
from .model import ChangeSet, Draft, FetchedMessage, MessageRef
from .report import AccountReport, MessageReport, describe
from .rules import MatchContext, PlannedAction, RuleSet
from .rules.templates import render
from .store import ActionRow, MessageRow, Outcome, PendingAction, Store, TimeRow
from .triage import classify

log = logging.getLogger("mailflow.pipeline")

_MOVES = ("move", "archive")
_MAX_HELD_MOVES = 10_000
_DEFERRED = frozenset({"label", "flag", "mark_read", "move", "archive"})


class _Change(NamedTuple):
    """One ``update()`` call's change: labels to add, and the flag and read states to set."""

    add_labels: tuple[str, ...] = ()
    flagged: bool | None = None
    read: bool | None = None


def action_key(account: str, message_key: str, action: PlannedAction) -> str:
    """The idempotency key of one planned action on one message."""
    params = json.dumps(action.params, sort_keys=True, default=str)
    text = "\x1f".join(
        (account, message_key, str(action.rule_index), action.rule, str(action.index), action.kind, params)
    )
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


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
        apply_every: int = 2000,
        page_size: int = 5000,
        draft_grace: float = 1.0,
        keep_messages: int = 200,
        progress: Callable[[int], None] | None = None,
        reader: MailConnector | None = None,
    ) -> None:
        self.store = store
        self.connector = connector
        self.rules = rules
        self.client = client
        self.assistant = assistant
        self.account = connector.account
        self.folders = list(folders)
        self.batch_size = batch_size
        self.apply_every = max(apply_every, batch_size)
        self.page_size = max(page_size, batch_size)
        self.draft_grace = draft_grace
        self.keep_messages = keep_messages
        self.progress = progress
        self.reader = reader
        self.report = AccountReport(client=client.id, account=self.account)
        self._cache: dict[int, Message] = {}

    # -- the pass ------------------------------------------------------------

    def run(self) -> AccountReport:
        self.connector.open()
        try:
            if self.reader is not None:
                self.reader.open()
            leftover = self.store.pending(self.account)
            if leftover:
                self.report.resumed = len({a.message_id for a in leftover})
                log.info(
                    "resuming %d actions left by an interrupted run", len(leftover), extra={"account": self.account}
                )
                self.apply(leftover)
            for folder in self.folders:
                self._sync_folder(folder)
        finally:
            if self.reader is not None:
                self.reader.close()
            self.connector.close()
        return self.report

    def _batches(self, folder: str, refs: Sequence[MessageRef]) -> Iterator[tuple[int, list[MessageRef]]]:
        """Each batch's size and the refs in it that the store has not seen."""
        for start in range(0, len(refs), self.batch_size):
            chunk = refs[start : start + self.batch_size]
            known = self.store.known_locators(self.account, folder, [r.locator for r in chunk])
            yield len(chunk), [r for r in chunk if r.locator not in known]

    def _fetch(self, refs: Sequence[MessageRef]) -> list[FetchedMessage]:
        return list((self.reader or self.connector).fetch(refs)) if refs else []

    def _sync_folder(self, folder: str) -> None:
        """The folder's new mail, a page at a time; the cursor advances once a page is recorded."""
        cursor = self.store.get_cursor(self.account, folder)
        moves: list[PendingAction] = []  # held over pages: one MOVE per destination
        while True:
            changes = self.connector.changes(folder, cursor, limit=self.page_size)
            deferred = self._sync_page(folder, changes)
            moves.extend(a for a in deferred if a.kind in _MOVES)
            rest = [a for a in deferred if a.kind not in _MOVES]
            if len(moves) >= _MAX_HELD_MOVES or not changes.more:
                rest, moves = rest + moves, []
            self.apply(rest)
            self.store.set_cursor(self.account, changes.cursor)
            cursor = changes.cursor
            if not changes.more:
                return

    def _sync_page(self, folder: str, changes: ChangeSet) -> list[PendingAction]:
        """Fetch, plan and record one page; return the actions not applied yet (moves among them)."""
        deferred: list[PendingAction] = []
        held: list[PendingAction] = []
        unapplied = 0

        def handle(size: int, fresh: list[MessageRef], fetched: Future[list[FetchedMessage]]) -> None:
            nonlocal deferred, unapplied
            self.report.skipped += size - len(fresh)
            if fresh:
                deferred.extend(self._process_batch(fetched.result(), reset=changes.reset))
                unapplied += len(fresh)
            if unapplied >= self.apply_every:
                held.extend(a for a in deferred if a.kind in _MOVES)
                self.apply([a for a in deferred if a.kind not in _MOVES])
                deferred, unapplied = [], 0
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
        return deferred + held

    def _process_batch(self, fetched: Sequence[FetchedMessage], *, reset: bool) -> list[PendingAction]:
        """Plan and record a batch; apply its drafts and time entries; return the actions left for later."""
        parsed = [(f.ref, Message(f.raw)) for f in fetched]
        known = self.store.known_keys(self.account, [m.key for _, m in parsed])
        rows: list[MessageRow] = []
        messages: list[Message] = []
        relocated: list[tuple[str, str, str]] = []
        batch_keys: set[str] = set()
        for ref, msg in parsed:
            if msg.key in known or msg.key in batch_keys:
                self.report.skipped += 1
                if reset and msg.key in known:
                    relocated.append((msg.key, ref.folder, ref.locator))
                continue
            batch_keys.add(msg.key)
            rows.append(self._plan(ref, msg))
            messages.append(msg)
        self.store.relocate(self.account, relocated)
        self.store.record(rows)
        now: list[PendingAction] = []
        later: list[PendingAction] = []
        for row, msg in zip(rows, messages, strict=True):
            assert row.id is not None
            self._cache[row.id] = msg
            for a in row.actions:
                if a.status != "planned":
                    continue
                action = PendingAction(
                    a.key,
                    row.id,
                    row.key,
                    row.folder,
                    row.locator,
                    row.subject,
                    a.seq,
                    a.rule,
                    a.kind,
                    a.params,
                    a.status,
                )
                (later if a.kind in _DEFERRED else now).append(action)
        self.apply(now)
        self._cache.clear()
        return later

    def _plan(self, ref: MessageRef, msg: Message) -> MessageRow:
        """Classify and evaluate one message; a failure quarantines it with the reason."""
        self.report.new += 1
        row = MessageRow(self.client.id, self.account, msg.key, ref.folder, ref.locator, "planned")
        try:
            row.subject = msg.subject
            row.sender = msg.sender.email if msg.sender else None
            row.category = classify(msg)
            planned = self.rules.evaluate(MatchContext(msg, row.category, self.account, ref.folder))
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
            if action.kind in _MOVES:
                status = "skipped" if moved else status
                moved = True
            row.actions.append(
                ActionRow(
                    action_key(self.account, msg.key, action),
                    seq,
                    action.rule,
                    action.kind,
                    dict(action.params),
                    status,
                )
            )
        if not any(a.status == "planned" for a in row.actions):
            row.status = "done"
        self._note(row, [describe(a.kind, a.params) for a in row.actions if a.status == "planned"])
        return row

    def _note(self, row: MessageRow, actions: list[str]) -> None:
        if len(self.report.messages) < self.keep_messages:
            self.report.messages.append(
                MessageReport(row.folder, row.subject or "", row.sender or "", row.category, actions, row.reason)
            )

    # -- applying --------------------------------------------------------------

    def apply(self, pending: Sequence[PendingAction]) -> None:
        """Apply planned actions, grouped per kind; record every outcome in one transaction."""
        outcomes: list[Outcome] = []
        try:
            self._apply_in_place(pending, outcomes)
            self._apply_drafts([a for a in pending if a.kind == "draft_reply"], outcomes)
            for a in pending:
                if a.kind == "log_time":
                    outcomes.append(self._time(a))
            self._apply_moves([a for a in pending if a.kind in _MOVES], outcomes)
        finally:
            self.store.complete(self.client.id, self.account, outcomes)
            for o in outcomes:
                if o.status == "done":
                    self.report.actions[o.action.kind] += 1
                    if o.time:
                        self.report.seconds_logged += o.time.seconds
                elif o.status == "failed":
                    self.report.failed += 1

    def _ref(self, a: PendingAction) -> MessageRef:
        return MessageRef(self.account, a.folder, a.locator)

    def _group(self, outcomes: list[Outcome], group: Sequence[PendingAction], call: Callable[[], object]) -> None:
        """Run one connector call for a group of actions and record the outcome of each."""
        try:
            call()
        except TransientError:
            raise  # the pass stops; the actions stay planned and are redone next time
        except ConnectorError as exc:
            outcomes.extend(Outcome(a, "failed", f"{type(exc).__name__}: {exc}") for a in group)
            return
        outcomes.extend(Outcome(a, "done") for a in group)

    def _apply_in_place(self, pending: Sequence[PendingAction], outcomes: list[Outcome]) -> None:
        """Labels, flag and read state, in as few connector calls as possible.

        Either one call per distinct change (each message's labels, flag and
        read state together: each message is written once) or one call per
        label and per flag state (few calls when many messages carry
        different mixes of many labels), whichever makes fewer calls.
        """
        per_message: dict[int, list[PendingAction]] = {}
        for a in pending:
            if a.kind in ("label", "flag", "mark_read"):
                per_message.setdefault(a.message_id, []).append(a)
        by_change: dict[_Change, list[PendingAction]] = {}
        by_item: dict[_Change, list[PendingAction]] = {}
        for acts in per_message.values():
            labels: set[str] = set()
            flagged: bool | None = None
            read: bool | None = None
            for a in acts:  # in rule order: a later rule's flag or read state wins
                if a.kind == "label":
                    labels.update(a.params["labels"])
                elif a.kind == "flag":
                    flagged = bool(a.params.get("on", True))
                else:
                    read = bool(a.params.get("on", True))
            by_change.setdefault(_Change(tuple(sorted(labels)), flagged, read), []).extend(acts)
            items = [_Change((label,)) for label in labels]
            items += [_Change(flagged=flagged)] if flagged is not None else []
            items += [_Change(read=read)] if read is not None else []
            for item in items:
                by_item.setdefault(item, []).extend(acts)
        groups = by_change if len(by_change) <= len(by_item) else by_item
        failed: dict[str, str] = {}
        involved: dict[str, PendingAction] = {}
        for change, acts in groups.items():
            try:
                self.connector.update(
                    self._refs(acts), add_labels=change.add_labels, flagged=change.flagged, read=change.read
                )
            except TransientError:
                raise  # the pass stops; the actions stay planned and are redone next time
            except ConnectorError as exc:
                for a in acts:
                    failed.setdefault(a.key, f"{type(exc).__name__}: {exc}")
            for a in acts:
                involved[a.key] = a
        for key, a in involved.items():
            outcomes.append(Outcome(a, "failed", failed[key]) if key in failed else Outcome(a, "done"))

    def _refs(self, actions: Sequence[PendingAction]) -> list[MessageRef]:
        """One ref per message of these actions."""
        seen: dict[int, MessageRef] = {}
        for a in actions:
            if a.message_id not in seen:
                seen[a.message_id] = self._ref(a)
        return list(seen.values())

    def _apply_moves(self, pending: Sequence[PendingAction], outcomes: list[Outcome]) -> None:
        groups: dict[str, list[PendingAction]] = {}
        for a in pending:
            groups.setdefault(a.params.get("folder", "") if a.kind == "move" else "", []).append(a)
        for folder, group in groups.items():
            refs = [self._ref(a) for a in group]
            if folder:
                self._group(outcomes, group, partial(self.connector.move, refs, folder))
            else:
                self._group(outcomes, group, partial(self.connector.archive, refs))

    def _apply_drafts(self, pending: Sequence[PendingAction], outcomes: list[Outcome]) -> None:
        if not pending:
            return
        todo = [a for a in pending if a.status != "applying"]
        interrupted = [a for a in pending if a.status == "applying"]
        for attempt in range(2):
            # A save interrupted by a crash may still be committing on the server (it
            # had every byte): look again a moment later before saving it anew.
            if attempt and interrupted:
                time.sleep(self.draft_grace)
            still: list[PendingAction] = []
            for a in interrupted:
                if self.connector.find_draft(a.key) is not None:
                    outcomes.append(Outcome(a, "done", "draft found after an interrupted run"))
                else:
                    still.append(a)
            interrupted = still
        todo += interrupted
        self.store.mark_applying([a.key for a in todo if a.status == "planned"])
        built: list[tuple[PendingAction, Draft]] = []
        for a in todo:
            try:
                message = self._original(a)
                text = self._render(a, message)
                draft = build_reply(
                    message,
                    text,
                    self.client,
                    a.key,
                    reply_all=bool(a.params.get("reply_all", False)),
                    include_quote=bool(a.params.get("quote", True)),
                )
            except MailflowError as exc:
                outcomes.append(Outcome(a, "failed", f"{type(exc).__name__}: {exc}"))
                continue
            except Exception as exc:  # a broken original must not stop the others
                outcomes.append(Outcome(a, "failed", f"cannot build the reply: {type(exc).__name__}: {exc}"))
                continue
            built.append((a, draft))
        if built:
            drafts = [d for _, d in built]
            self._group(outcomes, [a for a, _ in built], partial(self.connector.save_drafts, drafts))

    def _original(self, a: PendingAction) -> Message:
        cached = self._cache.get(a.message_id)
        if cached is not None:
            return cached
        for fetched in self.connector.fetch([self._ref(a)]):
            return Message(fetched.raw)
        raise MailflowError(f"the message to reply to is no longer in {a.folder}")

    def _render(self, a: PendingAction, message: Message) -> str:
        return render(self.rules.draft_template(a), template_context(message, self.client, self.assistant))

    def _time(self, a: PendingAction) -> Outcome:
        entry = TimeRow(
            client=self.client.id,
            account=self.account,
            activity=str(a.params.get("activity") or "email"),
            seconds=int(a.params.get("seconds", 0)),
            source="auto",
            at=datetime.now(UTC),
            action_key=a.key,
            message_key=a.message_key,
            rule=a.rule,
        )
        return Outcome(a, "done", time=entry)


def _done(value: list[FetchedMessage]) -> Future[list[FetchedMessage]]:
    future: Future[list[FetchedMessage]] = Future()
    future.set_result(value)
    return future
