"""``mailflow rules plan``: what a client's rules would do to mail already in the box, changing nothing.

Each account's folders are listed in full (IMAP ``EXAMINE``: read-only), the
last ``--last`` messages (or all) fetched with ``BODY.PEEK`` (nothing is
marked read: not even ``\\Seen``), parsed, classified and run through the
rules. Nothing is written to the mailbox or to the database. The report
counts, per rule, the messages it matched and the actions it would take,
and per action kind the totals.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial

from connectors import connector_for
from mailflow.applying import MOVES
from mailflow.config import ClientConfig, RateCard, Settings
from mailflow.connector import MailConnector
from mailflow.errors import MailflowError
from mailflow.message import Message, require_mail
from mailflow.model import FetchedMessage, MessageRef
from mailflow.pipeline import BATCH_BYTES, by_bytes, encode_params
from mailflow.ratecard import with_rate_card
from mailflow.report import AccountReport, describe
from mailflow.rules import MatchContext, PlannedAction, RuleSet
from mailflow.store import ActionRow, MessageRow, Store
from mailflow.triage import classify
from mailflow.undo import before_state

from .actors import LeaseKeeper, WorkerContext
from .runner import run_account

PAGE = 5000
# A batch: each message as fetched, parsed, and its plan (or, for one that would be quarantined, the reason).
Found = list[tuple[FetchedMessage, Message, list[PlannedAction] | str]]


@dataclass
class FolderPlan:
    """What the rules would do in one folder of one account."""

    account: str
    folder: str
    listed: int = 0
    examined: int = 0
    too_old: int = 0
    undated: int = 0  # with --since: no readable Date header, so planned anyway
    unreadable: int = 0
    by_rule: dict[str, Counter[str]] = field(default_factory=dict)  # rule -> described action -> count
    matched: Counter[str] = field(default_factory=Counter)  # rule -> messages
    by_kind: Counter[str] = field(default_factory=Counter)
    unmatched: int = 0
    samples: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (sender, subject, actions)
    rate_card: RateCard | None = None


def _date(msg: Message) -> datetime | None:
    text = msg.header("date")
    if not text:
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def plan_client(
    settings: Settings,
    client: ClientConfig,
    rules: RuleSet,
    *,
    account_id: str | None = None,
    folder: str | None = None,
    since: datetime | None = None,
    last: int | None = None,
    keep: int = 50,
    progress: Callable[[int], None] | None = None,
) -> list[FolderPlan]:
    """Plan every folder of every account of ``client`` (or the one named); changes nothing."""
    plans: list[FolderPlan] = []
    for account in client.accounts:
        if account_id is not None and account.id != account_id:
            continue
        connector = connector_for(account)
        connector.open()
        try:
            for name in [folder] if folder else account.folders:
                plans.append(
                    _plan_folder(connector, account.id, name, rules, since, last, keep, progress, card=client.rate_card)
                )
        finally:
            connector.close()
    return plans


def _plan_folder(
    connector: MailConnector,
    account: str,
    folder: str,
    rules: RuleSet,
    since: datetime | None,
    last: int | None,
    keep: int,
    progress: Callable[[int], None] | None,
    on_batch: Callable[[Found], None] | None = None,
    *,
    card: RateCard | None = None,
) -> FolderPlan:
    """List ``folder`` (its newest ``last``), fetch it in batches and plan each message; ``on_batch`` gets each
    batch's planned messages (``rules apply`` records them)."""
    plan = FolderPlan(account, folder, rate_card=card)
    refs = _list(connector, folder)
    plan.listed = len(refs)
    if last is not None:
        refs = refs[-last:]
    for batch in (
        part for start in range(0, len(refs), 250) for part in by_bytes(refs[start : start + 250], BATCH_BYTES)
    ):
        found: Found = []
        for fetched in connector.fetch(batch):
            msg = Message(fetched.raw)
            planned = _plan_one(plan, rules, msg, since, keep)
            if planned is not None:  # (None: older than --since)
                found.append((fetched, msg, planned))
        if on_batch is not None:
            on_batch(found)
        if progress:
            progress(len(batch))
    return plan


def _plan_one(
    plan: FolderPlan, rules: RuleSet, msg: Message, since: datetime | None, keep: int
) -> list[PlannedAction] | str | None:
    """Count what the rules plan for one message; returns the plan, why it would be quarantined, or None (left out)."""
    if since is not None:
        when = _date(msg)
        if when is None:
            plan.undated += 1
        elif when < since:
            plan.too_old += 1
            return None
    try:
        require_mail(msg)
        category = classify(msg)
        ctx = MatchContext(msg, category, plan.account, plan.folder, rules.zone)
        planned = with_rate_card(rules.evaluate(ctx), plan.rate_card)
    except Exception as exc:  # as the pipeline would quarantine it
        plan.unreadable += 1
        return f"{type(exc).__name__}: {exc}"[:2000]
    plan.examined += 1
    if not planned:
        plan.unmatched += 1
    seen_rules: set[str] = set()
    actions = []
    for action in planned:
        text = describe(action.kind, dict(action.params))
        actions.append(text)
        plan.by_rule.setdefault(action.rule, Counter())[text] += 1
        plan.by_kind[action.kind] += 1
        if action.rule not in seen_rules:
            plan.matched[action.rule] += 1
            seen_rules.add(action.rule)
    if len(plan.samples) < keep:
        sender = msg.sender.email if msg.sender else "?"
        plan.samples.append((sender, msg.subject or "", actions))
    return planned


