"""``mailflow undo``: revert applied actions exactly, and never what the executive has touched since.

For each account, under its lease (as ``rules apply`` takes it, so a running
daemon leaves the account alone meanwhile):

* a message is looked for where the rules left it (the folder a move put it
  in, else where it was seen) by its key; if it is not there, the executive
  (or another program) has moved or deleted it since, and nothing is done to
  it (outcome ``kept``);
* labels the rule added that were not there before are removed; ``\\Flagged``
  and ``\\Seen`` are set back to what they were; then a moved message is
  moved back to the folder it came from;
* a draft is deleted only while it is byte for byte what mailflow saved (its
  digest is the action's recorded result); an edited one is kept;
* a time entry is deleted.

Each result is recorded (``mailflow.store.undoing``): a reverted action becomes
``undone`` and is never done again by ``mailflow run`` or ``rules apply``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence

from connectors import connector_for
from mailflow.applying import IN_PLACE, MOVES
from mailflow.config import ImapAccount, MaildirAccount, Settings
from mailflow.connector import MailConnector
from mailflow.errors import ConnectorError, MailflowError
from mailflow.model import MessageRef, same_label
from mailflow.store import Store
from mailflow.store.undoing import UndoItem, UndoResult, record_undo
from mailflow.undo import draft_digest, load_before

from .actors import LeaseKeeper, WorkerContext

__all__ = ["undo"]

log = logging.getLogger("mailflow.undo")


def undo(
    settings: Settings,
    store: Store,
    items: Sequence[UndoItem],
    *,
    lease: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[UndoResult]:
    """Revert ``items`` account by account; every result is recorded before the next account starts."""
    accounts = {a.id: a for c in settings.clients for a in c.accounts}
    by_account: dict[str, list[UndoItem]] = defaultdict(list)
    for item in items:
        by_account[item.account].append(item)
    ctx = WorkerContext(settings, store, lease=lease or settings.workers.lease)
    owner = f"{ctx.owner}|undo"
    results: list[UndoResult] = []
    for account_id, group in by_account.items():
        account = accounts.get(account_id)
        if account is None:
            done = [UndoResult(i, "failed", f"account {account_id} is no longer in the configuration") for i in group]
        else:
            if not store.take_lease(account_id, owner, ctx.lease):
                raise MailflowError(f"{account_id}: a worker is syncing this account now; try again in a moment")
            try:
                with LeaseKeeper(ctx, account_id, owner):
                    done = _undo_account(account, group)
            finally:
                store.release_lease(account_id, owner)
        record_undo(store, done)
        results.extend(done)
        if progress:
            progress(len(group))
    return results


def _undo_account(account: ImapAccount | MaildirAccount, items: Sequence[UndoItem]) -> list[UndoResult]:
    results: list[UndoResult] = [UndoResult(i, "undone") for i in items if i.kind == "log_time"]
    drafts = [i for i in items if i.kind == "draft_reply"]
    on_messages = [i for i in items if i.kind in IN_PLACE or i.kind in MOVES]
    if not drafts and not on_messages:
        return results
    connector = connector_for(account)
    try:
        connector.open()
    except ConnectorError as exc:
        return results + [UndoResult(i, "failed", f"cannot connect: {exc}") for i in (*drafts, *on_messages)]
    try:
        results += [_undo_draft(connector, i) for i in drafts]
        results += _undo_messages(connector, on_messages)
    finally:
        connector.close()
    return results


def _undo_draft(connector: MailConnector, item: UndoItem) -> UndoResult:
    try:
        locator = connector.find_draft(item.action_key)
        folder = connector.folder_for("drafts") or "Drafts"
        if locator is None:
            return UndoResult(item, "kept", "the draft is no longer in Drafts (sent, moved or deleted): nothing to do")
        if not item.result or not item.result.startswith("sha256:"):
            return UndoResult(item, "kept", "no digest of the saved draft was recorded, so it cannot be told unedited")
        ref = MessageRef(connector.account, folder, locator)
        raws = [f.raw for f in connector.fetch([ref])]
        if not raws:
            return UndoResult(item, "kept", "the draft is no longer in Drafts: nothing to do")
        if draft_digest(raws[0]) != item.result:
            return UndoResult(item, "kept", "the draft has been edited since mailflow saved it: left as it is")
        connector.delete([ref])
    except ConnectorError as exc:
        return UndoResult(item, "failed", str(exc))
    return UndoResult(item, "undone", f"deleted the draft from {folder}")


def _undo_messages(connector: MailConnector, items: Sequence[UndoItem]) -> list[UndoResult]:
    """Find each message where the rules left it, folder by folder, then revert what was done to it."""
    per_message: dict[str, list[UndoItem]] = defaultdict(list)
    for item in items:
        per_message[item.message_key].append(item)
    results: list[UndoResult] = []
    expected: dict[str, str] = {}
    for key, group in per_message.items():
        missing = [i for i in group if load_before(i.before) is None]
        results += [UndoResult(i, "kept", "applied before mailflow recorded the previous state") for i in missing]
        group[:] = [i for i in group if i not in missing]
        if not group:
            continue
        where = _left_in(connector, group)
        if where is None:
            results += [UndoResult(i, "failed", "the account has no archive folder") for i in group]
            group.clear()
        else:
            expected[key] = where
    by_folder: dict[str, list[str]] = defaultdict(list)
    for key, folder in expected.items():
        by_folder[folder].append(key)
    for folder, keys in by_folder.items():
        try:
            found = connector.locate(folder, keys)
        except ConnectorError as exc:
            results += [UndoResult(i, "failed", str(exc)) for k in keys for i in per_message[k]]
            continue
        for key in keys:
            group = per_message[key]
            ref = found.get(key)
            if ref is None:
                why = f"the message is no longer in {folder} (moved or deleted since): left alone"
                results += [UndoResult(i, "kept", why) for i in group]
                continue
            results += _revert(connector, ref, group)
    return results


def _left_in(connector: MailConnector, group: Sequence[UndoItem]) -> str | None:
    """The folder the rules left the message in: a move's destination, else where it was seen."""
    for item in group:
        if item.kind == "move":
            return str(item.params["folder"])
        if item.kind == "archive":
            return connector.folder_for("archive") or "Archive"
    return group[0].folder


