"""What an action found before it changed anything, recorded so the action can be undone exactly.

When a message is planned, each action that changes the mailbox records the
state it is about to change, as the server reported it in the same FETCH
that delivered the message (compact JSON in the ledger and the audit log):

=============  ===============================  ============================================
action         ``before``                       undo
=============  ===============================  ============================================
``label``      ``{"present": [...]}``            removes the labels that were not there before
``unlabel``    ``{"present": [...]}``            puts back the labels that were there before
``flag``       ``{"flagged": bool}``             sets ``\\Flagged`` back
``mark_read``  ``{"read": bool}``                sets ``\\Seen`` back
``move``,      ``{"folder": "INBOX"}``           moves it back, if it is still where the rule
``archive``                                      put it
=============  ===============================  ============================================

A draft needs no before: its undo deletes the draft if it is still exactly
what mailflow saved (the digest of its bytes is the action's recorded
result). Time entries are deleted. Undoing is done by ``workers.undo``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from .model import FetchedMessage, Flag, same_label

__all__ = ["DRAFT_DIGEST", "before_state", "draft_digest", "load_before"]

DRAFT_DIGEST = "sha256:"  # how a saved draft's digest starts in the action's result


def before_state(kind: str, params: Mapping[str, Any], fetched: FetchedMessage) -> str | None:
    """The state ``kind`` will change, as ``fetched`` shows it; None for actions that change no state."""
    if kind in ("label", "unlabel"):
        if not fetched.labels:
            return _NONE_PRESENT
        present = [label for label in params.get("labels", []) if any(same_label(label, x) for x in fetched.labels)]
        return _dump({"present": present})
    if kind == "flag":
        return _FLAGGED[Flag.FLAGGED in fetched.flags]
    if kind == "mark_read":
        return _READ[Flag.SEEN in fetched.flags]
    if kind in ("move", "archive"):
        return _dump({"folder": fetched.ref.folder})
    return None


def load_before(text: str | None) -> dict[str, Any] | None:
    """A recorded ``before``, or None when none was recorded (an action planned before mailflow kept it)."""
    if not text:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else None


def draft_digest(raw: bytes) -> str:
    """The digest a saved draft is recognised by: line endings do not count (a server may store CRLF)."""
    return DRAFT_DIGEST + hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest()


_NONE_PRESENT = '{"present":[]}'
_FLAGGED = {True: '{"flagged":true}', False: '{"flagged":false}'}
_READ = {True: '{"read":true}', False: '{"read":false}'}


def _dump(value: dict[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
