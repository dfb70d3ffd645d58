"""What every connector shares: the protocol, the values it trades in, the errors it raises.

The protocol itself is defined in ``mailflow.connector`` (the core calls it and
must not import this package); it is re-exported here so connector authors
find everything in one place.
"""

from __future__ import annotations

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
]
