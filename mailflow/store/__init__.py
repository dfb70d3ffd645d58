"""Persistence: SQLite by default (WAL), PostgreSQL by URL; migrated on open."""

from .db import Store
from .engine import open_store
from .rows import ActionRow, Completed, MessageRow, Outcome, PendingAction, Settled, TimeRow

__all__ = [
    "ActionRow",
    "Completed",
    "MessageRow",
    "Outcome",
    "PendingAction",
    "Settled",
    "Store",
    "TimeRow",
    "open_store",
]
