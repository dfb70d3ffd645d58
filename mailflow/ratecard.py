"""The client's rate card: time logged automatically for the work mailflow does, unless a rule logs its own.

``[clients.rate_card]`` gives minutes per kind of work: ``triage`` (each
message a rule acted on), ``draft`` (each reply drafted), ``forward``
(each message forwarded). They become ``log_time`` actions planned with the
rule's other actions, so they go through the ledger like any action (once
per message, idempotent). A rule with its own ``log_time`` overrides the
card for what it does; a message where any matching rule logs time gets no
triage entry.
"""

from __future__ import annotations

from collections.abc import Sequence

from .config import RateCard
from .rules import PlannedAction

__all__ = ["RATE_CARD_RULE", "with_rate_card"]

RATE_CARD_RULE = "rate card"
_PER_ACTION = {
    "draft_reply": ("draft", "drafting"),
    "forward": ("forward", "forwarding"),
    "propose_meeting": ("proposal", "scheduling"),
    "book_meeting": ("booking", "scheduling"),
    "book": ("booking", "scheduling"),
}


def with_rate_card(planned: Sequence[PlannedAction], card: RateCard | None) -> list[PlannedAction]:
    """``planned`` with the rate card's time entries added after each rule's actions."""
    out = list(planned)
    if card is None or not planned:
        return out
    logging_rules = {a.rule for a in planned if a.kind == "log_time"}
    added: list[PlannedAction] = []
    seen: set[tuple[str, str]] = set()
    for action in planned:
        item = _PER_ACTION.get(action.kind)
        if item is None or action.rule in logging_rules or (action.rule, action.kind) in seen:
            continue
        seen.add((action.rule, action.kind))
        seconds = getattr(card, item[0])
        if seconds:
            params = {"seconds": seconds, "activity": item[1]}
            added.append(PlannedAction(action.rule, action.rule_index, 1000 + action.index, "log_time", params))
    if card.triage and not logging_rules:
        first = planned[0]
        params = {"seconds": card.triage, "activity": "triage"}
        added.append(PlannedAction(RATE_CARD_RULE, first.rule_index, 2000, "log_time", params))
    return out + added
