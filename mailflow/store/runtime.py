"""What the workers keep in the store: account leases, requested passes and their reports, account health.

``Store`` inherits these; they are apart from the ledger (``store.db``)
because nothing here is part of exactly-once: a lease says who works on an
account now, a run row tells ``run --once`` that its pass is done, a health
row what ``mailflow status`` shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from .bulk import statement_chunks
from .tables import account_health, account_leases, sync_runs

__all__ = ["WorkerRecords"]


_CHUNK = 500  # pass ids per IN (...) list, as store.db chunks its own


def _now() -> datetime:
    return datetime.now(UTC)


class WorkerRecords:
    """Leases, runs and health rows; mixed into ``Store``, which supplies ``engine``."""

    engine: Engine

    # -- workers: account leases ----------------------------------------------

    def take_lease(self, account: str, owner: str, seconds: float, *, instead_of: str | None = None) -> bool:
        """Hold ``account`` for ``owner`` for ``seconds``: True when it was free, expired or already ours.

        ``instead_of``: take it from that owner even if its lease has not run
        out (the caller knows that process is gone).
        """
        now = _now()
        until = now + timedelta(seconds=seconds)
        free = (account_leases.c.expires_at < now) | (account_leases.c.owner == owner)
        if instead_of is not None:
            free = free | (account_leases.c.owner == instead_of)
        with self.engine.begin() as conn:
            done = conn.execute(
                update(account_leases)
                .where(account_leases.c.account == account, free)
                .values(owner=owner, expires_at=until)
            )
            if done.rowcount:
                return True
            held = conn.execute(select(account_leases.c.owner).where(account_leases.c.account == account)).first()
            if held is not None:
                return False
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(account_leases).values(account=account, owner=owner, expires_at=until))
        except IntegrityError:  # another worker inserted it first
            return False
        return True

    def renew_lease(self, account: str, owner: str, seconds: float) -> bool:
        """Extend a lease ``owner`` holds; False when it is no longer ours (it expired and was taken)."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(account_leases)
                .where(account_leases.c.account == account, account_leases.c.owner == owner)
                .values(expires_at=_now() + timedelta(seconds=seconds))
            )
        return bool(done.rowcount)

    def release_lease(self, account: str, owner: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                account_leases.delete().where(account_leases.c.account == account, account_leases.c.owner == owner)
            )

    def lease_holder(self, account: str) -> tuple[str, datetime] | None:
        """Who holds the lease on ``account`` and when it runs out, if anyone holds one."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(account_leases.c.owner, account_leases.c.expires_at).where(account_leases.c.account == account)
            ).first()
        return (row.owner, row.expires_at) if row else None

    # -- workers: requested passes ---------------------------------------------

    def request_runs(self, pass_id: str, accounts: Sequence[tuple[str, str]]) -> None:
        """Note that pass ``pass_id`` asked for a sync of each (client, account)."""
        if accounts:
            now = _now()
            with self.engine.begin() as conn:
                conn.execute(
                    insert(sync_runs),
                    [{"pass_id": pass_id, "client": c, "account": a, "requested_at": now} for c, a in accounts],
                )

    def finish_run(self, pass_id: str, account: str, report: dict[str, Any]) -> None:
        """Record what a requested sync did; the first report of a pass wins (a redelivery changes nothing)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(sync_runs)
                .where(
                    sync_runs.c.pass_id == pass_id,
                    sync_runs.c.account == account,
                    sync_runs.c.finished_at.is_(None),
                )
                .values(finished_at=_now(), report=report)
            )

    def runs(self, pass_id: str) -> list[dict[str, Any]]:
        """Every sync a pass requested: client, account, finished_at (None while pending) and report."""
        return self.runs_of([pass_id])

    def runs_of(self, pass_ids: Sequence[str]) -> list[dict[str, Any]]:
        """Every sync these passes requested, in one query per ``IN`` list (the scheduler's per-tick look)."""
        out: list[dict[str, Any]] = []
        with self.engine.connect() as conn:
            for chunk in statement_chunks(list(pass_ids), _CHUNK):
                out += [r._asdict() for r in conn.execute(select(sync_runs).where(sync_runs.c.pass_id.in_(chunk)))]
        return out

    def forget_runs(self, before: datetime) -> None:
        """Drop finished pass records older than ``before`` (the daemon keeps a day)."""
        with self.engine.begin() as conn:
            conn.execute(
                sync_runs.delete().where(sync_runs.c.requested_at < before, sync_runs.c.finished_at.is_not(None))
            )

    # -- workers: account health -----------------------------------------------

    def set_health(self, client: str, account: str, state: str, detail: str | None = None) -> None:
        """Record an account's state after a sync: ``ok``, ``retrying`` or ``parked`` (with why)."""
        now = _now()
        with self.engine.begin() as conn:
            old = conn.execute(select(account_health).where(account_health.c.account == account)).first()
            if old is None:
                conn.execute(
                    insert(account_health).values(
                        account=account,
                        client=client,
                        state=state,
                        detail=detail,
                        failures=0 if state == "ok" else 1,
                        since=now,
                        last_ok=now if state == "ok" else None,
                        updated_at=now,
                    )
                )
                return
            values: dict[str, Any] = {"state": state, "detail": detail, "updated_at": now}
            if state != old.state:
                values["since"] = now
            if state == "ok":
                values["failures"] = 0
                values["last_ok"] = now
            else:
                values["failures"] = old.failures + 1
            conn.execute(update(account_health).where(account_health.c.account == account).values(**values))

    def health(self) -> dict[str, dict[str, Any]]:
        """Every account's health row, by account."""
        with self.engine.connect() as conn:
            return {r.account: r._asdict() for r in conn.execute(select(account_health))}