# -- mailflow rules apply ----------------------------------------------------------


def apply_key(account: str, message_key: str, action: PlannedAction, params: str) -> str:
    """The idempotency key of an action ``rules apply`` plans: the same every time for the same action.

    Applying the same rules to the same message twice therefore plans nothing
    new the second time, and an interrupted apply resumes where it stopped.
    """
    text = "\\x1f".join(("apply", account, message_key, action.rule, action.kind, params))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def apply_client(
    settings: Settings,
    store: Store,
    client: ClientConfig,
    rules: RuleSet,
    *,
    account_id: str | None = None,
    folder: str | None = None,
    since: datetime | None = None,
    last: int | None = None,
    progress: Callable[[int], None] | None = None,
    lease: float | None = None,
) -> tuple[list[FolderPlan], list[AccountReport]]:
    """Apply the rules to the mail already in the box: plan as ``plan_client`` does, record, then apply.

    Each message's actions are recorded under keys that depend only on the
    message and the action (``apply_key``), and an action the message already
    got (by ``mailflow run`` or an earlier apply: same rule, kind and
    parameters) is not planned again: applying twice does nothing the second
    time, and an interrupted apply is finished by the next apply or run. The
    account is leased as a worker leases it (renewed while apply works; a dead
    apply's lease is taken over), so a running daemon does not work on it at
    the same time.
    """
    plans: list[FolderPlan] = []
    reports: list[AccountReport] = []
    # Leased as a worker leases it (actors): renewed while apply works, and an owner name that
    # tells a worker on this machine when this process is gone.
    ctx = WorkerContext(settings, store, lease=lease or settings.workers.lease)
    owner = f"{ctx.owner}|apply"
    for index, account in enumerate(client.accounts):
        if account_id is not None and account.id != account_id:
            continue
        if not store.take_lease(account.id, owner, ctx.lease):
            raise MailflowError(f"{account.id}: a worker is syncing this account now; try again in a moment")
        try:
            with LeaseKeeper(ctx, account.id, owner):
                connector = connector_for(account)
                connector.open()
                try:
                    for name in [folder] if folder else account.folders:
                        record = partial(_record, store, client.id, account.id)
                        plans.append(
                            _plan_folder(
                                connector,
                                account.id,
                                name,
                                rules,
                                since,
                                last,
                                0,
                                progress,
                                record,
                                card=client.rate_card,
                            )
                        )
                finally:
                    connector.close()
                # Everything recorded is pending: the pass applies it (and nothing else: no new mail listed).
                report = run_account(settings, store, client, index, rules, only=(plans[-1].folder, []))
                report.resumed = 0  # what it applied is this apply's own plan, not an interrupted run's
                reports.append(report)
        finally:
            store.release_lease(account.id, owner)
    return plans, reports


def _record(store: Store, client: str, account: str, found: Found) -> None:
    known = store.planned_for(account, [m.key for _r, m, _p in found])
    new_rows: list[MessageRow] = []
    additions: list[tuple[int, list[ActionRow]]] = []
    relocated: list[tuple[str, str, str]] = []
    for state, msg, planned in found:
        ref = state.ref
        mid, had = known.get(msg.key, (None, set()))
        if isinstance(planned, str):  # quarantined, as a run records it
            if mid is None:
                new_rows.append(
                    MessageRow(client, account, msg.key, ref.folder, ref.locator, "quarantined", reason=planned)
                )
            continue
        rows: list[ActionRow] = []
        moved = any(kind in MOVES for _rule, kind, _params in had)
        for seq, action in enumerate(planned):
            params = encode_params(action)
            if (action.rule, action.kind, params) in had:
                continue  # it got this already
            status = "planned"
            if action.kind in MOVES:
                status = "skipped" if moved else status
                moved = True
            key = apply_key(account, msg.key, action, params)
            before = before_state(action.kind, action.params, state)
            rows.append(
                ActionRow(key, 1000 + seq, action.rule, action.kind, dict(action.params), status, params, before)
            )
        if mid is None:
            row = MessageRow(client, account, msg.key, ref.folder, ref.locator, "planned", classify(msg), msg.subject)
            row.sender = msg.sender.email if msg.sender else None
            row.actions = rows
            if not any(a.status == "planned" for a in rows):
                row.status = "done"
            new_rows.append(row)
        else:
            relocated.append((msg.key, ref.folder, ref.locator))  # where the actions will find it now
            additions.append((mid, rows))
    store.record(new_rows)
    store.relocate(account, relocated)
    store.add_actions(client, account, additions)


def _list(connector: MailConnector, folder: str) -> list[MessageRef]:
    refs: list[MessageRef] = []
    cursor = None
    while True:
        changes = connector.changes(folder, cursor, limit=PAGE)
        refs.extend(changes.refs)
        cursor = changes.cursor
        if not changes.more:
            return refs
