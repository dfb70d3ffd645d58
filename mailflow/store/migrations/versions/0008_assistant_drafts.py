"""Drafts for the assistant's own mailbox: retainer alerts and summaries, queued once each.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assistant_drafts",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True)),
        sa.Column("locator", sa.String(300)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_assistant_drafts_saved", "assistant_drafts", ["saved_at"])


def downgrade() -> None:
    op.drop_index("ix_assistant_drafts_saved", "assistant_drafts")
    op.drop_table("assistant_drafts")
