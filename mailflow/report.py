"""What a pass did, in the words an assistant reads: per account, per message, per action."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from typing import Any

__all__ = ["MEETINGS", "AccountReport", "MessageReport", "describe"]

MEETINGS = ("propose_meeting", "book", "book_meeting", "answer_invitation")  # the actions done with calendars


@dataclass
class MessageReport:
    """What one message got, for the run summary."""

    folder: str
    subject: str
    sender: str
    category: str | None
    actions: list[str]
    quarantined: str | None = None


@dataclass
class AccountReport:
    """What one pass over one account did."""

    client: str
    account: str
    new: int = 0
    skipped: int = 0
    quarantined: int = 0
    resumed: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    failed: int = 0
    seconds_logged: int = 0
    messages: list[MessageReport] = field(default_factory=list)
    error: str | None = None
    failure: str | None = None  # what ended the pass early: temporary, permanent or unexpected
    # Keys of actions left planned because a server they need (outgoing mail, the calendars) could
    # not be reached: the scheduler has ``apply_action`` try them again, sooner than the next sync.
    waiting: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON values (a worker stores it; ``run --once`` reads it back)."""
        data = asdict(self)
        data["actions"] = dict(self.actions)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AccountReport:
        values = dict(data)
        values["actions"] = Counter(values.get("actions") or {})
        values["messages"] = [MessageReport(**m) for m in values.get("messages") or []]
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


def describe(kind: str, params: dict[str, Any]) -> str:
    """A short human description of an action, for reports."""
    if kind == "label":
        return "label " + ", ".join(params.get("labels", []))
    if kind == "unlabel":
        return "unlabel " + ", ".join(params.get("labels", []))
    if kind == "move":
        return f"move to {params.get('folder')}"
    if kind == "flag":
        return "flag" if params.get("on", True) else "unflag"
    if kind == "mark_read":
        return "mark read" if params.get("on", True) else "mark unread"
    if kind == "propose_meeting":
        return f"propose a meeting ({params.get('slots', 3)} slots)"
    if kind == "book":
        otherwise = params.get("otherwise", "propose")
        return "book the time asked for" + (" (else propose)" if otherwise == "propose" else "")
    if kind == "answer_invitation":
        decline = ", decline clashes" if params.get("on_conflict") == "decline" else ""
        return "answer the invitation" + ("" if params.get("accept", True) else " (report only)") + decline
    if kind == "book_meeting":
        return "answer to a meeting proposal"
    if kind == "forward":
        return "forward to " + ", ".join(params.get("to", []))
    if kind == "notify":
        text = str(params.get("text") or "")
        return f"notify ({params['template']})" if params.get("template") else f"notify: {text[:40]}"
    if kind == "draft_reply":
        return "draft reply" + (f" ({params['template']})" if params.get("template") else "")
    if kind == "log_time":
        secs = int(params.get("seconds", 0))
        return f"log {secs // 60}m{secs % 60:02d}s {params.get('activity', 'email')}".replace("m00s", "m")
    return kind
