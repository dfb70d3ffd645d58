"""Each client's correspondent history: who wrote to them, whom they wrote to, which threads they answered.

Rules and triage use it for "first-time sender" (cold outreach) and "the
executive already replied in this thread". It is learnt as mail goes by:
senders of every recorded message, and the recipients and the referenced
Message-IDs of the executive's own mail in each account's Sent folder.
Looked up a batch at a time, so a pass pays two small queries per batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, select

from .bulk import statement_chunks
from .tables import correspondents, replied_threads

if TYPE_CHECKING:
    from .db import Store
    from .rows import MessageRow

__all__ = ["known_addresses", "remember", "replied_ids"]


def _insert(conn: Connection, table: Table) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_update`` (SQLite 3.24+, PostgreSQL)."""
    if conn.dialect.name == "postgresql":  # imported only when used: 2.5 MB a SQLite process does without
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


def count_received(conn: Connection, rows: Sequence[MessageRow], when: datetime) -> None:
    """Within ``Store.record``'s transaction: one more message from each recorded message's sender."""
    by_client: dict[str, Counter[str]] = {}
    for row in rows:
        if row.sender:
            by_client.setdefault(row.client, Counter())[row.sender.lower()] += 1
    for client, counts in by_client.items():
        _upsert(conn, client, {a: [n, 0] for a, n in counts.items()}, when)


def _upsert(conn: Connection, client: str, rows: Mapping[str, list[int]], when: datetime) -> None:
    stmt = _insert(conn, correspondents)
    stmt = stmt.on_conflict_do_update(
        index_elements=["client", "address"],
        set_={
            "received": correspondents.c.received + stmt.excluded.received,
            "sent": correspondents.c.sent + stmt.excluded.sent,
            "last_at": stmt.excluded.last_at,
        },
    )
    values = [
        {"client": client, "address": a[:320], "received": r, "sent": s, "first_at": when, "last_at": when}
        for a, (r, s) in sorted(rows.items())
    ]
    for chunk in statement_chunks(values, 200):
        conn.execute(stmt, list(chunk))


def remember(
    store: Store,
    client: str,
    *,
    received: Mapping[str, int] | None = None,
    sent: Mapping[str, int] | None = None,
    replied: Iterable[str] = (),
    at: datetime | None = None,
) -> None:
    """Count messages from (``received``) and to (``sent``) these addresses; note Message-IDs answered."""
    when = at or datetime.now(UTC)
    rows: dict[str, list[int]] = {}
    for address, n in (received or {}).items():
        rows.setdefault(address.lower(), [0, 0])[0] += n
    for address, n in (sent or {}).items():
        rows.setdefault(address.lower(), [0, 0])[1] += n
    ids = sorted(set(replied))
    if not rows and not ids:
        return
    with store.engine.begin() as conn:
        if rows:
            _upsert(conn, client, rows, when)
        if ids:
            stmt = _insert(conn, replied_threads).on_conflict_do_nothing()
            values = [{"client": client, "message_id": m[:998], "at": when} for m in ids]
            for chunk in statement_chunks(values, 200):
                conn.execute(stmt, list(chunk))


def known_addresses(store: Store, client: str, addresses: Iterable[str]) -> set[str]:
    """Which of these (lower-case) addresses the client has had mail from or sent mail to."""
    wanted = sorted({a.lower() for a in addresses})
    found: set[str] = set()
    with store.engine.connect() as conn:
        for chunk in statement_chunks(wanted, 500):
            found.update(
                conn.execute(
                    select(correspondents.c.address).where(
                        correspondents.c.client == client, correspondents.c.address.in_(chunk)
                    )
                ).scalars()
            )
    return found


def replied_ids(store: Store, client: str, message_ids: Iterable[str]) -> set[str]:
    """Which of these Message-IDs the executive's own mail answers or refers to."""
    wanted = sorted(set(message_ids))
    found: set[str] = set()
    with store.engine.connect() as conn:
        for chunk in statement_chunks(wanted, 500):
            found.update(
                conn.execute(
                    select(replied_threads.c.message_id).where(
                        replied_threads.c.client == client, replied_threads.c.message_id.in_(chunk)
                    )
                ).scalars()
            )
    return found
