"""The store on every backend: migrations, cursors, exactly-once bookkeeping."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from mailflow.errors import StoreError
from mailflow.model import SyncCursor
from mailflow.store import ActionRow, MessageRow, Outcome, Settled, Store, TimeRow, open_store
from mailflow.store.engine import HEAD, current_revision, normalise_url
from mailflow.store.tables import actions, messages


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()


def test_the_head_constant_is_alembics_newest_migration() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent.parent / "mailflow" / "store" / "migrations"))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD


def test_opening_migrates_to_head_and_reopening_is_a_no_op(store_url: str) -> None:
    for _ in range(2):
        opened = open_store(store_url)
        assert current_revision(opened.engine) == HEAD
        opened.close()


def _open_at_once(url: str, barrier: Any, results: Any) -> None:
    barrier.wait()
    try:
        open_store(url).close()
        results.put("ok")
    except Exception as exc:  # reported to the test, which shows it
        results.put(f"{type(exc).__name__}: {exc}")


def test_processes_opening_a_new_database_at_once_all_find_it_migrated(store_url: str) -> None:
    # Several workers started together on a new database: one migrates, the others wait and find it done.
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(6), context.Queue()
    procs = [context.Process(target=_open_at_once, args=(store_url, barrier, results)) for _ in range(6)]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    assert outcomes == ["ok"] * 6
    opened = open_store(store_url)
    assert current_revision(opened.engine) == HEAD
    opened.close()


def _schema(url: str) -> dict[str, object]:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(normalise_url(url))
    with engine.connect() as conn:
        insp = inspect(conn)
        schema = {
            table: {
                "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(table)],
                "pk": insp.get_pk_constraint(table)["constrained_columns"],
                "fks": sorted(
                    str((f["constrained_columns"], f["referred_table"])) for f in insp.get_foreign_keys(table)
                ),
                "indexes": sorted(str((i["name"], i["column_names"], i["unique"])) for i in insp.get_indexes(table)),
                "unique": sorted(str(u["column_names"]) for u in insp.get_unique_constraints(table)),
            }
            for table in sorted(insp.get_table_names())
        }
        schema["version"] = current_revision(conn.engine)
    engine.dispose()
    return schema


def test_a_new_database_created_from_the_tables_equals_one_built_by_the_migrations(
    store_url: str, tmp_path: Path
) -> None:
    from sqlalchemy import create_engine

    from mailflow.store.engine import upgrade

    fast = open_store(store_url)  # empty: created from tables.py and stamped
    fast.close()
    if store_url.startswith("sqlite"):
        slow_url = f"sqlite:///{tmp_path / 'migrated.db'}"
    else:
        import uuid

        import psycopg

        base, _, _ = store_url.partition("?")
        schema = "m_" + uuid.uuid4().hex[:10]
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        slow_url = f"{base}?options=-csearch_path%3D{schema}"
    engine = create_engine(normalise_url(slow_url))
    upgrade(engine, fresh_shortcut=False)
    engine.dispose()
    assert _schema(store_url) == _schema(slow_url)


def test_a_cursor_is_stored_and_replaced(store: Store) -> None:
    assert store.get_cursor("dana", "INBOX") is None
    store.set_cursor("dana", SyncCursor("INBOX", {"uidvalidity": 7, "last_uid": 10}))
    store.set_cursor("dana", SyncCursor("INBOX", {"uidvalidity": 7, "last_uid": 12}))
    assert store.get_cursor("dana", "INBOX") == SyncCursor("INBOX", {"uidvalidity": 7, "last_uid": 12})


def row(n: int, actions: int = 2) -> MessageRow:
    return MessageRow(
        "dana",
        "dana",
        f"mid:<{n}@x>",
        "INBOX",
        f"1:{n}",
        "planned",
        "personal",
        f"subject {n}",
        "a@x.example",
        actions=[ActionRow(f"k{n}-{i}", i, "rule", "label", {"labels": ["A"]}) for i in range(actions)],
    )


def test_recorded_messages_get_ids_and_their_actions_are_pending_in_order(store: Store) -> None:
    rows = [row(n) for n in range(700)]
    store.record(rows)
    assert all(r.id is not None for r in rows)
    assert store.known_keys("dana", ["mid:<5@x>", "mid:<nope@x>"]) == {"mid:<5@x>"}
    assert store.known_locators("dana", "INBOX", ["1:5", "1:9999"]) == {"1:5"}
    pending = store.pending("dana")
    assert len(pending) == 1400
    assert [(p.message_key, p.seq) for p in pending[:3]] == [("mid:<0@x>", 0), ("mid:<0@x>", 1), ("mid:<1@x>", 0)]


def test_completing_every_action_finishes_the_message_with_its_time_entry(store: Store) -> None:
    store.record([row(1)])
    pending = store.pending("dana")
    at = datetime.now(UTC)
    outcomes = [Outcome(pending[0], "done", time=TimeRow("dana", "email", 120, "auto", at, action_key=pending[0].key))]
    store.complete("dana", "dana", outcomes)
    with store.engine.connect() as conn:
        assert conn.execute(select(messages.c.status)).scalar() == "planned"
    store.complete("dana", "dana", [Outcome(pending[1], "done")])
    with store.engine.connect() as conn:
        assert conn.execute(select(messages.c.status)).scalar() == "done"
    entries = store.time_entries("dana", at - timedelta(minutes=1), at + timedelta(minutes=1))
    assert [e["seconds"] for e in entries] == [120]
    assert len(store.audit_rows("dana")) == 2


def test_a_failed_action_quarantines_its_message_with_the_reason(store: Store) -> None:
    store.record([row(2, actions=1)])
    [pending] = store.pending("dana")
    store.complete("dana", "dana", [Outcome(pending, "failed", "NotFound: no such folder")])
    [q] = store.quarantined()
    assert q["reason"] == "label failed: NotFound: no such folder"


def test_settled_messages_get_every_open_action_of_the_kinds_marked_with_audit_rows_from_the_ledger(
    store: Store,
) -> None:
    rows = [row(n, actions=2) for n in range(3)]
    for r in rows:
        r.actions.append(ActionRow(f"k{r.key}-move", 2, "file it", "move", {"folder": "Archive/2026"}))
    rows[2].actions[0].status = "skipped"  # not open: left alone
    store.record(rows)
    ids = [r.id or 0 for r in rows]
    settled = Settled(("label", "flag", "mark_read"), done=[ids[0], ids[2]], failed={ids[1]: "NotFound: gone"})
    completed = store.complete("dana", "dana", [], [settled])

    assert completed.done == {"label": 3} and completed.failed == 2
    with store.engine.connect() as conn:
        status = dict(conn.execute(select(actions.c.key, actions.c.status)).all())
    assert status["k0-0"] == status["k0-1"] == status["k2-1"] == "done"
    assert status["k1-0"] == status["k1-1"] == "failed"
    assert status["k2-0"] == "skipped"
    assert {k: v for k, v in status.items() if k.endswith("-move")} == dict.fromkeys(
        (f"kmid:<{n}@x>-move" for n in range(3)), "planned"
    ), "moves are another kind: untouched"
    audit = {r["action_key"]: r for r in store.audit_rows("dana")}
    assert set(audit) == {"k0-0", "k0-1", "k1-0", "k1-1", "k2-1"}
    one = audit["k1-0"]
    assert (one["message_key"], one["subject"], one["rule"], one["kind"], one["params"]) == (
        "mid:<1@x>",
        "subject 1",
        "rule",
        "label",
        {"labels": ["A"]},
    )
    assert (one["outcome"], one["detail"], audit["k0-0"]["detail"]) == ("failed", "NotFound: gone", None)
    assert one["at"].tzinfo is not None
    with store.engine.connect() as conn:
        finished = dict(conn.execute(select(messages.c.key, messages.c.status)).all())
    assert finished == dict.fromkeys(("mid:<0@x>", "mid:<1@x>", "mid:<2@x>"), "planned"), "their moves are open"

    store.complete("dana", "dana", [], [Settled(("move", "archive"), done=ids)])
    with store.engine.connect() as conn:
        finished = dict(conn.execute(select(messages.c.key, messages.c.status)).all())
    assert finished == {"mid:<0@x>": "done", "mid:<1@x>": "quarantined", "mid:<2@x>": "done"}


def test_a_plain_postgresql_url_gets_the_psycopg_driver() -> None:
    assert normalise_url("postgresql://u@h:5432/db") == "postgresql+psycopg://u@h:5432/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_an_unreachable_database_is_a_store_error_without_the_password() -> None:
    with pytest.raises(StoreError) as info:
        open_store("postgresql://mf:s3cret@127.0.0.1:1/none")
    assert "s3cret" not in str(info.value)


def test_a_months_entries_follow_the_clients_time_zone_on_every_backend(store: Store) -> None:
    from zoneinfo import ZoneInfo

    new_york = ZoneInfo("America/New_York")
    late_november = datetime(2026, 12, 1, 4, 30, tzinfo=UTC)  # 23:30 on 30 November in New York
    store.add_time(TimeRow("dana", "email", 300, "manual", late_november))
    november = store.time_entries(
        "dana", datetime(2026, 11, 1, tzinfo=new_york), datetime(2026, 12, 1, tzinfo=new_york)
    )
    december = store.time_entries("dana", datetime(2026, 12, 1, tzinfo=new_york), datetime(2027, 1, 1, tzinfo=new_york))
    assert [e["seconds"] for e in november] == [300]
    assert december == []
    assert november[0]["at"] == late_november  # an aware UTC time, whatever the backend stored
