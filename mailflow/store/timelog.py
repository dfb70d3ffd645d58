"""The ledger's manual side: entries the assistant logs, timers, edits and deletions, invoices and locks.

Every change to an entry (added by hand, edited, deleted) leaves an audit row
with the entry as it was (``before``), so the log of who changed what is
complete. A client's month with an issued invoice is locked: adding, editing
or deleting an entry in it raises ``PeriodLocked`` until the invoice is
reopened.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from ..errors import MailflowError
from .db import Store
from .rows import TimeRow
from .tables import audit, invoices, time_entries, timers

__all__ = [
    "PeriodLocked",
    "RunningTimer",
    "TimeEntryError",
    "add_entry",
    "delete_entry",
    "edit_entry",
    "issue_invoice",
    "issued",
    "locked_by",
    "note_alert",
    "reopen",
    "running_timer",
    "start_timer",
    "stop_timer",
]

EDITABLE = ("seconds", "activity", "note", "billable", "at")


class TimeEntryError(MailflowError):
    """A time entry cannot be changed as asked (no such entry, a timer already running ...)."""


class PeriodLocked(TimeEntryError):
    """The entry's month is invoiced: reopen the invoice first."""


@dataclass(frozen=True)
class RunningTimer:
    id: int
    client: str
    task: str
    activity: str
    billable: bool
    started_at: datetime


def locked_by(store: Store, client: str, month: str) -> str | None:
    """The number of the issued (not reopened) invoice covering ``client``'s ``month`` (YYYY-MM), if any."""
    with store.engine.connect() as conn:
        return _locked(conn, client, month)


def _locked(conn: Connection, client: str, month: str) -> str | None:
    row = conn.execute(
        select(invoices.c.number).where(
            invoices.c.client == client, invoices.c.month == month, invoices.c.status == "issued"
        )
    ).first()
    return str(row.number) if row else None


def _refuse_locked(conn: Connection, client: str, month: str) -> None:
    number = _locked(conn, client, month)
    if number is not None:
        raise PeriodLocked(
            f"{client}'s {month} is invoiced (invoice {number}): its time entries cannot change; "
            f"reopen it first with `mailflow invoice {client} --month {month} --reopen`"
        )


def _audit(conn: Connection, client: str, kind: str, params: Mapping[str, Any], before: Any, detail: str) -> None:
    conn.execute(
        insert(audit).values(
            at=datetime.now(UTC),
            client=client,
            account="time",
            kind=kind,
            params=dict(params),
            outcome="done",
            detail=detail,
            before=json.dumps(before, default=str, sort_keys=True) if before is not None else None,
        )
    )


def _new_id(key: Any) -> int:
    assert key is not None
    return int(key[0])


def _entry_dict(row: Any) -> dict[str, Any]:
    return {k: row._mapping[k] for k in ("id", "client", "at", "seconds", "activity", "note", "billable", "source")}


def add_entry(store: Store, entry: TimeRow, month: str) -> int:
    """Add a manual entry (refused in a locked month); its id."""
    with store.engine.begin() as conn:
        _refuse_locked(conn, entry.client, month)
        result = conn.execute(
            insert(time_entries).values(
                client=entry.client,
                account=entry.account,
                activity=entry.activity,
                seconds=entry.seconds,
                source=entry.source,
                note=entry.note,
                at=entry.at,
                billable=entry.billable,
            )
        )
        entry_id = _new_id(result.inserted_primary_key)
        params = {"id": entry_id, "seconds": entry.seconds, "activity": entry.activity, "note": entry.note}
        _audit(conn, entry.client, "time add", params, None, f"entry {entry_id}")
    return entry_id


def _entry(conn: Connection, entry_id: int) -> Any:
    row = conn.execute(select(time_entries).where(time_entries.c.id == entry_id)).first()
    if row is None:
        raise TimeEntryError(f"no time entry {entry_id}; `mailflow time report` lists them with their ids")
    return row


