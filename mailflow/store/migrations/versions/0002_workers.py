"""Queued workers: account leases, requested passes and their reports, account health.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "account_leases",
        sa.Column("account", sa.String(200), primary_key=True),
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
    )
    op.create_table(
        "sync_runs",
        sa.Column("pass_id", sa.String(40), primary_key=True),
        sa.Column("account", sa.String(200), primary_key=True),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("requested_at", _TS, nullable=False),
        sa.Column("finished_at", _TS),
        sa.Column("report", sa.JSON),
    )
    op.create_index("ix_sync_runs_requested", "sync_runs", ["requested_at"])
    op.create_table(
        "account_health",
        sa.Column("account", sa.String(200), primary_key=True),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("since", _TS, nullable=False),
        sa.Column("last_ok", _TS),
        sa.Column("updated_at", _TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("account_health")
    op.drop_index("ix_sync_runs_requested", "sync_runs")
    op.drop_table("sync_runs")
    op.drop_table("account_leases")
