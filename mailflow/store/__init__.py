"""Persistence: SQLite by default (WAL), PostgreSQL by URL; migrated on open."""

from .db import ActionRow, MessageRow, Outcome, PendingAction, Store, TimeRow
from .engine import open_store

__all__ = ["ActionRow", "MessageRow", "Outcome", "PendingAction", "Store", "TimeRow", "open_store"]
