"""What each action found before it changed anything, so it can be undone.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Compact JSON text ({"read": false}, {"folder": "INBOX"} ...), written as planned; NULL for
    # actions recorded before this revision, which undo therefore leaves alone.
    with op.batch_alter_table("actions") as batch:
        batch.add_column(sa.Column("before", sa.Text, nullable=True))
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("before", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("before")
    with op.batch_alter_table("actions") as batch:
        batch.drop_column("before")
