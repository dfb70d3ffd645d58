"""Meetings being arranged: the slots offered in a thread, their holds, what was booked.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("thread", sa.Text, nullable=False),
        sa.Column("counterpart", sa.String(320), nullable=False),
        sa.Column("attendees", sa.Text, nullable=False),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("duration", sa.Integer, nullable=False),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.Column("slots", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("event_uid", sa.String(300)),
        sa.Column("booked", sa.Text),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_meetings_client_status", "meetings", ["client", "status"])


def downgrade() -> None:
    op.drop_index("ix_meetings_client_status", "meetings")
    op.drop_table("meetings")
