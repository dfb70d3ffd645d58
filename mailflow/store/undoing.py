"""The ledger side of ``mailflow undo``: which applied actions to revert, and recording that they were.

An action is undoable while its status is ``done``; once reverted it becomes
``undone`` (and keeps counting as planned, so neither ``mailflow run`` nor
``rules apply`` does it again). Every attempt leaves an audit row: outcome
``undone``, or ``kept`` with the reason (the message was moved since, the
draft was edited), or ``failed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from .bulk import statement_chunks
from .db import Store
from .tables import actions, audit, messages, time_entries

__all__ = ["UNDOABLE", "UndoItem", "UndoResult", "record_undo", "undo_items"]

UNDOABLE = ("label", "unlabel", "flag", "mark_read", "move", "archive", "draft_reply", "log_time")


@dataclass(frozen=True, slots=True)
class UndoItem:
    """One applied action to revert, with where its message was seen and what it found there."""

    audit_id: int
    action_key: str
    client: str
    account: str
    message_key: str
    subject: str | None
    folder: str
    locator: str
    seq: int
    rule: str
    kind: str
    params: dict[str, Any]
    before: str | None
    result: str | None


@dataclass(frozen=True, slots=True)
class UndoResult:
    item: UndoItem
    outcome: str  # "undone", "kept" or "failed"
    detail: str | None = None


def undo_items(
    store: Store,
    *,
    ids: Sequence[int] = (),
    client: str | None = None,
    rule: str | None = None,
    since: datetime | None = None,
    account: str | None = None,
) -> list[UndoItem]:
    """The applied (``done``) actions the audit rows ``ids``, or the filters, point at, in the order they were done.

    An action appears once however many audit rows name it; one already
    undone, or of a kind undo does not revert, is left out.
    """
    stmt = (
        select(
            audit.c.id.label("audit_id"),
            actions.c.key.label("action_key"),
            actions.c.client,
            actions.c.account,
            messages.c.key.label("message_key"),
            messages.c.subject,
            messages.c.folder,
            messages.c.locator,
            actions.c.seq,
            actions.c.rule,
            actions.c.kind,
            actions.c.params,
            actions.c.before,
            actions.c.result,
        )
        .select_from(
            audit.join(actions, actions.c.key == audit.c.action_key).join(
                messages, messages.c.id == actions.c.message_id
            )
        )
        .where(audit.c.outcome == "done", actions.c.status == "done", actions.c.kind.in_(UNDOABLE))
        .order_by(audit.c.id)
    )
    if client:
        stmt = stmt.where(audit.c.client == client)
    if rule:
        stmt = stmt.where(audit.c.rule == rule)
    if since is not None:
        stmt = stmt.where(audit.c.at >= since)
    if account:
        stmt = stmt.where(audit.c.account == account)
    rows: list[Any] = []
    with store.engine.connect() as conn:
        if ids:
            for chunk in statement_chunks(sorted(set(ids)), 500):
                rows.extend(conn.execute(stmt.where(audit.c.id.in_(chunk))).all())
        else:
            rows.extend(conn.execute(stmt).all())
    seen: set[str] = set()
    out: list[UndoItem] = []
    for row in sorted(rows, key=lambda r: r.audit_id):
        if row.action_key in seen:
            continue
        seen.add(row.action_key)
        out.append(UndoItem(**row._asdict()))
    return out


def record_undo(store: Store, results: Sequence[UndoResult]) -> None:
    """Mark reverted actions ``undone`` (their time entries deleted) and write an audit row for every result."""
    if not results:
        return
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        undone = [r.item.action_key for r in results if r.outcome == "undone"]
        for chunk in statement_chunks(undone, 500):
            conn.execute(update(actions).where(actions.c.key.in_(chunk)).values(status="undone", updated_at=now))
            conn.execute(delete(time_entries).where(time_entries.c.action_key.in_(chunk)))
        conn.execute(
            insert(audit),
            [
                {
                    "at": now,
                    "client": r.item.client,
                    "account": r.item.account,
                    "message_key": r.item.message_key,
                    "subject": (r.item.subject or "")[:1000],
                    "rule": r.item.rule,
                    "action_key": r.item.action_key,
                    "kind": "undo " + r.item.kind,
                    "params": r.item.params,
                    "outcome": r.outcome,
                    "detail": r.detail,
                    "before": None,
                }
                for r in results
            ],
        )
