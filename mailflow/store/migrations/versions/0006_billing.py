"""Billing: billable flag on time entries, running timers, issued invoices (which lock their period).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("time_entries") as batch:
        batch.add_column(sa.Column("billable", sa.Boolean, nullable=False, server_default=sa.true()))
    op.create_table(
        "timers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("task", sa.Text, nullable=False),
        sa.Column("activity", sa.String(100), nullable=False),
        sa.Column("billable", sa.Boolean, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("number", sa.String(40), nullable=False, unique=True),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),  # YYYY-MM, in the client's time zone
        sa.Column("status", sa.String(20), nullable=False),  # issued | reopened
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("total", sa.String(40), nullable=False),  # a Decimal, as text
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_invoices_client_month", "invoices", ["client", "month"])


def downgrade() -> None:
    op.drop_index("ix_invoices_client_month", "invoices")
    op.drop_table("invoices")
    op.drop_table("timers")
    with op.batch_alter_table("time_entries") as batch:
        batch.drop_column("billable")
