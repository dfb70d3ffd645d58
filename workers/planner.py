"""``mailflow rules plan``: what a client's rules would do to mail already in the box, changing nothing.

Each account's folders are listed in full (IMAP ``EXAMINE``: read-only), the
last ``--last`` messages (or all) fetched with ``BODY.PEEK`` (nothing is
marked read: not even ``\\Seen``), parsed, classified and run through the
rules. Nothing is written to the mailbox or to the database. The report
counts, per rule, the messages it matched and the actions it would take,
and per action kind the totals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from connectors import connector_for
from mailflow.config import ClientConfig, Settings
from mailflow.message import Message
from mailflow.model import MessageRef
from mailflow.report import describe
from mailflow.rules import MatchContext, RuleSet
from mailflow.triage import classify

PAGE = 5000


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
                plans.append(_plan_folder(connector, account.id, name, rules, since, last, keep, progress))
        finally:
            connector.close()
    return plans


def _plan_folder(
    connector: object,
    account: str,
    folder: str,
    rules: RuleSet,
    since: datetime | None,
    last: int | None,
    keep: int,
    progress: Callable[[int], None] | None,
) -> FolderPlan:
    from mailflow.connector import MailConnector

    assert isinstance(connector, MailConnector)
    plan = FolderPlan(account, folder)
    refs: list[MessageRef] = []
    cursor = None
    while True:
        changes = connector.changes(folder, cursor, limit=PAGE)
        refs.extend(changes.refs)
        cursor = changes.cursor
        if not changes.more:
            break
    plan.listed = len(refs)
    if last is not None:
        refs = refs[-last:]
    for start in range(0, len(refs), 250):
        batch = refs[start : start + 250]
        for fetched in connector.fetch(batch):
            _plan_one(plan, rules, Message(fetched.raw), since, keep)
        if progress:
            progress(len(batch))
    return plan


def _plan_one(plan: FolderPlan, rules: RuleSet, msg: Message, since: datetime | None, keep: int) -> None:
    if since is not None:
        when = _date(msg)
        if when is None:
            plan.undated += 1
        elif when < since:
            plan.too_old += 1
            return
    try:
        category = classify(msg)
        planned = rules.evaluate(MatchContext(msg, category, plan.account, plan.folder))
    except Exception:  # as the pipeline would quarantine it
        plan.unreadable += 1
        return
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
