"""Drafts queued for the assistant's own mailbox (retainer alerts, summaries to forward).

A draft is queued once per key, with its whole message, so that a retry after
a failure saves exactly the message first built (same Message-ID, same Date).
``mailflow.notes`` saves what is waiting; this module only keeps the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from .db import Store
from .tables import assistant_drafts

__all__ = ["Note", "Waiting", "failed", "is_queued", "queue", "saved", "waiting", "waiting_count"]


@dataclass(frozen=True)
class Note:
    key: str
    client: str
    kind: str  # "retainer_alert" | "summary"
    subject: str
    raw: str


@dataclass(frozen=True)
class Waiting:
    """What ``mailflow status`` says about drafts not yet in the assistant's mailbox."""

    count: int
    error: str | None  # the newest failure, if the last attempt failed


def is_queued(store: Store, key: str) -> bool:
    with store.engine.connect() as conn:
        return conn.execute(select(assistant_drafts.c.key).where(assistant_drafts.c.key == key)).first() is not None


def queue(store: Store, note: Note) -> bool:
    """Queue ``note`` unless a note with its key was queued before: True when this call queued it."""
    try:
        with store.engine.begin() as conn:
            conn.execute(
                insert(assistant_drafts).values(
                    key=note.key,
                    client=note.client,
                    kind=note.kind,
                    subject=note.subject,
                    raw=note.raw,
                    queued_at=datetime.now(UTC),
                    attempts=0,
                )
            )
    except IntegrityError:  # queued already, by this process or another
        return False
    return True


def waiting(store: Store) -> list[Note]:
    """Queued notes not yet saved, oldest first."""
    c = assistant_drafts.c
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(c.key, c.client, c.kind, c.subject, c.raw).where(c.saved_at.is_(None)).order_by(c.queued_at)
        ).all()
    return [Note(r.key, r.client, r.kind, r.subject, r.raw) for r in rows]


def waiting_count(store: Store) -> Waiting:
    """How many notes wait, and the newest failure among them (one more query only when some wait)."""
    c = assistant_drafts.c
    with store.engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(assistant_drafts).where(c.saved_at.is_(None)))
        n = int(count.scalar_one())
        error = None
        if n:
            row = conn.execute(
                select(c.error).where(c.saved_at.is_(None), c.error.is_not(None)).order_by(c.queued_at.desc())
            ).first()
            error = row.error if row else None
    return Waiting(n, error)


def saved(store: Store, key: str, locator: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            update(assistant_drafts)
            .where(assistant_drafts.c.key == key)
            .values(saved_at=datetime.now(UTC), locator=locator, error=None, attempts=assistant_drafts.c.attempts + 1)
        )


def failed(store: Store, key: str, error: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            update(assistant_drafts)
            .where(assistant_drafts.c.key == key)
            .values(error=error, attempts=assistant_drafts.c.attempts + 1)
        )
