"""Applying planned actions: the ledger and the connector's writes on one background thread.

A pass spends much of its time waiting: for the server to carry out writes
(an IMAP ``UID STORE`` over 2,000 messages takes Dovecot tens of
milliseconds) and for the database (SQLite releases the GIL while it
works). ``Applier`` lets the pass plan the next batch meanwhile. The pass's
thread does what needs the parsed message: it plans, groups the actions and
builds the drafts. One writer thread then does, strictly in the order it
was asked:

* ``record``: insert a batch's messages and planned actions;
* ``flush``: the connector calls for the staged actions (keywords and flags,
  drafts, moves, so a message's keywords are set before it is moved), then
  their outcomes, time entries and audit rows;
* ``enqueue``: anything that must follow them, such as storing the page's
  sync cursor.

Because one thread does all three in order, every action's plan is recorded
before its write is made and the cursor never passes a message that is not
recorded: exactly-once is what it was with everything inline. A crash at
any point leaves an action planned (redone, harmlessly, by the next run) or
done. After a job fails the writer runs no later job (a flush could depend
on a batch that was not recorded); the failure is re-raised on the pass's
thread, so a ``TransientError`` still stops the pass. While the writer runs,
nothing else uses the connector.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import NamedTuple, TypeVar

from .connector import MailConnector
from .drafting import Person, build_reply, template_context
from .errors import ConnectorError, MailflowError, TransientError
from .message import Message
from .model import Draft, MessageRef, Update
from .report import AccountReport
from .rules import RuleSet
from .rules.templates import render
from .store import MessageRow, Outcome, PendingAction, Store, TimeRow

__all__ = ["MOVES", "Applier"]

log = logging.getLogger("mailflow.pipeline")

MOVES = ("move", "archive")
T = TypeVar("T")
Relocations = Sequence[tuple[str, str, str]]  # (message key, folder, locator) of known messages seen elsewhere


class _Change(NamedTuple):
    """One ``update()`` call's change: labels to add, and the flag and read states to set."""

    add_labels: tuple[str, ...] = ()
    flagged: bool | None = None
    read: bool | None = None


class _Writes(NamedTuple):
    """One submitted group of actions, ready for the writer thread."""

    in_place: dict[_Change, list[PendingAction]]
    drafts: list[tuple[PendingAction, Draft]]
    moves: dict[str, list[PendingAction]]  # destination ("" for the archive) -> actions
    ready: list[Outcome]  # outcomes known without a write (time entries, drafts that failed to build)


@dataclass
class _Staged:
    """Actions waiting for the next flush."""

    in_place: list[PendingAction] = field(default_factory=list)
    drafts: list[tuple[PendingAction, Draft]] = field(default_factory=list)
    moves: list[PendingAction] = field(default_factory=list)
    ready: list[Outcome] = field(default_factory=list)


class _Result(NamedTuple):
    outcomes: list[Outcome]  # recorded in the store
    error: BaseException | None


