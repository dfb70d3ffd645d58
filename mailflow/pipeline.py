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
3. Keywords, flags, read state and moves are collected over up to
   ``apply_every`` messages and applied with one call per keyword, flag or
   destination (one IMAP ``UID STORE`` for every message that gets the
   ``Urgent`` keyword): a server's cost per write command grows with the
   mailbox, so few large commands beat many small ones. Moves and archives
   come last, so the other actions still find the message where it was.
4. Outcomes, time entries and audit rows are written in one transaction.
5. Only when every batch of a folder is recorded is its sync cursor advanced.

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
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from .connector import MailConnector
from .drafting import Person, build_reply, template_context
from .errors import ConnectorError, MailflowError, TemplateError, TransientError
from .message import Message
from .model import Draft, MessageRef
from .rules import MatchContext, PlannedAction, RuleSet
from .rules.templates import compile_template, render
from .store import ActionRow, MessageRow, Outcome, PendingAction, Store, TimeRow
from .triage import classify

log = logging.getLogger("mailflow.pipeline")

_MOVES = ("move", "archive")
_DEFERRED = frozenset({"label", "flag", "mark_read", "move", "archive"})


@dataclass
class MessageReport:
    """What one message got, for the run summary."""

    folder: str
    subject: str
    sender: str
    category: str | None
    actions: list[str]
    quarantined: str | None = None


@dataclass
class AccountReport:
    """What one pass over one account did."""

    client: str
    account: str
    new: int = 0
    skipped: int = 0
    quarantined: int = 0
    resumed: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    failed: int = 0
    seconds_logged: int = 0
    messages: list[MessageReport] = field(default_factory=list)
    error: str | None = None


def action_key(account: str, message_key: str, action: PlannedAction) -> str:
    """The idempotency key of one planned action on one message."""
    params = json.dumps(action.params, sort_keys=True, default=str)
    text = "\x1f".join(
        (account, message_key, str(action.rule_index), action.rule, str(action.index), action.kind, params)
    )
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def describe(kind: str, params: dict[str, Any]) -> str:
    """A short human description of an action, for reports."""
    if kind == "label":
        return "label " + ", ".join(params.get("labels", []))
    if kind == "move":
        return f"move to {params.get('folder')}"
    if kind == "flag":
        return "flag" if params.get("on", True) else "unflag"
    if kind == "mark_read":
        return "mark read" if params.get("on", True) else "mark unread"
    if kind == "draft_reply":
        return "draft reply" + (f" ({params['template']})" if params.get("template") else "")
    if kind == "log_time":
        secs = int(params.get("seconds", 0))
        return f"log {secs // 60}m{secs % 60:02d}s {params.get('activity', 'email')}".replace("m00s", "m")
    return kind


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
        batch_size: int = 500,
        apply_every: int = 5000,
        keep_messages: int = 200,
        progress: Callable[[int], None] | None = None,
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
        self.keep_messages = keep_messages
        self.progress = progress
        self.report = AccountReport(client=client.id, account=self.account)
        self._cache: dict[int, Message] = {}
        self._inline: dict[str, Any] = {}

    # -- the pass ------------------------------------------------------------

    def run(self) -> AccountReport:
        self.connector.open()
        try:
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
            self.connector.close()
        return self.report

    def _sync_folder(self, folder: str) -> None:
        cursor = self.store.get_cursor(self.account, folder)
        changes = self.connector.changes(folder, cursor)
        refs = changes.refs
        deferred: list[PendingAction] = []
        unapplied = 0
        for start in range(0, len(refs), self.batch_size):
            chunk = refs[start : start + self.batch_size]
            known = self.store.known_locators(self.account, folder, [r.locator for r in chunk])
            fresh = [r for r in chunk if r.locator not in known]
            self.report.skipped += len(chunk) - len(fresh)
            if fresh:
                deferred.extend(self._process_batch(fresh, reset=changes.reset))
                unapplied += len(fresh)
            if unapplied >= self.apply_every:
                self.apply(deferred)
                deferred, unapplied = [], 0
            if self.progress:
                self.progress(len(chunk))
        self.apply(deferred)
        self.store.set_cursor(self.account, changes.cursor)

    def _process_batch(self, refs: Sequence[MessageRef], *, reset: bool) -> list[PendingAction]:
        """Plan and record a batch; apply its drafts and time entries; return the actions left for later."""
        fetched = list(self.connector.fetch(refs))
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

    def _group(self, outcomes: list[Outcome], group: Sequence[PendingAction], call: Callable[[], None]) -> None:
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
        """One connector call per keyword, per flag state and per read state, for all the actions given."""
        calls: dict[tuple[str, str], list[PendingAction]] = {}
        for a in pending:
            if a.kind == "label":
                for label in a.params["labels"]:
                    calls.setdefault(("label", label), []).append(a)
            elif a.kind in ("flag", "mark_read"):
                calls.setdefault((a.kind, str(bool(a.params.get("on", True)))), []).append(a)
        failed: dict[str, str] = {}
        done: dict[str, PendingAction] = {}
        for (kind, arg), group in calls.items():
            refs = [self._ref(a) for a in group]
            if kind == "label":
                call = partial(self.connector.add_labels, refs, [arg])
            elif kind == "flag":
                call = partial(self.connector.set_flagged, refs, arg == "True")
            else:
                call = partial(self.connector.set_read, refs, arg == "True")
            try:
                call()
            except TransientError:
                raise  # the pass stops; the actions stay planned and are redone next time
            except ConnectorError as exc:
                for a in group:
                    failed.setdefault(a.key, f"{type(exc).__name__}: {exc}")
            for a in group:
                done[a.key] = a
        for key, a in done.items():
            outcomes.append(Outcome(a, "failed", failed[key]) if key in failed else Outcome(a, "done"))

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
        todo: list[PendingAction] = []
        for a in pending:
            if a.status == "applying" and self.connector.find_draft(a.key) is not None:
                outcomes.append(Outcome(a, "done", "draft found after an interrupted run"))
            else:
                todo.append(a)
        self.store.mark_applying([a.key for a in todo if a.status == "planned"])
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
            except (TemplateError, MailflowError) as exc:
                outcomes.append(Outcome(a, "failed", f"{type(exc).__name__}: {exc}"))
                continue
            except Exception as exc:  # a broken original must not stop the others
                outcomes.append(Outcome(a, "failed", f"cannot build the reply: {type(exc).__name__}: {exc}"))
                continue
            self._group(outcomes, [a], partial(self._save, draft))

    def _save(self, draft: Draft) -> None:
        self.connector.save_draft(draft)

    def _original(self, a: PendingAction) -> Message:
        cached = self._cache.get(a.message_id)
        if cached is not None:
            return cached
        for fetched in self.connector.fetch([self._ref(a)]):
            return Message(fetched.raw)
        raise MailflowError(f"the message to reply to is no longer in {a.folder}")

    def _render(self, a: PendingAction, message: Message) -> str:
        context = template_context(message, self.client, self.assistant)
        name = a.params.get("template")
        if name:
            return render(self.rules.template(name), context)
        text = str(a.params.get("text") or "")
        template = self._inline.get(text)
        if template is None:
            template = self._inline[text] = compile_template(text)
        return render(template, context)

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


def summarise(reports: Iterable[AccountReport]) -> Counter[str]:
    total: Counter[str] = Counter()
    for r in reports:
        total["new"] += r.new
        total["quarantined"] += r.quarantined
        total.update(r.actions)
    return total