def _revert(connector: MailConnector, ref: MessageRef, group: Sequence[UndoItem]) -> list[UndoResult]:
    """Labels, flags and read state back as they were, then the message back to its folder."""
    remove: list[str] = []
    add: list[str] = []
    flagged: bool | None = None
    read: bool | None = None
    back: str | None = None
    for item in group:
        before = load_before(item.before) or {}
        if item.kind == "label":
            present = [str(x) for x in before.get("present", [])]
            remove += [x for x in item.params.get("labels", []) if not any(same_label(x, p) for p in present)]
        elif item.kind == "unlabel":
            add += [str(x) for x in before.get("present", [])]
        elif item.kind == "flag":
            flagged = bool(before.get("flagged"))
        elif item.kind == "mark_read":
            read = bool(before.get("read"))
        else:
            back = str(before.get("folder") or item.folder)
    try:
        if remove or add or flagged is not None or read is not None:
            connector.update(
                [ref], add_labels=sorted(set(add)), flagged=flagged, read=read, remove_labels=sorted(set(remove))
            )
        if back is not None and back != ref.folder:
            connector.move([ref], back)
    except ConnectorError as exc:
        log.warning("undo on %s: %s", ref.account, exc)
        return [UndoResult(i, "failed", str(exc)) for i in group]
    return [UndoResult(i, "undone", _what(i, back)) for i in group]


def _what(item: UndoItem, back: str | None) -> str:
    before = load_before(item.before) or {}
    if item.kind in ("label", "unlabel"):
        return "labels as before"
    if item.kind == "flag":
        return "flagged again" if before.get("flagged") else "unflagged"
    if item.kind == "mark_read":
        return "read again" if before.get("read") else "unread again"
    return f"moved back to {back}"
