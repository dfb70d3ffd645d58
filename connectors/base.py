"""What every connector shares: the protocol, the values it trades in, the errors it raises.

The protocol itself is defined in ``mailflow.connector`` (the core calls it and
must not import this package); it is re-exported here so connector authors
find everything in one place.
"""

from __future__ import annotations

from collections.abc import Iterable as _Iterable

from mailflow.connector import FOLDER_ROLES, MailConnector
from mailflow.errors import (
    AuthError,
    AuthExpired,
    ConnectorError,
    NotFound,
    PermanentError,
    RateLimited,
    TransientError,
)
from mailflow.model import ChangeSet, Draft, FetchedMessage, Flag, MessageRef, SyncCursor


def group_by_folder(refs: _Iterable[MessageRef]) -> dict[str, list[MessageRef]]:
    """Refs grouped by the folder they live in, in first-seen order: one server call per folder."""
    groups: dict[str, list[MessageRef]] = {}
    for ref in refs:
        groups.setdefault(ref.folder, []).append(ref)
    return groups


__all__ = [
    "FOLDER_ROLES",
    "AuthError",
    "AuthExpired",
    "ChangeSet",
    "ConnectorError",
    "Draft",
    "FetchedMessage",
    "Flag",
    "MailConnector",
    "MessageRef",
    "NotFound",
    "PermanentError",
    "RateLimited",
    "SyncCursor",
    "TransientError",
    "group_by_folder",
]
