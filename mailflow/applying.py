"""Applying planned actions: the ledger and the connector's writes on two background threads.

A pass spends much of its time waiting: for the server to carry out writes
(an IMAP ``UID STORE`` over 10,000 messages of a large Maildir folder keeps
Dovecot busy for seconds) and for the database (SQLite releases the GIL
while it works). ``Applier`` lets the pass plan the next batches meanwhile.
The pass's thread does what needs the parsed message: it plans, holds each
message's keywords, flags and move compactly, and stages the other kinds
(``mailflow.staging``: drafts, notices, forwards, meetings, time entries).
Two threads then do the rest, each strictly in the order it was asked:

* the **store thread**: ``record`` (insert a batch's messages and planned
  actions), ``enqueue`` (what must follow the records queued before it,
  such as storing the page's sync cursor), outcomes that need no write
  (time entries) as they come, and each group of writes' outcomes and
  audit rows once its writes are made;
* the **writer thread**: ``flush``, the connector calls for the staged
  actions (keywords and flags, drafts, moves, so a message's keywords are
  set before it is moved). A group of writes first waits for the records
  queued before it, then hands its outcomes to the store thread.

So every action's plan is recorded before its write is made and the cursor
never passes a message that is not recorded: exactly-once is what it was
with everything inline. The two threads overlap: while the server works
through a large round of writes, the next batches are recorded (and their
rows freed). A crash at any point leaves an action planned (redone,
harmlessly, by the next run) or done. After a job fails neither thread
starts a later one (a write could depend on a batch that was not
recorded), though the outcomes of writes already made are still recorded;
the failure is re-raised on the pass's thread, so a ``TransientError``
still stops the pass. While the writer runs, nothing else uses the
connector.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar

from .connector import MailConnector, Outbound
from .drafting import Person
from .errors import ConnectorError, MailflowError, TransientError
from .message import Message
from .model import MessageRef, Update
from .report import AccountReport
from .rules import RuleSet
from .staging import Staged, Staging, describe_error, find_drafts
from .store import ActionRow, Completed, MessageRow, Outcome, PendingAction, Settled, Store
from .store_thread import StoreThread
from .undo import draft_digest

if TYPE_CHECKING:  # the calendars (icalendar, 4 MB) are imported only for a client that has some
    from .meetings import MeetingDesk

__all__ = ["IN_PLACE", "MOVES", "Applier"]

log = logging.getLogger("mailflow.pipeline")

MOVES = ("move", "archive")
IN_PLACE = ("label", "unlabel", "flag", "mark_read")  # written together, as one change per message
T = TypeVar("T")
Relocations = Sequence[tuple[str, str, str]]  # (message key, folder, locator) of known messages seen elsewhere


class _Change(NamedTuple):
    """One ``update()`` call's change: labels to add and remove, and the flag and read states to set."""

    add_labels: tuple[str, ...] = ()
    flagged: bool | None = None
    read: bool | None = None
    remove_labels: tuple[str, ...] = ()


@dataclass(slots=True)
class _Held:
    """One message's write, held compactly until it is made: its change of keywords and flags, or its move.

    Its planned actions stay in the ledger, where the outcome is recorded by
    message (``Settled``): about 100 bytes a message instead of a few hundred
    an action, so writes can be held over many thousands of messages.
    """

    message_id: int  # 0 until the message is recorded (the record job fills it in)
    folder: str
    locator: str
    write: _Change | str  # the change, or the move's destination ("" for the archive)


class _Writes(NamedTuple):
    """One submitted group of actions, ready for the writer thread."""

    in_place: dict[_Change, list[_Held]]
    moves: dict[str, list[_Held]]  # destination ("" for the archive) -> messages
    staged: Staged  # drafts, notices and forwards (outcomes known without a write are recorded apart)


class _Planned(Protocol):
    """An action as recorded (``ActionRow``) or read back (``PendingAction``): what ``_hold`` reads."""

    kind: str
    params: dict[str, Any]


_Filled = tuple[list[_Held], list[PendingAction]]  # what a record job fills in with the message's id


class _Result(NamedTuple):
    outcomes: list[Outcome]  # recorded in the store
    error: BaseException | None
    settled: Completed | None = None  # what was recorded for held writes
    waiting: tuple[str, ...] = ()  # actions left planned: the server they need could not be reached


