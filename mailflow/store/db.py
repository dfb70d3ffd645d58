"""The store: cursors, messages seen, the action ledger and its outcomes (time entries, audit rows).

Every write that matters for exactly-once happens in one transaction with its
ledger row: an action is marked done in the same transaction that writes its
time entry and its audit row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    bindparam,
    exists,
    func,
    insert,
    literal,
    null,
    select,
    update,
)

from ..model import SyncCursor
from .bulk import Bulk, statement_chunks
from .reports import LedgerReports
from .rows import ActionRow, Completed, MessageRow, Outcome, PendingAction, Settled, TimeRow
from .runtime import WorkerRecords
from .tables import (
    UTCDateTime,
    actions,
    audit,
    cursors,
    messages,
    rules_versions,
    time_entries,
)

_CHUNK = 500  # values per IN (...) list: well under every backend's parameter limit
T = TypeVar("T")


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """``items`` in ``IN`` lists of ``_CHUNK``, then of powers of two (few statement texts: see ``bulk``)."""
    return statement_chunks(items, _CHUNK)


def _now() -> datetime:
    return datetime.now(UTC)


class Store(WorkerRecords, LedgerReports):
    """The database behind one mailflow installation."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._bulks: dict[str, Bulk] = {}

    # -- cursors -------------------------------------------------------------

    def get_cursor(self, account: str, folder: str) -> SyncCursor | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(cursors.c.state).where(cursors.c.account == account, cursors.c.folder == folder)
            ).first()
        return SyncCursor(folder, dict(row.state)) if row else None

    def set_cursor(self, account: str, cursor: SyncCursor) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(
                update(cursors)
                .where(cursors.c.account == account, cursors.c.folder == cursor.folder)
                .values(state=cursor.state, updated_at=_now())
            )
            if done.rowcount == 0:
                conn.execute(
                    insert(cursors).values(account=account, folder=cursor.folder, state=cursor.state, updated_at=_now())
                )

    def cursors(self) -> list[tuple[str, str, dict[str, Any], datetime]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(cursors)).all()
        return [(r.account, r.folder, dict(r.state), r.updated_at) for r in rows]

    # -- messages ------------------------------------------------------------

    def known_locators(self, account: str, folder: str, locators: Sequence[str]) -> set[str]:
        """Which of these locators in ``folder`` the store has recorded."""
        return self._existing(messages.c.locator, locators, messages.c.account == account, messages.c.folder == folder)

    def known_keys(self, account: str, keys: Sequence[str]) -> set[str]:
        """Which of these message keys the store has recorded for ``account``."""
        return self._existing(messages.c.key, keys, messages.c.account == account)

    def _existing(self, column: Any, values: Sequence[str], *where: Any) -> set[str]:
        found: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in _chunks(values):
                found.update(conn.execute(select(column).where(*where, column.in_(chunk))).scalars())
        return found

    def relocate(self, account: str, moves: Iterable[tuple[str, str, str]]) -> None:
        """Remember where already-known messages now live: (key, folder, locator)."""
        rows = [{"k": k, "f": f, "l": loc} for k, f, loc in moves]
        if not rows:
            return
        stmt = (
            update(messages)
            .where(messages.c.account == account, messages.c.key == bindparam("k"))
            .values(folder=bindparam("f"), locator=bindparam("l"))
        )
        with self.engine.begin() as conn:
            conn.execute(stmt, rows)

    def record(self, rows: Sequence[MessageRow]) -> None:
        """Insert new messages with their planned actions, in one transaction; sets ``row.id``."""
        if not rows:
            return
        now = _now()
        with self.engine.begin() as conn:
            b = self._bulk(messages)
            at = b.processor("seen_at")(now)
            b.insert(
                conn,
                _MESSAGE_COLUMNS,
                [
                    (
                        r.client,
                        r.account,
                        r.key,
                        r.folder,
                        r.locator,
                        r.status,
                        r.category,
                        (r.subject or "")[:1000],
                        (r.sender or "")[:500],
                        r.reason,
                        at,
                        at if r.status != "planned" else None,
                    )
                    for r in rows
                ],
            )
            by_key = self._new_ids(conn, rows)
            b = self._bulk(actions)
            params, at = b.processor("params"), b.processor("updated_at")(now)
            action_rows = []
            for row in rows:
                mid = row.id = by_key[row.key]
                for a in row.actions:
                    action_rows.append(
                        (
                            a.key,
                            mid,
                            row.client,
                            row.account,
                            a.seq,
                            a.rule,
                            a.kind,
                            a.params_json or params(a.params),
                            a.status,
                            at,
                            a.before,
                        )
                    )
            b.insert(conn, _ACTION_COLUMNS, action_rows)
            # The senders join the client's correspondents in the same transaction: a message is
            # either recorded and its sender known, or neither (a resumed run plans as an unbroken one).
            from .history import count_received

            count_received(conn, rows, now)

    def _new_ids(self, conn: Connection, rows: Sequence[MessageRow]) -> dict[str, int]:
        """The ids of the rows just inserted, by key.

        On SQLite the rows of one write transaction get consecutive rowids
        (each is one more than the largest), so the last rowid and one count
        that confirms the range give them all, where a SELECT would step
        once per row, releasing and retaking the GIL each time. Anything else
        (PostgreSQL, or a range that does not check out) selects them.
        """
        account = rows[0].account
        if conn.dialect.name == "sqlite":
            last = int(conn.exec_driver_sql("SELECT last_insert_rowid()").scalar_one())
            first = last - len(rows) + 1
            mine = conn.execute(
                select(func.count())
                .select_from(messages)
                .where(messages.c.id.between(first, last), messages.c.account == account)
            ).scalar_one()
            if mine == len(rows):
                return {r.key: first + i for i, r in enumerate(rows)}
        by_key: dict[str, int] = {}
        for chunk in _chunks([r.key for r in rows]):
            found = conn.execute(
                select(messages.c.key, messages.c.id).where(messages.c.account == account, messages.c.key.in_(chunk))
            )
            by_key.update((key, mid) for key, mid in found.all())
        return by_key

    def pending(self, account: str, message_ids: Sequence[int] | None = None) -> list[PendingAction]:
        """Actions not yet done for an account (or for some of its messages), in apply order."""
        stmt = (
            select(
                actions.c.key,
                actions.c.message_id,
                messages.c.key.label("message_key"),
                messages.c.folder,
                messages.c.locator,
                messages.c.subject,
                actions.c.seq,
                actions.c.rule,
                actions.c.kind,
                actions.c.params,
                actions.c.status,
                actions.c.before,
            )
            .join(messages, messages.c.id == actions.c.message_id)
            .where(actions.c.account == account, actions.c.status.in_(("planned", "applying")))
            .order_by(actions.c.message_id, actions.c.seq)
        )
        out: list[PendingAction] = []
        with self.engine.connect() as conn:
            if message_ids is None:
                out.extend(PendingAction(**r._asdict()) for r in conn.execute(stmt))
            else:
                for chunk in _chunks(message_ids):
                    rows = conn.execute(stmt.where(actions.c.message_id.in_(chunk)))
                    out.extend(PendingAction(**r._asdict()) for r in rows)
        return out

    def mark_applying(self, keys: Sequence[str]) -> None:
        """Note that these actions are about to run: after a crash they are checked before being redone."""
        if not keys:
            return
        with self.engine.begin() as conn:
            for chunk in _chunks(keys):
                conn.execute(
                    update(actions)
                    .where(actions.c.key.in_(chunk), actions.c.status == "planned")
                    .values(status="applying", updated_at=_now())
                )

    def complete(
        self, client: str, account: str, outcomes: Sequence[Outcome], settled: Sequence[Settled] = ()
    ) -> Completed:
        """Record outcomes, their time entries and audit rows, and finish messages, in one transaction.

        ``outcomes`` are single actions; ``settled`` are messages whose
        planned actions of some kinds all went one way (their audit rows are
        made from the ledger, by the database).
        """
        completed = Completed()
        if not outcomes and not any(s.done or s.failed for s in settled):
            return completed
        now = _now()
        with self.engine.begin() as conn:
            finished: set[int] = {o.action.message_id for o in outcomes}
            if outcomes:
                self._complete_outcomes(conn, client, account, outcomes, now)
            for s in settled:
                self._settle(conn, client, account, s, now, completed)
                finished.update(s.done)
                finished.update(s.failed)
            self._finish_messages(conn, sorted(finished), now)
        return completed

    def _complete_outcomes(
        self, conn: Connection, client: str, account: str, outcomes: Sequence[Outcome], now: datetime
    ) -> None:
        b = self._bulk(actions)
        at = b.processor("updated_at")(now)
        by_status: dict[tuple[str, str | None], list[str]] = {}
        for o in outcomes:
            by_status.setdefault((o.status, o.detail), []).append(o.action.key)
        for (status, detail), keys in by_status.items():
            b.update_in(conn, {"status": status, "result": detail, "updated_at": at}, "key", keys)
        times = [o.time for o in outcomes if o.time is not None and o.status == "done"]
        if times:
            b = self._bulk(time_entries)
            when = b.processor("at")
            b.insert(conn, _TIME_FIELDS, [tuple(_time_values(t, when)) for t in times])
        b = self._bulk(audit)
        params, at = b.processor("params"), b.processor("at")(now)
        b.insert(
            conn,
            _AUDIT_COLUMNS,
            [
                (
                    at,
                    client,
                    account,
                    o.action.message_key,
                    (o.action.subject or "")[:1000],
                    o.action.rule,
                    o.action.key,
                    o.action.kind,
                    o.action.params_json or params(o.action.params),
                    o.status,
                    o.detail,
                    o.action.before,
                )
                for o in outcomes
            ],
        )

    def _settle(
        self, conn: Connection, client: str, account: str, s: Settled, now: datetime, completed: Completed
    ) -> None:
        """Mark the open actions of ``s.kinds`` on these messages done or failed, each with its audit row."""
        by_detail: dict[str, list[int]] = {}
        for mid, why in s.failed.items():
            by_detail.setdefault(why, []).append(mid)
        groups: list[tuple[str, str | None, list[int]]] = [("done", None, s.done)]
        groups += [("failed", why, ids) for why, ids in by_detail.items()]
        for status, detail, ids in groups:
            for chunk in _chunks(ids):
                where = (
                    actions.c.message_id.in_(chunk),
                    actions.c.kind.in_(s.kinds),
                    actions.c.status.in_(("planned", "applying")),
                )
                for kind, count in conn.execute(
                    select(actions.c.kind, func.count()).where(*where).group_by(actions.c.kind)
                ):
                    if status == "done":
                        completed.done[kind] += count
                    else:
                        completed.failed += count
                conn.execute(
                    insert(audit).from_select(
                        _AUDIT_COLUMNS,
                        select(
                            literal(now, UTCDateTime()),
                            literal(client),
                            literal(account),
                            messages.c.key,
                            messages.c.subject,
                            actions.c.rule,
                            actions.c.key,
                            actions.c.kind,
                            actions.c.params,
                            literal(status),
                            literal(detail) if detail is not None else null(),
                            actions.c.before,
                        )
                        .select_from(actions.join(messages, messages.c.id == actions.c.message_id))
                        .where(*where),
                    )
                )
                conn.execute(update(actions).where(*where).values(status=status, result=detail, updated_at=now))

    def _bulk(self, table: Table) -> Bulk:
        bulk = self._bulks.get(table.name)
        if bulk is None:
            bulk = self._bulks[table.name] = Bulk(table, self.engine.dialect)
        return bulk

    def _finish_messages(self, conn: Connection, ids: list[int], now: datetime) -> None:
        """Finish those of ``ids`` with no action still open: done, or quarantined with their first failure.

        Two ``UPDATE``s per list of ids, the database looking at each message's
        actions (``ix_actions_message``): reading the open actions' rows back
        (several per message, most still open when a group's time entries
        are recorded) cost the store thread 0.7 s of a 10,000-message pass.
        """
        mine = actions.c.message_id == messages.c.id
        still_open = exists().where(mine, actions.c.status.in_(("planned", "applying")))
        failed = exists().where(mine, actions.c.status == "failed")
        first_failure = (
            select(func.substr(actions.c.kind + " failed: " + func.coalesce(actions.c.result, "None"), 1, 2000))
            .where(mine, actions.c.status == "failed")
            .order_by(actions.c.seq)
            .limit(1)
            .scalar_subquery()
        )
        for chunk in _chunks(ids):
            ours = messages.c.id.in_(chunk)
            conn.execute(
                update(messages)
                .where(ours, messages.c.status == "planned", ~still_open, ~failed)
                .values(status="done", done_at=now)
            )
            conn.execute(
                update(messages)
                .where(ours, ~still_open, failed)
                .values(status="quarantined", reason=first_failure, done_at=now)
            )

    # -- time -----------------------------------------------------------------

    def add_time(self, entry: TimeRow) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(time_entries).values(**_time_row(entry)))

    # -- rules apply: actions added to messages already recorded ---------------

    def planned_for(self, account: str, keys: Sequence[str]) -> dict[str, tuple[int, set[tuple[str, str, str]]]]:
        """For each recorded message key: its id and its actions as (rule, kind, canonical params JSON)."""
        out: dict[str, tuple[int, set[tuple[str, str, str]]]] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(list(keys)):
                rows = conn.execute(
                    select(messages.c.key, messages.c.id, actions.c.rule, actions.c.kind, actions.c.params)
                    .select_from(messages.outerjoin(actions, actions.c.message_id == messages.c.id))
                    .where(messages.c.account == account, messages.c.key.in_(chunk))
                ).all()
                for key, mid, rule, kind, params in rows:
                    entry = out.setdefault(key, (int(mid), set()))
                    if kind is not None:
                        entry[1].add((rule, kind, json.dumps(params, sort_keys=True, default=str)))
        return out

    def add_actions(self, client: str, account: str, additions: Sequence[tuple[int, Sequence[ActionRow]]]) -> None:
        """Plan more actions for recorded messages ((message id, actions) pairs): they become pending again."""
        additions = [(mid, rows) for mid, rows in additions if rows]
        if not additions:
            return
        now = _now()
        with self.engine.begin() as conn:
            conn.execute(
                insert(actions),
                [
                    {
                        "key": a.key,
                        "message_id": mid,
                        "client": client,
                        "account": account,
                        "seq": a.seq,
                        "rule": a.rule,
                        "kind": a.kind,
                        "params": a.params,
                        "status": a.status,
                        "updated_at": now,
                        "before": a.before,
                    }
                    for mid, rows in additions
                    for a in rows
                ],
            )
            ids = [mid for mid, rows in additions if any(a.status == "planned" for a in rows)]
            for chunk in _chunks(ids):
                conn.execute(update(messages).where(messages.c.id.in_(chunk)).values(status="planned", done_at=null()))

    # -- rules versions ------------------------------------------------------

    def accept_rules(self, client: str, digest: str, text: str) -> None:
        """Record a rules file version that loaded and passed its tests, unless it is the latest already."""
        latest = self.accepted_rules(client)
        if latest is not None and latest["digest"] == digest:
            return
        with self.engine.begin() as conn:
            conn.execute(insert(rules_versions).values(client=client, digest=digest, text=text, accepted_at=_now()))

    def accepted_rules(self, client: str) -> dict[str, Any] | None:
        """The latest accepted rules version of ``client``: digest, text, accepted_at; None if there is none."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(rules_versions.c.digest, rules_versions.c.text, rules_versions.c.accepted_at)
                .where(rules_versions.c.client == client)
                .order_by(rules_versions.c.id.desc())
                .limit(1)
            ).first()
        return row._asdict() if row else None

    def close(self) -> None:
        self.engine.dispose()


_TIME_FIELDS = [f.name for f in fields(TimeRow)]
_MESSAGE_COLUMNS = (
    "client",
    "account",
    "key",
    "folder",
    "locator",
    "status",
    "category",
    "subject",
    "sender",
    "reason",
    "seen_at",
    "done_at",
)
_ACTION_COLUMNS = (
    "key",
    "message_id",
    "client",
    "account",
    "seq",
    "rule",
    "kind",
    "params",
    "status",
    "updated_at",
    "before",
)
_AUDIT_COLUMNS = (
    "at",
    "client",
    "account",
    "message_key",
    "subject",
    "rule",
    "action_key",
    "kind",
    "params",
    "outcome",
    "detail",
    "before",
)


def _time_values(entry: TimeRow, when: Callable[[Any], Any]) -> Iterator[Any]:
    """``_time_row``'s values in ``_TIME_FIELDS`` order, the time converted by ``when``."""
    for name, value in _time_row(entry).items():
        yield when(value) if name == "at" else value


def _time_row(entry: TimeRow) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in _TIME_FIELDS}
