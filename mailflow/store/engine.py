"""Opening the store: the URL, the driver, SQLite's settings, and migrations on open."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from ..errors import StoreError
from ..vault import locked
from .db import Store
from .tables import metadata

__all__ = ["HEAD", "current_revision", "enable_wal", "normalise_url", "open_store", "upgrade"]


def normalise_url(url: str) -> str:
    """Pick the driver for a plain URL: ``postgresql://`` uses psycopg 3."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def enable_wal(db: sqlite3.Connection) -> None:
    """Put a SQLite file in WAL mode (it stays so), for the store and the embedded queue alike.

    Switching takes an exclusive lock that SQLite may refuse at once, without
    waiting, while another process opens the same new file (several workers
    starting): it is retried.
    """
    for attempt in range(100):
        try:
            if str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 99:
                raise
            time.sleep(0.05)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA busy_timeout=10000")
    enable_wal(dbapi_conn)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA synchronous=NORMAL")
    # Checkpoint the WAL every ~40 MB instead of every 4 MB: a pass writes in bursts, and each
    # checkpoint costs two fsyncs (measured: a fifth of the ledger's write time at the default).
    cur.execute("PRAGMA wal_autocheckpoint=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    # 256 KiB of page cache per connection instead of 2 MiB: the pages a pass reads again are in the
    # OS's cache anyway, and a pass holds three connections (measured: peak RSS of a 10,000-message
    # pass 96 -> 93 MB, no change in speed; bench/README.md).
    cur.execute("PRAGMA cache_size=-256")
    cur.close()


def open_store(url: str, migrate: bool = True) -> Store:
    """Open (and by default migrate) the database at ``url``; raise ``StoreError`` with the reason."""
    url = normalise_url(url)
    try:
        if url.startswith("sqlite"):
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url)
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        store = Store(engine)
        if migrate:
            upgrade(engine)
        return store
    except OperationalError as exc:
        raise StoreError(f"cannot open the database {_redact(url)}: {exc.orig}") from exc
    except SQLAlchemyError as exc:
        raise StoreError(f"database error on {_redact(url)}: {exc}") from exc
    except ModuleNotFoundError as exc:
        raise StoreError(
            f"the driver for {_redact(url)} is not installed ({exc.name}); install mailflow[postgres] for PostgreSQL"
        ) from exc


def _redact(url: str) -> str:
    """A URL with any password replaced, for messages and logs."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in creds else url
    return url


HEAD = "0008"
"""The newest migration; when the database is already there, Alembic is not even imported."""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, *, fresh_shortcut: bool = True) -> None:
    """Apply Alembic migrations up to head.

    A new, empty database is created from ``tables.py`` and stamped at head
    instead (as Alembic's cookbook suggests): the same schema, a test says
    so, without importing Alembic, which costs a fresh daemon 13 MB of memory.
    """
    if current_revision(engine) == HEAD:
        return
    with _migrating(engine):
        _upgrade(engine, fresh_shortcut)


# A number of mailflow's own for PostgreSQL's advisory lock: one process migrates at a time.
_MIGRATION_LOCK = 0x6D61696C666C6F77  # "mailflow"


@contextlib.contextmanager
def _migrating(engine: Engine) -> Iterator[None]:
    """One process at a time migrates a database: several workers starting at once on a new one.

    SQLite: an exclusive lock on a ``.lock`` file beside the database;
    PostgreSQL: a session advisory lock, held on a connection of its own.
    Whoever waited finds the work done (the revision is read again under
    the lock) instead of failing on "table already exists".
    """
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        if not path or path == ":memory:":
            yield
            return
        with locked(Path(path)):
            yield
        return
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK})
            conn.commit()


def _upgrade(engine: Engine, fresh_shortcut: bool) -> None:
    revision = current_revision(engine)
    if revision == HEAD:
        return  # another process did it while this one waited
    if revision is None and fresh_shortcut:
        with engine.begin() as conn:
            if not inspect(conn).get_table_names():
                metadata.create_all(conn)
                conn.execute(
                    text(
                        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                        "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
                    )
                )
                conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": HEAD})
                return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