class _Written(NamedTuple):
    """A group of writes once made: the outcomes to record, and the error that stopped it, if any."""

    outcomes: list[Outcome]
    settled: tuple[Settled, Settled]  # (keywords and flags, moves) by message
    error: BaseException | None
    waiting: tuple[str, ...] = ()


class _Job(NamedTuple):
    future: Future[_Result]
    keys: list[str]  # the message keys a record job records
    writes: bool  # a group of writes (else a job of the store thread)


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
        outbound: Outbound | None = None,
        meetings: MeetingDesk | None = None,
        calendars_unavailable: bool = False,
        draft_grace: float = 1.0,
        in_flight: int = 3,
        writes_in_flight: int = 2,
        record_every: int = 1000,
        min_round: int = 2000,
        write_every: int = 10_000,
        move_every: int = 10_000,
        taper_min: int = 250,
    ) -> None:
        self.store = store
        self.connector = connector
        self.client = client
        self.report = report
        self.account = connector.account
        self.draft_grace = draft_grace
        self.staging = Staging(
            rules,
            client,
            assistant,
            self.account,
            report,
            fetch=self._fetch_original,
            look_up_drafts=self._find_drafts,
            mark_sending=self._mark_sending,
            outbound=outbound,
            meetings=meetings,
            calendars_unavailable=calendars_unavailable,
        )
        self.in_flight = in_flight  # store jobs queued or running before the pass waits
        self.writes_in_flight = writes_in_flight  # groups of writes queued or running before the pass waits
        self._db: StoreThread | None = None  # the store thread
        self._net: ThreadPoolExecutor | None = None  # the writer thread (the connector's)
        self._jobs: list[_Job] = []
        self._last_record: Future[_Result] | None = None  # the store job queued last
        self._recording: set[str] = set()  # message keys whose record job has not been harvested
        self._unrecorded: list[tuple[Sequence[MessageRow], Sequence[_Filled], Relocations]] = []
        self.record_every = record_every
        self.min_round = min(min_round, write_every)
        self.write_every = write_every
        self.move_every = move_every
        self.taper_min = taper_min  # the smallest round near a folder's end (see taper)
        self.round = self.min_round  # held changes per write round, for the folder being synced
        self.move_round = min(self.min_round, move_every)  # held moves per round, likewise
        self.moves_with_changes = False  # every round of changes takes the held moves along (see fit_rounds)
        self._staged = Staged()
        self._held_in_place: list[_Held] = []
        self._held_moves: list[_Held] = []
        self._changes: dict[_Change, _Change] = {}  # one object per distinct change among the held ones
        self._broken = False  # a job failed: the writer runs no more (touched only on the writer thread)

    # -- the store and writer threads -------------------------------------------

    def start(self) -> None:
        """Start the two threads; until then (and after ``close``) work runs on the calling thread."""
        if self._db is None:
            self._broken = False
            self._db = StoreThread()
            self._net = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mailflow-write")

    def close(self) -> None:
        """Wait for the work in flight (it records its outcomes) and stop both threads; never raises."""
        try:
            self._settle()
        finally:
            for pool in (self._net, self._db):  # the writer first: it hands work to the store thread
                if pool is not None:
                    pool.shutdown(wait=True, cancel_futures=True)
            self._net = self._db = None
            self._last_record = None

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the writer thread, after the writes queued before it, and wait for its result.

        While the writer runs, the connector is used only there: the pass lists
        and fetches through this when it has no reader connection of its own.
        """
        if self._net is None:
            return fn()
        return self._net.submit(fn).result()

    def _store_call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the store thread, after the records queued before it, and wait for its result."""
        if self._db is None:
            return fn()
        return self._db.submit(fn).result()

    def enqueue(self, fn: Callable[[], object]) -> None:
        """Run ``fn`` on the store thread after the records queued before it (a cursor stored after its page)."""

        def work() -> _Result:
            fn()
            return _Result([], None)

        self._enqueue(work)

    def add(self, rows: Sequence[MessageRow], relocated: Relocations, originals: Mapping[str, Message]) -> None:
        """Record a batch of new messages with their plans (on the writer thread) and stage their actions.

        Each message's keywords, flag and read state become one held change and
        its move one held move; drafts are built now, while ``originals`` (the
        parsed messages by key) are at hand. Batches are held until
        ``record_every`` messages are waiting (or anything else is queued) and
        recorded in one transaction: each transaction rewrites the index pages
        it touches, so fewer, larger ones write less. Until they are recorded,
        ``recording`` answers for their message keys; every flush queued
        after this call runs after the recording.
        """
        filled: list[_Filled] = []
        rest: list[PendingAction] = []
        for row in rows:
            planned = [a for a in row.actions if a.status == "planned"]
            held = self._hold(planned, 0, row.folder, row.locator)
            others = [_pending(row, a) for a in planned if a.kind not in IN_PLACE and a.kind not in MOVES]
            filled.append((held, others))
            rest += others
        self._recording.update(r.key for r in rows)
        self._unrecorded.append((rows, filled, relocated))
        if sum(len(batch[0]) for batch in self._unrecorded) >= self.record_every:
            self._send_records()
        self.staging.stage(rest, originals, self._staged)

    def _send_records(self) -> None:
        """Queue the held batches as one record job (before whatever is queued next)."""
        if not self._unrecorded:
            return
        batches, self._unrecorded = self._unrecorded, []
        rows = [r for b in batches for r in b[0]]
        filled = [f for b in batches for f in b[1]]
        relocated = [m for b in batches for m in b[2]]

        def work() -> _Result:
            self.store.relocate(self.account, relocated)
            self.store.record(rows)
            for row, (held, others) in zip(rows, filled, strict=True):
                for h in held:
                    h.message_id = row.id or 0
                for a in others:
                    a.message_id = row.id or 0
            return _Result([], None)

        self._enqueue(work, [r.key for r in rows])

    def recording(self, keys: Sequence[str]) -> set[str]:
        """Which of these message keys are queued to be recorded (not yet known to a query of the store)."""
        return {k for k in keys if k in self._recording}

    def _enqueue(self, work: Callable[[], _Result], keys: Sequence[str] | None = None) -> None:
        """Queue one store job; ``keys``: the message keys a record job records (None for any other job)."""
        if keys is None:
            self._send_records()  # held batches are recorded before anything queued after them
        if self._db is None:
            self._finish(self._guard(work), list(keys or ()))
            return
        self._last_record = self._db.submit(self._guard, work)
        self._jobs.append(_Job(self._last_record, list(keys or ()), False))
        self.harvest()

    def _enqueue_writes(self, writes: _Writes) -> None:
        """Queue a group of writes: made on the writer thread once the records before it are in, then recorded."""
        self._send_records()
        if self._db is None or self._net is None:
            self._finish(self._guard(lambda: self._record_outcomes(self._write(writes))), [])
            return
        db, after = self._db, self._last_record
        done: Future[_Result] = Future()

        def record(written: _Written) -> None:  # on the store thread, even after a failure elsewhere
            result = self._record_outcomes(written)
            if result.error is not None:
                self._broken = True
            done.set_result(result)

        def write() -> None:  # on the writer thread
            if not done.set_running_or_notify_cancel():
                return  # cancelled before it began: its actions stay planned, the next run makes them
            try:
                if after is not None:
                    after.result()  # the records it needs (a failed one has set _broken)
                if self._broken:
                    done.set_result(_Result([], None))
                    return
                written = self._write(writes)
                if written.error is not None:
                    self._broken = True
                db.submit_late(record, written)
            except BaseException as exc:  # a cancelled record: nothing was written
                self._broken = True
                done.set_result(_Result([], exc))

        self._net.submit(write)
        self._jobs.append(_Job(done, [], True))
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

    def submit(self, pending: Sequence[PendingAction]) -> None:
        """Stage recorded actions (an interrupted run's) and flush everything staged and held."""
        by_message: dict[int, list[PendingAction]] = {}
        for a in pending:
            by_message.setdefault(a.message_id, []).append(a)
        for mid, actions in by_message.items():
            self._hold(actions, mid, actions[0].folder, actions[0].locator)
        self.staging.stage(pending, {}, self._staged)
        self.flush(final=True)

    def _hold(self, actions: Sequence[_Planned], message_id: int, folder: str, locator: str) -> list[_Held]:
        """Hold one message's planned keywords, flag and read state as one change, and its move."""
        held: list[_Held] = []
        labels: set[str] = set()
        unlabels: set[str] = set()
        flagged: bool | None = None
        read: bool | None = None
        destination: str | None = None
        for a in actions:  # in rule order: a later rule's label, flag or read state wins
            if a.kind == "label":
                labels.update(a.params["labels"])
                unlabels.difference_update(a.params["labels"])
            elif a.kind == "unlabel":
                unlabels.update(a.params["labels"])
                labels.difference_update(a.params["labels"])
            elif a.kind == "flag":
                flagged = bool(a.params.get("on", True))
            elif a.kind == "mark_read":
                read = bool(a.params.get("on", True))
            elif a.kind in MOVES and destination is None:
                destination = str(a.params.get("folder", "")) if a.kind == "move" else ""
        if labels or unlabels or flagged is not None or read is not None:
            change = _Change(tuple(sorted(labels)), flagged, read, tuple(sorted(unlabels)))
            held.append(_Held(message_id, folder, locator, self._changes.setdefault(change, change)))
            self._held_in_place.append(held[-1])
        if destination is not None:
            held.append(_Held(message_id, folder, locator, destination))
            self._held_moves.append(held[-1])
        return held

    @property
    def _writes_out(self) -> int:
        """Groups of writes queued or running (not yet harvested)."""
        return sum(j.writes for j in self._jobs)

    @property
    def idle(self) -> bool:
        """Whether all queued writes are made and recorded (the writer would start a flush at once)."""
        return all(job.future.done() for job in self._jobs if job.writes)

    def flush(self, *, final: bool = False, remaining: int | None = None) -> None:
        """Queue the staged drafts and outcomes as one group of writes, with the held writes when due.

        Held changes go when ``final`` or once ``round`` messages' are held,
        held moves when ``final`` or once ``move_round`` are held, or with
        every round of changes in a large folder (see ``fit_rounds``), each
        time with the held changes (so a message's keywords are always set
        before it moves). With ``remaining`` (the
        messages of the folder still to plan, when known) a round is at most
        that many (at least ``taper_min``): see ``taper``. On
        a Maildir server a write command costs about a rescan of the folder
        (Dovecot renames a message's file for each flag change and must look
        for its new name again), so a large folder gets few large commands:
        in a 50,000-message pass, holding 10,000 instead of writing every
        2,000 cut Dovecot's CPU from 61 to 33 seconds.

        Outcomes known without a write (time entries, actions that could not
        be built) are recorded by the store thread at once, after their
        records and after the records the group's writes wait for. While the
        writer is behind (``writes_in_flight`` groups out), a flush that is not
        ``final`` holds everything a while longer instead of queuing another
        group for the pass to wait on: up to twice a round of changes and
        moves together, and a tenth of ``min_round`` drafts,
        notices and forwards; the rounds then written are larger, so the
        server works less (see ``_writer_behind``).
        """
        ready, self._staged.ready = self._staged.ready, []
        try:
            self._flush_writes(final, remaining)
        finally:
            if ready:  # queued after the group's records: its writes need not wait for these
                self._enqueue(partial(self._record_ready, ready))

    def _flush_writes(self, final: bool, remaining: int | None) -> None:
        if not final and self._writer_behind():
            return
        staged, self._staged = self._staged, Staged()
        in_place: dict[_Change, list[_Held]] = {}
        moves: dict[str, list[_Held]] = {}
        round_, move_round = self.round, self.move_round
        if remaining is not None:
            round_ = min(round_, max(remaining, self.taper_min))
            move_round = min(move_round, max(remaining, self.taper_min))
        changes_due = len(self._held_in_place) >= round_
        if final or len(self._held_moves) >= move_round or (changes_due and self.moves_with_changes):
            moves, self._held_moves = self._moves(self._held_moves), []
        if final or moves or changes_due:
            in_place, self._held_in_place = self._in_place(self._held_in_place), []
            self._changes.clear()
        if not (in_place or moves or staged):
            return
        writes = _Writes(in_place, moves, staged)
        fresh = [a.key for a, _ in staged.drafts if a.status == "planned"]
        if fresh:
            # Marked before being saved (the write waits for this store job): after a crash, a draft
            # is looked up before it is saved again. Marked here, not on the writer thread, where it
            # waited for the store thread's transactions (50,000 messages: 5 s of the writer's time).
            self.enqueue(partial(self.store.mark_applying, fresh))
        self._enqueue_writes(writes)

    def _record_ready(self, ready: list[Outcome]) -> _Result:
        """Record outcomes that needed no write (a store job, after the records queued before it)."""
        return self._record_outcomes(_Written(ready, (Settled(IN_PLACE), Settled(MOVES)), None))

    def _writer_behind(self) -> bool:
        """Whether ``writes_in_flight`` groups of writes are out and what is held may wait for them.

        Measured at 50,000 messages (2026-12-03): the pass waited about 9 s of
        55 for the writer, three groups out, mostly behind rounds of 10,000
        moves (5 s each for Dovecot); holding instead made fewer, larger
        groups (67 to 41-51; the writer's time 28 to 22 s): 914-1,167 (median
        976) to 993-1,119 (median 1,108) msg/s in four interleaved pairs, peak
        RSS 95-99 MB either way; no change at 10,000. A draft is kilobytes:
        holding up to 2,000 of them took the peak to 101 MB, a tenth of that
        keeps it at 98.
        """
        if self._writes_out < self.writes_in_flight:
            return False
        staged = self._staged
        return (
            len(self._held_in_place) + len(self._held_moves) < 2 * max(self.round, self.move_round)
            and len(staged.drafts) + len(staged.notices) + len(staged.forwards) < self.min_round // 10
        )

    def taper(self, left: int) -> None:
        """Near the folder's end (``left`` messages still to plan), write what is held once it is as many.

        So the last rounds shrink and each is written while the rest is
        planned: the pass does not wait for a whole round's writes after its
        last batch (10,000 messages: 1.0 s to 0.7 s after it, 1,123 to 1,226
        msg/s, six interleaved runs). Only while the writer can take another
        group without the pass waiting for it (``writes_in_flight``).
        """
        due = max(left, self.taper_min)
        if len(self._held_in_place) < due and len(self._held_moves) < due:
            return
        if self._writes_out >= self.writes_in_flight:
            return
        self.flush(remaining=left)

    def fit_rounds(self, folder_size: int) -> None:
        """Size the write rounds for a folder of ``folder_size`` messages: a fifth of it, within bounds.

        Each write command costs a Maildir server about a rescan of the
        folder, and what is held waits for the end of the pass: a large
        folder gets rounds of up to ``write_every`` (moves: ``move_every``), a
        small one of ``min_round``. Moves go in rounds too, not all at the
        end: in a 10,000-message pass, holding every move to the end left the
        pass waiting 1.7 s for them after its last batch.

        A round of moves is written with the held changes (a message's
        keywords are set before it moves), which in a large folder forced an
        extra round of changes for the few held since the last one: about 80
        ``UID STORE``s (one per label), each a rescan of 50,000 messages. So
        when the rounds are full size (a folder of ``5 * write_every`` or
        more), every round of changes takes the held moves along instead
        (``moves_with_changes``), and moves force a round of their own only
        where they outnumber the changes (50,000 messages, four interleaved
        pairs: 6-17% faster, Dovecot's CPU 1.0-1.7 s lower, the wait after
        the last batch 0.4-1.5 s shorter; at 10,000 the same made no gain,
        and the rounds there keep their pace).
        """
        fifth = folder_size // 5
        self.round = min(max(fifth, self.min_round), self.write_every)
        self.move_round = min(max(fifth, self.min_round), self.move_every)
        self.moves_with_changes = fifth >= self.write_every

    def harvest(self, *, block: bool = False) -> None:
        """Take the results of finished jobs; re-raise a job's failure.

        Waits while more than ``in_flight`` store jobs or ``writes_in_flight``
        groups of writes are out (what they hold is what the pass's memory
        grows by), and with ``block`` until every job is done.
        """
        while self._jobs:
            for job in [j for j in self._jobs if j.future.done()]:
                self._jobs.remove(job)
                self._finish(job.future.result(), job.keys)
            writes = self._writes_out
            if not (block or writes > self.writes_in_flight or len(self._jobs) - writes > self.in_flight):
                return
            wait_for([j.future for j in self._jobs], return_when=FIRST_COMPLETED)

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
        for job in self._jobs:
            job.future.cancel()
        while self._jobs:
            job = self._jobs.pop(0)
            if not job.future.cancelled():  # a cancelled job's actions stay planned: the next run applies them
                result = job.future.result()
                self._count(result.outcomes, result.settled, result.waiting)
        self._recording.clear()

    def _finish(self, result: _Result, keys: list[str]) -> None:
        self._recording.difference_update(keys)
        self._count(result.outcomes, result.settled, result.waiting)
        if result.error is not None:
            self._settle()
            raise result.error

    def _count(
        self, outcomes: Sequence[Outcome], settled: Completed | None = None, waiting: Sequence[str] = ()
    ) -> None:
        self.report.waiting.extend(waiting)
        if settled is not None:
            self.report.actions.update(settled.done)
            self.report.failed += settled.failed
        for o in outcomes:
            if o.status == "done":
                self.report.actions[o.action.kind] += 1
                if o.time:
                    self.report.seconds_logged += o.time.seconds
            elif o.status == "failed":
                self.report.failed += 1

    def _write(self, writes: _Writes) -> _Written:
        """The connector calls for one submission, in order (keywords and flags, drafts, moves); their outcomes."""
        staged = writes.staged
        outcomes: list[Outcome] = []  # staged.ready is empty: flush has the store thread record those
        waiting: list[str] = []
        in_place, moved = Settled(IN_PLACE), Settled(MOVES)
        error: BaseException | None = None
        try:
            self._apply_in_place(writes.in_place, in_place)
            if staged.drafts:  # marked applying by the store thread before this began (see flush)
                drafts = [d for _, d in staged.drafts]
                why = _attempt(partial(self.connector.save_drafts, drafts))
                # A saved draft's outcome is the digest of its bytes: undo deletes only a draft still the same.
                outcomes.extend(
                    Outcome(a, "done", draft_digest(d.raw)) if why is None else Outcome(a, "failed", why)
                    for a, d in staged.drafts
                )
            outcomes += [self.staging.notify(a, text, payload) for a, text, payload in staged.notices]
            for a, raw, to in staged.forwards:
                sent = self.staging.forward(a, raw, to, partial(self.store.mark_applying, [a.key]))
                if sent is None:
                    waiting.append(a.key)
                else:
                    outcomes.append(sent)
            for folder, group in writes.moves.items():
                refs = [self._ref(h) for h in group]
                call = partial(self.connector.move, refs, folder) if folder else partial(self.connector.archive, refs)
                self._settle_group(moved, group, call)
        except BaseException as exc:  # handed to the pass's thread with what was done before it
            error = exc
        return _Written(outcomes, (in_place, moved), error, tuple(waiting))

    def _record_outcomes(self, written: _Written) -> _Result:
        """Record what a group of writes did; the returned outcomes are the recorded ones."""
        outcomes, error = written.outcomes, written.error
        try:
            settled = self.store.complete(self.client.id, self.account, outcomes, written.settled)
        except BaseException as exc:  # not recorded: the actions stay planned and are redone, harmlessly
            if error is not None:
                log.error("could not record the outcome of writes: %s", exc, extra={"account": self.account})
            return _Result([], error or exc)
        return _Result(outcomes, error, settled, written.waiting)

    def _ref(self, item: _Held | PendingAction) -> MessageRef:
        return MessageRef(self.account, item.folder, item.locator)

    @staticmethod
    def _group(outcomes: list[Outcome], group: Sequence[PendingAction], call: Callable[[], object]) -> None:
        """Run one connector call for a group of actions and record the outcome of each."""
        why = _attempt(call)
        outcomes.extend(Outcome(a, "done") if why is None else Outcome(a, "failed", why) for a in group)

    @staticmethod
    def _settle_group(settled: Settled, group: Sequence[_Held], call: Callable[[], object]) -> None:
        """Run one connector call for a group of held writes and note each message's outcome."""
        why = _attempt(call)
        if why is None:
            settled.done.extend(h.message_id for h in group)
        else:
            settled.failed.update((h.message_id, why) for h in group)

    # -- grouping --------------------------------------------------------------

    @staticmethod
    def _in_place(held: Sequence[_Held]) -> dict[_Change, list[_Held]]:
        """The held changes, grouped into as few connector calls as possible.

        Either one call per distinct change (each message's labels, flag and
        read state together: each message is written once) or one call per
        label and per flag state (few calls when many messages carry
        different mixes of many labels), whichever makes fewer calls.
        """
        by_change: dict[_Change, list[_Held]] = {}
        by_item: dict[_Change, list[_Held]] = {}
        for h in held:
            change = h.write
            assert isinstance(change, _Change)
            by_change.setdefault(change, []).append(h)
        for change, group in by_change.items():
            items = [_Change((label,)) for label in change.add_labels]
            items += [_Change(remove_labels=(label,)) for label in change.remove_labels]
            items += [_Change(flagged=change.flagged)] if change.flagged is not None else []
            items += [_Change(read=change.read)] if change.read is not None else []
            for item in items:
                by_item.setdefault(item, []).extend(group)
        return by_change if len(by_change) <= len(by_item) else by_item

    def _apply_in_place(self, groups: dict[_Change, list[_Held]], settled: Settled) -> None:
        """One ``update_many`` for every group: a provider that can pipeline or batch does one round trip."""
        if not groups:
            return
        changes = list(groups.items())
        refs: dict[int, MessageRef] = {}  # one per message, shared by the groups it is in
        for group in groups.values():
            for h in group:
                if h.message_id not in refs:
                    refs[h.message_id] = self._ref(h)
        errors = self.connector.update_many(
            [
                Update([refs[h.message_id] for h in group], c.add_labels, c.flagged, c.read, c.remove_labels)
                for c, group in changes
            ]
        )  # a TransientError stops the pass; the actions stay planned and are redone next time
        failed: dict[int, str] = {}
        for (_change, group), error in zip(changes, errors, strict=True):
            if error is not None:
                for h in group:
                    failed.setdefault(h.message_id, describe_error(error))
        settled.failed.update(failed)
        settled.done.extend(mid for mid in refs if mid not in failed)

    @staticmethod
    def _moves(held: Sequence[_Held]) -> dict[str, list[_Held]]:
        groups: dict[str, list[_Held]] = {}
        for h in held:
            assert isinstance(h.write, str)
            groups.setdefault(h.write, []).append(h)
        return groups

    # -- what the staging asks of the threads --------------------------------------

    def _fetch_original(self, a: PendingAction) -> Message:
        """The original of an action whose message is not among the batch's (fetched on the writer thread)."""

        def fetch() -> Message:
            for fetched in self.connector.fetch([self._ref(a)]):
                return Message(fetched.raw)
            raise MailflowError(f"the message to reply to is no longer in {a.folder}")

        return self.call(fetch)

    def _find_drafts(self, interrupted: Sequence[PendingAction]) -> tuple[list[PendingAction], list[PendingAction]]:
        return self.call(partial(find_drafts, self.connector.find_draft, interrupted, self.draft_grace))

    def _mark_sending(self, a: PendingAction) -> None:
        """Record ``a`` as being sent, now: after its message's batch is recorded, before the hand-over."""
        self._send_records()
        self._store_call(partial(self.store.mark_applying, [a.key]))


def _attempt(call: Callable[[], object]) -> str | None:
    """Run one connector call; what went wrong, or None. A ``TransientError`` stops the pass instead.

    The actions stay planned and are redone next time.
    """
    try:
        call()
    except TransientError:
        raise
    except ConnectorError as exc:
        return describe_error(exc)
    return None


def _pending(row: MessageRow, a: ActionRow) -> PendingAction:
    """A planned action of a message being recorded, as the writer applies it (its id is filled in later)."""
    return PendingAction(
        a.key,
        0,
        row.key,
        row.folder,
        row.locator,
        row.subject,
        a.seq,
        a.rule,
        a.kind,
        a.params,
        a.status,
        a.params_json,
        a.before,
    )
