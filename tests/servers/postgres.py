"""PostgreSQL on loopback: a fresh database per test session, dropped at the end.

The test command (scripts/test) starts the server when it is not running. A
missing server skips the PostgreSQL half of the store tests locally and fails
it when CI=true.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

HOST = os.environ.get("MAILFLOW_TEST_PG_HOST", "127.0.0.1")
PORT = int(os.environ.get("MAILFLOW_TEST_PG_PORT", "5432"))
USER = os.environ.get("MAILFLOW_TEST_PG_USER", "postgres")


def unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


def _reachable() -> bool:
    try:
        with socket.create_connection((HOST, PORT), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a new, empty database on the loopback PostgreSQL server."""
    if not _reachable():
        unavailable(f"nothing listens on {HOST}:{PORT} (scripts/services starts it)")
    import psycopg

    name = "mailflow_test_" + uuid.uuid4().hex[:10]
    admin = f"host={HOST} port={PORT} user={USER} dbname=postgres"
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        unavailable(str(exc))
    yield f"postgresql://{USER}@{HOST}:{PORT}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL for each backend the store supports: the same test runs on both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'mailflow.db'}"
    base: str = request.getfixturevalue("postgres_url")
    # A schema per test keeps tests apart inside the session's database.
    import psycopg

    schema = "t_" + uuid.uuid4().hex[:10]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return f"{base}?options=-csearch_path%3D{schema}"


# -- the whole suite on PostgreSQL ------------------------------------------------
#
# MAILFLOW_TEST_DATABASE=postgresql runs every test that uses a database on PostgreSQL instead
# of SQLite: each such test gets a schema of its own in the session's database, through
# MAILFLOW_DATABASE (which every config, in this process and in the mailflow processes the test
# starts, obeys) and through ``new_database``. scripts/test runs the suite both ways.

PG_MODE = os.environ.get("MAILFLOW_TEST_DATABASE") == "postgresql"
# Modules that choose their databases themselves (both backends, or none).
_OWN_DATABASES = {"test_store", "test_pipeline", "test_crash", "test_brokers", "test_config", "test_corpus"}


def _schema_url(base: str) -> str:
    import psycopg

    schema = "t_" + uuid.uuid4().hex[:10]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return f"{base}?options=-csearch_path%3D{schema}"


@pytest.fixture
def new_database(request: pytest.FixtureRequest) -> Callable[[Path], str]:
    """Make an empty database for this test: a SQLite file in ``dir``, or a PostgreSQL schema in PG mode."""

    def make(directory: Path, name: str = "mailflow") -> str:
        if not PG_MODE:
            return f"sqlite:///{directory / f'{name}.db'}"
        return _schema_url(request.getfixturevalue("postgres_url"))

    return make


@pytest.fixture(autouse=True)
def _every_database_on_postgresql(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if not PG_MODE or request.node.get_closest_marker("own_database"):
        return
    if request.module.__name__.rsplit(".", 1)[-1] in _OWN_DATABASES:
        return
    monkeypatch.setenv("MAILFLOW_DATABASE", _schema_url(request.getfixturevalue("postgres_url")))
