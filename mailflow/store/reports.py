"""What the store tells the CLI: counts for ``mailflow status``, time entries, activity, the audit log.

Read-only queries, mixed into ``Store`` (which supplies ``engine``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from .tables import actions, audit, messages, time_entries

__all__ = ["LedgerReports"]


class LedgerReports:
    """Reads for reports and status; mixed into ``Store``, which supplies ``engine``."""

    engine: Engine

    def first_time_entry(self, client: str) -> datetime | None:
        """When the client's earliest time entry is (a retainer's rollover chain starts there)."""
        with self.engine.connect() as conn:
            stmt = select(time_entries.c.at).where(time_entries.c.client == client)
            found: datetime | None = conn.execute(stmt.order_by(time_entries.c.at).limit(1)).scalar()
        return found

    def time_entry(self, entry_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(time_entries).where(time_entries.c.id == entry_id)).first()
        return dict(row._mapping) if row else None

    def time_entries(self, client: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(time_entries)
                .where(time_entries.c.client == client, time_entries.c.at >= start, time_entries.c.at < end)
                .order_by(time_entries.c.at, time_entries.c.id)
            ).all()
        return [r._asdict() for r in rows]

    def counts(self) -> list[tuple[str, str, str, int]]:
        """(client, account, status, count) for every account with messages."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(messages.c.client, messages.c.account, messages.c.status, func.count())
                .group_by(messages.c.client, messages.c.account, messages.c.status)
                .order_by(messages.c.client, messages.c.account)
            ).all()
        return [(r[0], r[1], r[2], int(r[3])) for r in rows]

    def planned_kinds(self, kinds: Sequence[str]) -> dict[str, Counter[str]]:
        """Actions of these kinds still planned, by account and kind (``mailflow status``'s waiting line)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(actions.c.account, actions.c.kind, func.count())
                .where(actions.c.status == "planned", actions.c.kind.in_(kinds))
                .group_by(actions.c.account, actions.c.kind)
            ).all()
        found: dict[str, Counter[str]] = {}
        for account, kind, n in rows:
            found.setdefault(account, Counter())[kind] = int(n)
        return found

    def activity(self, client: str, start: datetime, end: datetime) -> dict[str, int]:
        """What was done for a client in ``[start, end)``: messages handled, and actions done by kind."""
        with self.engine.connect() as conn:
            handled = conn.execute(
                select(func.count())
                .select_from(messages)
                .where(messages.c.client == client, messages.c.seen_at >= start, messages.c.seen_at < end)
            ).scalar_one()
            kinds = conn.execute(
                select(audit.c.kind, func.count())
                .where(audit.c.client == client, audit.c.at >= start, audit.c.at < end, audit.c.outcome == "done")
                .group_by(audit.c.kind)
            ).all()
        out = {"messages": int(handled)}
        out.update({str(kind): int(n) for kind, n in kinds})
        return out

    def quarantined(self, limit: int = 20) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(messages.c.client, messages.c.account, messages.c.folder, messages.c.subject, messages.c.reason)
                .where(messages.c.status == "quarantined")
                .order_by(messages.c.id.desc())
                .limit(limit)
            ).all()
        return [r._asdict() for r in rows]

    def audit_rows(
        self,
        client: str | None = None,
        limit: int = 1000,
        *,
        since: datetime | None = None,
        rule: str | None = None,
        account: str | None = None,
        newest: bool = False,
        kinds: Sequence[str] = (),
        outcome: str | None = None,
    ) -> list[dict[str, Any]]:
        """Audit rows, oldest first (the newest ``limit`` of them with ``newest``), filtered as asked."""
        stmt = select(audit).order_by(audit.c.id.desc() if newest else audit.c.id).limit(limit)
        if kinds:
            stmt = stmt.where(audit.c.kind.in_(kinds))
        if outcome:
            stmt = stmt.where(audit.c.outcome == outcome)
        if client:
            stmt = stmt.where(audit.c.client == client)
        if since is not None:
            stmt = stmt.where(audit.c.at >= since)
        if rule:
            stmt = stmt.where(audit.c.rule == rule)
        if account:
            stmt = stmt.where(audit.c.account == account)
        with self.engine.connect() as conn:
            rows = [r._asdict() for r in conn.execute(stmt)]
        return rows[::-1] if newest else rows