class Applier:
    """Applies one account's planned actions; see the module docstring."""

    def __init__(
        self,
        store: Store,
        connector: MailConnector,
        rules: RuleSet,
        client: Person,
        assistant: Person,
        report: AccountReport,
        *,
        draft_grace: float = 1.0,
        in_flight: int = 3,
        record_every: int = 1000,
    ) -> None:
        self.store = store
        self.connector = connector
        self.rules = rules
        self.client = client
        self.assistant = assistant
        self.report = report
        self.account = connector.account
        self.draft_grace = draft_grace
        self.in_flight = in_flight
        self._pool: ThreadPoolExecutor | None = None
        self._jobs: deque[tuple[Future[_Result], list[str]]] = deque()  # with the message keys each records
        self._recording: set[str] = set()  # message keys whose record job has not been harvested
        self._unrecorded: list[tuple[Sequence[MessageRow], Sequence[Sequence[PendingAction]], Relocations]] = []
        self.record_every = record_every
        self._staged = _Staged()
        self._broken = False  # a job failed: the writer runs no more (touched only on the writer thread)

    # -- the writer thread ---------------------------------------------------

    def start(self) -> None:
        """Start the writer thread; until then (and after ``close``) work runs on the calling thread."""
        if self._pool is None:
            self._broken = False
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mailflow-write")

    def close(self) -> None:
        """Wait for the work in flight (it records its outcomes) and stop the writer thread; never raises."""
        try:
            self._settle()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the writer thread, after the work queued before it, and wait for its result.

        While the writer runs, the connector is used only there: the pass lists
        and fetches through this when it has no reader connection of its own.
        """
        if self._pool is None:
            return fn()
        return self._pool.submit(fn).result()

    def enqueue(self, fn: Callable[[], object]) -> None:
        """Run ``fn`` on the writer thread after the work queued before it (a cursor stored after its page)."""

        def work() -> _Result:
            fn()
            return _Result([], None)

        self._enqueue(work)

    def record(
        self, rows: Sequence[MessageRow], pending: Sequence[Sequence[PendingAction]], relocated: Relocations
    ) -> None:
        """Record a batch's messages and plans on the writer thread, before any write of theirs.

        ``pending[i]`` are the actions of ``rows[i]``, to be staged: their
        ``message_id`` is filled in once the row is inserted, which happens
        before any flush queued after this call runs. Batches are held until
        ``record_every`` messages are waiting (or anything else is queued) and
        recorded in one transaction: each transaction rewrites the index pages
        it touches, so fewer, larger ones write less. Until they are recorded,
        ``recording`` answers for their message keys.
        """
        self._recording.update(r.key for r in rows)
        self._unrecorded.append((rows, pending, relocated))
        if sum(len(batch[0]) for batch in self._unrecorded) >= self.record_every:
            self._send_records()

    def _send_records(self) -> None:
        """Queue the held batches as one record job (before whatever is queued next)."""
        if not self._unrecorded:
            return
        batches, self._unrecorded = self._unrecorded, []
        rows = [r for b in batches for r in b[0]]
        pending = [p for b in batches for p in b[1]]
        relocated = [m for b in batches for m in b[2]]

        def work() -> _Result:
            self.store.relocate(self.account, relocated)
            self.store.record(rows)
            for row, actions in zip(rows, pending, strict=True):
                for a in actions:
                    a.message_id = row.id or 0
            return _Result([], None)

        self._enqueue(work, [r.key for r in rows])

    def recording(self, keys: Sequence[str]) -> set[str]:
        """Which of these message keys are queued to be recorded (not yet known to a query of the store)."""
        return {k for k in keys if k in self._recording}

    def _enqueue(self, work: Callable[[], _Result], keys: Sequence[str] | None = None) -> None:
        """Queue one job; ``keys``: the message keys a record job records (None for any other job)."""
        if keys is None:
            self._send_records()  # held batches are recorded before anything queued after them
        if self._pool is None:
            self._finish(self._guard(work), list(keys or ()))
            return
        self._jobs.append((self._pool.submit(self._guard, work), list(keys or ())))
        self.harvest()

    def _guard(self, work: Callable[[], _Result]) -> _Result:
        """Run one job on the writer thread; after a failure no later job runs (it may depend on the failed one)."""
        if self._broken:
            return _Result([], None)  # its actions stay planned, or its batch unrecorded: the next run redoes it
        try:
            result = work()
        except BaseException as exc:
            result = _Result([], exc)
        if result.error is not None:
            self._broken = True
        return result

    def submit(self, pending: Sequence[PendingAction], originals: Mapping[str, Message] | None = None) -> None:
        """Stage these actions and flush everything staged, moves included."""
        self.stage(pending, originals)
        self.flush(moves=True)

    def stage(self, pending: Sequence[PendingAction], originals: Mapping[str, Message] | None = None) -> None:
        """Hold these actions for the next ``flush``; their drafts are built now, while the originals are at hand.

        ``originals`` maps message keys to their parsed messages; a draft whose
        original is missing there is fetched again.
        """
        for a in pending:
            if a.kind == "log_time":
                self._staged.ready.append(self._time(a))
            elif a.kind in MOVES:
                self._staged.moves.append(a)
            elif a.kind != "draft_reply":
                self._staged.in_place.append(a)
        drafts = [a for a in pending if a.kind == "draft_reply"]
        if drafts:
            self._staged.drafts.extend(self._drafts(drafts, originals or {}, self._staged.ready))

    @property
    def idle(self) -> bool:
        """Whether all queued work is done (the writer would start a flush at once)."""
        return all(job.done() for job, _ in self._jobs)

    @property
    def held_moves(self) -> int:
        """How many moves and archives are staged."""
        return len(self._staged.moves)

    def flush(self, *, moves: bool) -> None:
        """Queue the staged actions as one group of writes (with the staged moves, or keeping them staged)."""
        staged = self._staged
        self._staged = _Staged(moves=[] if moves else staged.moves)
        move_groups = self._moves(staged.moves) if moves else {}
        if not (staged.in_place or staged.drafts or staged.ready or move_groups):
            return
        writes = _Writes(self._in_place(staged.in_place), staged.drafts, move_groups, staged.ready)
        self._enqueue(partial(self._write, writes))

    def harvest(self, *, block: bool = False) -> None:
        """Take the results of finished jobs (of all of them with ``block``); re-raise a job's failure."""
        while self._jobs and (block or self._jobs[0][0].done() or len(self._jobs) > self.in_flight):
            job, keys = self._jobs.popleft()
            self._finish(job.result(), keys)

    def wait(self) -> None:
        """Return once all queued work is done and its outcomes recorded."""
        self._send_records()
        self.harvest(block=True)

    def _settle(self) -> None:
        """Cancel jobs not started and wait for the rest; their failures are already being handled.

        Batches still held for recording are dropped: nothing of theirs was
        written, and the next run plans them again.
        """
        self._unrecorded = []
        for job, _ in self._jobs:
            job.cancel()
        while self._jobs:
            job, _keys = self._jobs.popleft()
            if not job.cancelled():  # a cancelled job's actions stay planned: the next run applies them
                self._count(job.result().outcomes)
        self._recording.clear()

    def _finish(self, result: _Result, keys: list[str]) -> None:
        self._recording.difference_update(keys)
        self._count(result.outcomes)
        if result.error is not None:
            self._settle()
            raise result.error

    def _count(self, outcomes: Sequence[Outcome]) -> None:
        for o in outcomes:
            if o.status == "done":
                self.report.actions[o.action.kind] += 1
                if o.time:
                    self.report.seconds_logged += o.time.seconds
            elif o.status == "failed":
                self.report.failed += 1

    def _write(self, writes: _Writes) -> _Result:
        """The connector calls for one submission, in order (keywords and flags, drafts, moves), then the outcomes.

        The outcomes are recorded here, on the writer thread, so that the
        database's own work overlaps the pass's; the returned outcomes are the
        recorded ones.
        """
        outcomes = list(writes.ready)
        error: BaseException | None = None
        try:
            self._apply_in_place(writes.in_place, outcomes)
            if writes.drafts:
                # Marked before being saved: after a crash, a draft is looked up before it is saved again.
                self.store.mark_applying([a.key for a, _ in writes.drafts if a.status == "planned"])
                drafts = [d for _, d in writes.drafts]
                self._group(outcomes, [a for a, _ in writes.drafts], partial(self.connector.save_drafts, drafts))
            for folder, group in writes.moves.items():
                refs = [self._ref(a) for a in group]
                if folder:
                    self._group(outcomes, group, partial(self.connector.move, refs, folder))
                else:
                    self._group(outcomes, group, partial(self.connector.archive, refs))
        except BaseException as exc:  # handed to the pass's thread with what was done before it
            error = exc
        try:
            self.store.complete(self.client.id, self.account, outcomes)
        except BaseException as exc:  # not recorded: the actions stay planned and are redone, harmlessly
            if error is not None:
                log.error("could not record the outcome of writes: %s", exc, extra={"account": self.account})
            return _Result([], error or exc)
        return _Result(outcomes, error)

    # -- grouping --------------------------------------------------------------

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

    @staticmethod
    def _in_place(pending: Sequence[PendingAction]) -> dict[_Change, list[PendingAction]]:
        """Labels, flag and read state, grouped into as few connector calls as possible.

        Either one call per distinct change (each message's labels, flag and
        read state together: each message is written once) or one call per
        label and per flag state (few calls when many messages carry
        different mixes of many labels), whichever makes fewer calls.
        """
        per_message: dict[str, list[PendingAction]] = {}
        for a in pending:
            if a.kind in ("label", "flag", "mark_read"):
                per_message.setdefault(a.message_key, []).append(a)
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
        return by_change if len(by_change) <= len(by_item) else by_item

    def _apply_in_place(self, groups: dict[_Change, list[PendingAction]], outcomes: list[Outcome]) -> None:
        """One ``update_many`` for every group: a provider that can pipeline or batch does one round trip."""
        if not groups:
            return
        changes = list(groups.items())
        errors = self.connector.update_many(
            [Update(self._refs(acts), c.add_labels, c.flagged, c.read) for c, acts in changes]
        )  # a TransientError stops the pass; the actions stay planned and are redone next time
        failed: dict[str, str] = {}
        involved: dict[str, PendingAction] = {}
        for (_change, acts), error in zip(changes, errors, strict=True):
            for a in acts:
                if error is not None:
                    failed.setdefault(a.key, f"{type(error).__name__}: {error}")
                involved[a.key] = a
        for key, a in involved.items():
            outcomes.append(Outcome(a, "failed", failed[key]) if key in failed else Outcome(a, "done"))

    def _refs(self, actions: Sequence[PendingAction]) -> list[MessageRef]:
        """One ref per message of these actions."""
        seen: dict[str, MessageRef] = {}
        for a in actions:
            if a.message_key not in seen:
                seen[a.message_key] = self._ref(a)
        return list(seen.values())

    @staticmethod
    def _moves(pending: Sequence[PendingAction]) -> dict[str, list[PendingAction]]:
        groups: dict[str, list[PendingAction]] = {}
        for a in pending:
            if a.kind in MOVES:
                groups.setdefault(a.params.get("folder", "") if a.kind == "move" else "", []).append(a)
        return groups

    # -- drafts and time ---------------------------------------------------------

    def _drafts(
        self, pending: Sequence[PendingAction], originals: Mapping[str, Message], outcomes: list[Outcome]
    ) -> list[tuple[PendingAction, Draft]]:
        """Build the drafts to save; a draft an interrupted run may have saved is looked up first."""
        if not pending:
            return []
        todo = [a for a in pending if a.status != "applying"]
        interrupted = [a for a in pending if a.status == "applying"]
        if interrupted:
            found, missing = self.call(partial(self._find_interrupted, interrupted))
            outcomes.extend(Outcome(a, "done", "draft found after an interrupted run") for a in found)
            todo += missing
        built: list[tuple[PendingAction, Draft]] = []
        for a in todo:
            try:
                message = originals.get(a.message_key) or self.call(partial(self._original, a))
                text = render(self.rules.draft_template(a), template_context(message, self.client, self.assistant))
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
        return built

    def _find_interrupted(
        self, interrupted: Sequence[PendingAction]
    ) -> tuple[list[PendingAction], list[PendingAction]]:
        """(found in Drafts, not there) for drafts whose save an earlier run began."""
        found: list[PendingAction] = []
        for attempt in range(2):
            # A save interrupted by a crash may still be committing on the server (it
            # had every byte): look again a moment later before saving it anew.
            if attempt and interrupted:
                time.sleep(self.draft_grace)
            still: list[PendingAction] = []
            for a in interrupted:
                (found if self.connector.find_draft(a.key) is not None else still).append(a)
            interrupted = still
        return found, list(interrupted)

    def _original(self, a: PendingAction) -> Message:
        for fetched in self.connector.fetch([self._ref(a)]):
            return Message(fetched.raw)
        raise MailflowError(f"the message to reply to is no longer in {a.folder}")

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
