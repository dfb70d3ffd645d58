"""Persistence: SQLite by default (WAL), PostgreSQL by URL; migrated on open."""

from .db import ActionRow, Completed, MessageRow, Outcome, PendingAction, Settled, Store, TimeRow
from .engine import open_store

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
