"""The first schema: cursors, messages, the action ledger, time entries, audit.

Written out in full (not taken from tables.py) so later changes to the tables
come as new migrations over this one.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "cursors",
        sa.Column("account", sa.String(200), primary_key=True),
        sa.Column("folder", sa.String(500), primary_key=True),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_table(
        "messages",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("key", sa.String(600), nullable=False),
        sa.Column("folder", sa.String(500), nullable=False),
        sa.Column("locator", sa.String(500), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("category", sa.String(40)),
        sa.Column("subject", sa.Text),
        sa.Column("sender", sa.String(500)),
        sa.Column("reason", sa.Text),
        sa.Column("seen_at", _TS, nullable=False),
        sa.Column("done_at", _TS),
        sa.UniqueConstraint("account", "key", name="uq_messages_account_key"),
    )
    op.create_index("ix_messages_locator", "messages", ["account", "folder", "locator"])
    op.create_index("ix_messages_status", "messages", ["account", "status"])
    op.create_table(
        "actions",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("message_id", _ID, sa.ForeignKey("messages.id"), nullable=False),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("rule", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("result", sa.Text),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_actions_message", "actions", ["message_id"])
    op.create_index("ix_actions_status", "actions", ["account", "status"])
    op.create_table(
        "time_entries",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("account", sa.String(200)),
        sa.Column("action_key", sa.String(64), unique=True),
        sa.Column("message_key", sa.String(600)),
        sa.Column("rule", sa.String(300)),
        sa.Column("activity", sa.String(100), nullable=False),
        sa.Column("seconds", sa.Integer, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("at", _TS, nullable=False),
    )
    op.create_index("ix_time_client_at", "time_entries", ["client", "at"])
    op.create_table(
        "audit",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("at", _TS, nullable=False),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("message_key", sa.String(600)),
        sa.Column("subject", sa.Text),
        sa.Column("rule", sa.String(300)),
        sa.Column("action_key", sa.String(64)),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("params", sa.JSON),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text),
    )
    op.create_index("ix_audit_client_at", "audit", ["client", "at"])


def downgrade() -> None:
    for name in ("audit", "time_entries", "actions", "messages", "cursors"):
        op.drop_table(name)
