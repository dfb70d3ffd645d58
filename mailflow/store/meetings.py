"""Meetings being arranged: what was offered in which thread, the holds placed, what was booked.

One row per proposal (keyed by the ``propose_meeting`` action's key), found
again by any Message-ID of its thread. ``status``: ``proposed`` (holds on
the calendar), ``booked``, ``declined``, ``expired``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, update

from .db import Store
from .tables import meetings

__all__ = ["Meeting", "booked_between", "by_thread", "expired", "get", "save"]


@dataclass
class Meeting:
    key: str
    client: str
    account: str
    thread: list[str]  # Message-IDs of the request's thread (its own, In-Reply-To, References)
    counterpart: str
    attendees: list[str]
    topic: str
    duration: int  # seconds
    zone: str  # the counterpart's time zone (the executive's when unknown)
    slots: list[tuple[str, str, str]] = field(default_factory=list)  # (start, end ISO UTC, hold key)
    status: str = "proposed"
    event_uid: str | None = None
    booked: tuple[str, str] | None = None
    expires_at: datetime | None = None

    def starts(self) -> list[datetime]:
        return [datetime.fromisoformat(s) for s, _e, _k in self.slots]


def _row(m: Meeting) -> dict[str, Any]:
    return {
        "key": m.key,
        "client": m.client,
        "account": m.account,
        "thread": " ".join(m.thread),
        "counterpart": m.counterpart,
        "attendees": json.dumps(m.attendees),
        "topic": m.topic,
        "duration": m.duration,
        "zone": m.zone,
        "slots": json.dumps(m.slots),
        "status": m.status,
        "event_uid": m.event_uid,
        "booked": json.dumps(m.booked) if m.booked else None,
        "expires_at": m.expires_at,
        "updated_at": datetime.now(UTC),
    }


def _meeting(row: Any) -> Meeting:
    booked = json.loads(row.booked) if row.booked else None
    return Meeting(
        key=row.key,
        client=row.client,
        account=row.account,
        thread=row.thread.split(),
        counterpart=row.counterpart,
        attendees=json.loads(row.attendees),
        topic=row.topic,
        duration=int(row.duration),
        zone=row.zone,
        slots=[tuple(s) for s in json.loads(row.slots)],
        status=row.status,
        event_uid=row.event_uid,
        booked=tuple(booked) if booked else None,
        expires_at=row.expires_at,
    )


def save(store: Store, meeting: Meeting) -> None:
    """Insert or update the meeting (by key)."""
    values = _row(meeting)
    with store.engine.begin() as conn:
        done = conn.execute(update(meetings).where(meetings.c.key == meeting.key).values(**values))
        if done.rowcount == 0:
            conn.execute(insert(meetings).values(created_at=datetime.now(UTC), **values))


def get(store: Store, key: str) -> Meeting | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(meetings).where(meetings.c.key == key)).first()
    return _meeting(row) if row else None


def by_thread(store: Store, client: str, ids: Iterable[str]) -> dict[str, Meeting]:
    """Open (``proposed``) meetings of ``client`` whose thread has one of ``ids``, by each id found."""
    wanted = set(ids)
    if not wanted:
        return {}
    with store.engine.connect() as conn:
        rows = conn.execute(select(meetings).where(meetings.c.client == client, meetings.c.status == "proposed")).all()
    out: dict[str, Meeting] = {}
    for row in rows:
        meeting = _meeting(row)
        for mid in meeting.thread:
            if mid in wanted:
                out[mid] = meeting
    return out


def expired(store: Store, client: str, now: datetime) -> list[Meeting]:
    """Proposals of ``client`` whose holds have run out."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(meetings).where(
                meetings.c.client == client, meetings.c.status == "proposed", meetings.c.expires_at < now
            )
        ).all()
    return [_meeting(r) for r in rows]


def booked_between(store: Store, client: str, start: datetime, end: datetime) -> int:
    """How many meetings were booked for ``client`` in ``[start, end)`` (from a proposal or directly)."""
    c = meetings.c
    with store.engine.connect() as conn:
        count = conn.execute(
            select(func.count())
            .select_from(meetings)
            .where(c.client == client, c.status == "booked", c.updated_at >= start, c.updated_at < end)
        )
        return int(count.scalar_one())
