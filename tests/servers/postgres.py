"""PostgreSQL on loopback: a fresh database per test session, dropped at the end.

The test command (scripts/test) starts the server when it is not running. A
missing server skips the PostgreSQL half of the store tests locally and fails
it when CI=true.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
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
