"""Who each client has corresponded with, and which threads the executive has answered.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "correspondents",
        sa.Column("client", sa.String(100), primary_key=True),
        sa.Column("address", sa.String(320), primary_key=True),
        sa.Column("received", sa.Integer, nullable=False),  # messages from them
        sa.Column("sent", sa.Integer, nullable=False),  # messages the executive sent them
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "replied_threads",
        sa.Column("client", sa.String(100), primary_key=True),
        sa.Column("message_id", sa.String(998), primary_key=True),  # a Message-ID the executive's mail refers to
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("replied_threads")
    op.drop_table("correspondents")
