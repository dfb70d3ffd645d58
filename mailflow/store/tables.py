"""The tables, as SQLAlchemy Core objects; Alembic migrations create them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time, stored in UTC and always read back as an aware UTC datetime.

    SQLite's DATETIME keeps no zone: SQLAlchemy writes the wall-clock digits and
    drops the offset, so a bound in another zone (a month in New York) would be
    compared as if it were UTC. Converting to UTC on the way in, and marking
    UTC on the way out, makes SQLite behave as PostgreSQL's timestamptz does.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if not isinstance(value, datetime):
            return None
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


metadata = MetaData()

cursors = Table(
    "cursors",
    metadata,
    Column("account", String(200), primary_key=True),
    Column("folder", String(500), primary_key=True),
    Column("state", JSON, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

# One row per message seen in an account, whatever folder it was seen in.
# status: planned (actions stored, not all applied), done, quarantined.
messages = Table(
    "messages",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("client", String(100), nullable=False),
    Column("account", String(200), nullable=False),
    Column("key", String(600), nullable=False),
    Column("folder", String(500), nullable=False),
    Column("locator", String(500), nullable=False),
    Column("status", String(20), nullable=False),
    Column("category", String(40)),
    Column("subject", Text),
    Column("sender", String(500)),
    Column("reason", Text),
    Column("seen_at", UTCDateTime(), nullable=False),
    Column("done_at", UTCDateTime()),
    UniqueConstraint("account", "key", name="uq_messages_account_key"),
    Index("ix_messages_locator", "account", "folder", "locator"),
    Index("ix_messages_status", "account", "status"),
)

# The plan/action ledger. key is the idempotency key of one action.
# status: planned, applying (started; check before redoing), done, failed, skipped.
actions = Table(
    "actions",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("message_id", ForeignKey("messages.id"), nullable=False),
    Column("client", String(100), nullable=False),
    Column("account", String(200), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("rule", String(300), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("params", JSON, nullable=False),
    Column("status", String(20), nullable=False),
    Column("result", Text),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("before", Text),  # compact JSON: the state the action changed, as it was (for undo)
    Index("ix_actions_message", "message_id"),
    Index("ix_actions_status", "account", "status"),
)

time_entries = Table(
    "time_entries",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("client", String(100), nullable=False),
    Column("account", String(200)),
    Column("action_key", String(64), unique=True),
    Column("message_key", String(600)),
    Column("rule", String(300)),
    Column("activity", String(100), nullable=False),
    Column("seconds", Integer, nullable=False),
    Column("source", String(20), nullable=False),
    Column("note", Text),
    Column("at", UTCDateTime(), nullable=False),
    Column("billable", Boolean, nullable=False, server_default=true()),
    Index("ix_time_client_at", "client", "at"),
)

# A timer started with `mailflow time start`; stopping it makes a manual time entry.
timers = Table(
    "timers",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("client", String(100), nullable=False),
    Column("task", Text, nullable=False),
    Column("activity", String(100), nullable=False),
    Column("billable", Boolean, nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
)

# Invoices issued: numbered in one sequence for the assistant; an issued one locks its client's month.
invoices = Table(
    "invoices",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("number", String(40), nullable=False, unique=True),
    Column("sequence", Integer, nullable=False),
    Column("client", String(100), nullable=False),
    Column("month", String(7), nullable=False),
    Column("status", String(20), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("total", String(40), nullable=False),
    Column("issued_at", UTCDateTime(), nullable=False),
    Column("reopened_at", UTCDateTime()),
    Index("ix_invoices_client_month", "client", "month"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("client", String(100), nullable=False),
    Column("account", String(200), nullable=False),
    Column("message_key", String(600)),
    Column("subject", Text),
    Column("rule", String(300)),
    Column("action_key", String(64)),
    Column("kind", String(40), nullable=False),
    Column("params", JSON),
    Column("outcome", String(20), nullable=False),
    Column("detail", Text),
    Column("before", Text),  # the action's state before (compact JSON), when it changed one
    Index("ix_audit_client_at", "client", "at"),
)

# Everyone a client has had mail from or sent mail to (lower-case addresses), for "first-time sender".
correspondents = Table(
    "correspondents",
    metadata,
    Column("client", String(100), primary_key=True),
    Column("address", String(320), primary_key=True),
    Column("received", Integer, nullable=False),
    Column("sent", Integer, nullable=False),
    Column("first_at", UTCDateTime(), nullable=False),
    Column("last_at", UTCDateTime(), nullable=False),
)

# Message-IDs the executive's own sent mail answers or refers to: "the executive replied in this thread".
replied_threads = Table(
    "replied_threads",
    metadata,
    Column("client", String(100), primary_key=True),
    Column("message_id", String(998), primary_key=True),
    Column("at", UTCDateTime(), nullable=False),
)

# Meetings being arranged (mailflow.store.meetings).
meetings = Table(
    "meetings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("client", String(100), nullable=False),
    Column("account", String(200), nullable=False),
    Column("thread", Text, nullable=False),
    Column("counterpart", String(320), nullable=False),
    Column("attendees", Text, nullable=False),
    Column("topic", Text, nullable=False),
    Column("duration", Integer, nullable=False),
    Column("zone", String(64), nullable=False),
    Column("slots", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("event_uid", String(300)),
    Column("booked", Text),
    Column("expires_at", UTCDateTime()),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_meetings_client_status", "client", "status"),
)

# Who is working on an account now. A worker holds the lease while it syncs the account and
# renews it; a worker that dies stops renewing, and the lease is free once expires_at passes.
account_leases = Table(
    "account_leases",
    metadata,
    Column("account", String(200), primary_key=True),
    Column("owner", String(100), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
)

# One row per account per requested pass (``mailflow run`` asks, a worker answers): how
# ``run --once`` learns, whatever process did the work, that its pass is done and what it did.
sync_runs = Table(
    "sync_runs",
    metadata,
    Column("pass_id", String(40), primary_key=True),
    Column("account", String(200), primary_key=True),
    Column("client", String(100), nullable=False),
    Column("requested_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime()),
    Column("report", JSON),
    Index("ix_sync_runs_requested", "requested_at"),
)

# Each account's health as its last sync left it. state: ok, retrying (a temporary failure,
# retried with backoff), parked (a permanent failure: no more syncs until the assistant acts).
account_health = Table(
    "account_health",
    metadata,
    Column("account", String(200), primary_key=True),
    Column("client", String(100), nullable=False),
    Column("state", String(20), nullable=False),
    Column("detail", Text),
    Column("failures", Integer, nullable=False),
    Column("since", UTCDateTime(), nullable=False),
    Column("last_ok", UTCDateTime()),
    Column("updated_at", UTCDateTime(), nullable=False),
)

# Every rules file version a daemon accepted (it loaded and its tests passed), per client: what
# a worker falls back to when the file on disk is broken, in any process, after any restart.
rules_versions = Table(
    "rules_versions",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("client", String(100), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("accepted_at", UTCDateTime(), nullable=False),
    Index("ix_rules_versions_client", "client", "id"),
)

# Messages mailflow writes for the assistant (retainer alerts, summaries to forward), saved as drafts
# in the assistant's own mailbox ([assistant.mailbox]). A row is queued once per key; saved_at is set
# when the draft is in the mailbox (found there by its X-Mailflow-Key after an interrupted save).
assistant_drafts = Table(
    "assistant_drafts",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("client", String(100), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("subject", Text, nullable=False),
    Column("raw", Text, nullable=False),
    Column("queued_at", UTCDateTime(), nullable=False),
    Column("saved_at", UTCDateTime()),
    Column("locator", String(300)),
    Column("attempts", Integer, nullable=False),
    Column("error", Text),
    Index("ix_assistant_drafts_saved", "saved_at"),
)