def edit_entry(store: Store, entry_id: int, changes: Mapping[str, Any], month_of: Any) -> dict[str, Any]:
    """Change some of an entry's fields; ``month_of(at)`` is its month in the client's zone (both must be open)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TimeEntryError(f"cannot change {', '.join(sorted(unknown))} of a time entry")
    with store.engine.begin() as conn:
        row = _entry(conn, entry_id)
        before = _entry_dict(row)
        _refuse_locked(conn, row.client, month_of(row.at))
        if "at" in changes:
            _refuse_locked(conn, row.client, month_of(changes["at"]))
        conn.execute(update(time_entries).where(time_entries.c.id == entry_id).values(**changes))
        _audit(conn, row.client, "time edit", {"id": entry_id, **changes}, before, f"entry {entry_id}")
    return before


def delete_entry(store: Store, entry_id: int, month_of: Any) -> dict[str, Any]:
    """Delete an entry (its month must be open); what it was is kept in the audit log."""
    with store.engine.begin() as conn:
        row = _entry(conn, entry_id)
        before = _entry_dict(row)
        _refuse_locked(conn, row.client, month_of(row.at))
        conn.execute(delete(time_entries).where(time_entries.c.id == entry_id))
        _audit(conn, row.client, "time delete", {"id": entry_id}, before, f"entry {entry_id}")
    return before


# -- timers ------------------------------------------------------------------


def running_timer(store: Store) -> RunningTimer | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(timers).order_by(timers.c.id).limit(1)).first()
    return RunningTimer(**row._asdict()) if row else None


def start_timer(store: Store, client: str, task: str, activity: str, billable: bool) -> RunningTimer:
    """Start the assistant's timer; one runs at a time."""
    with store.engine.begin() as conn:
        row = conn.execute(select(timers).limit(1)).first()
        if row is not None:
            since = row.started_at.astimezone().strftime("%H:%M")
            raise TimeEntryError(
                f"a timer is already running for {row.client} since {since} ({row.task!r}); "
                "stop it first with `mailflow time stop`"
            )
        now = datetime.now(UTC)
        result = conn.execute(
            insert(timers).values(client=client, task=task, activity=activity, billable=billable, started_at=now)
        )
        return RunningTimer(_new_id(result.inserted_primary_key), client, task, activity, billable, now)


def stop_timer(store: Store, month_of: Any) -> tuple[RunningTimer, int, int]:
    """Stop the running timer: (the timer, the new entry's id, its seconds)."""
    timer = running_timer(store)
    if timer is None:
        raise TimeEntryError('no timer is running; start one with `mailflow time start CLIENT "task"`')
    now = datetime.now(UTC)
    seconds = max(1, round((now - timer.started_at).total_seconds()))
    entry = TimeRow(
        client=timer.client,
        activity=timer.activity,
        seconds=seconds,
        source="manual",
        at=timer.started_at,
        note=timer.task,
        billable=timer.billable,
    )
    entry_id = add_entry(store, entry, month_of(timer.started_at))
    with store.engine.begin() as conn:
        conn.execute(delete(timers).where(timers.c.id == timer.id))
    return timer, entry_id, seconds


# -- invoices ------------------------------------------------------------------


def issued(store: Store, client: str, month: str) -> dict[str, Any] | None:
    """The issued (not reopened) invoice of ``client``'s ``month``, if any."""
    with store.engine.connect() as conn:
        row = conn.execute(
            select(invoices).where(
                invoices.c.client == client, invoices.c.month == month, invoices.c.status == "issued"
            )
        ).first()
    return dict(row._mapping) if row else None


def issue_invoice(store: Store, client: str, month: str, year: int, currency: str, total: str) -> str:
    """Record a new invoice for ``client``'s ``month``: the next number of the assistant's sequence (``2026-0007``).

    The month is locked from now on. Refused when it already has an issued
    invoice (reopen it to issue a corrected one, which gets a new number).
    """
    with store.engine.begin() as conn:
        existing = _locked(conn, client, month)
        if existing is not None:
            raise PeriodLocked(
                f"{client}'s {month} already has invoice {existing}; reopen it first to issue a corrected one"
            )
        last = conn.execute(select(func.max(invoices.c.sequence))).scalar()
        sequence = int(last or 0) + 1
        number = f"{year}-{sequence:04d}"
        conn.execute(
            insert(invoices).values(
                number=number,
                sequence=sequence,
                client=client,
                month=month,
                status="issued",
                currency=currency,
                total=total,
                issued_at=datetime.now(UTC),
            )
        )
        _audit(conn, client, "invoice issue", {"number": number, "month": month, "total": total}, None, number)
    return number


def reopen(store: Store, client: str, month: str) -> str:
    """Reopen the issued invoice of ``client``'s ``month`` (its entries can change again); its number."""
    with store.engine.begin() as conn:
        number = _locked(conn, client, month)
        if number is None:
            raise TimeEntryError(f"{client}'s {month} has no issued invoice to reopen")
        conn.execute(
            update(invoices).where(invoices.c.number == number).values(status="reopened", reopened_at=datetime.now(UTC))
        )
        _audit(conn, client, "invoice reopen", {"number": number, "month": month}, None, number)
    return number


def note_alert(store: Store, client: str, key: str, message: str) -> bool:
    """Record an alert (``key`` like ``retainer 2026-11 80%``) once: True the first time, False if it was noted."""
    with store.engine.begin() as conn:
        seen = conn.execute(
            select(audit.c.id).where(audit.c.client == client, audit.c.kind == "alert", audit.c.detail == key)
        ).first()
        if seen is not None:
            return False
        _audit(conn, client, "alert", {"message": message}, None, key)
    return True
