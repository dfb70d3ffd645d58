"""The actions that need the original message: built on the pass's thread, sent on the writer's.

``Applier`` (``mailflow.applying``) holds keywords, flags and moves compactly
and writes them in rounds; every other kind of action needs the parsed
message, so ``Staging.stage`` builds it while the batch's originals are at
hand, into a ``Staged`` that the next flush hands to the writer thread:

* ``log_time``: the time entry, an outcome known without a write;
* ``draft_reply``: the draft (a draft an interrupted run may have saved is
  looked up in Drafts first, so it is never saved twice);
* ``notify`` and ``forward``: the rendered notice and its webhook payload,
  or the forward's message; ``Staging.notify`` and ``Staging.forward`` make
  them on the writer thread, a forward at most once;
* the meeting kinds: slots proposed, bookings and answers made now (the
  calendars are not the mail connector), with the reply to draft, if any.

A failure to build one action is that action's outcome, never the others'.
An action whose server cannot be reached (the calendars, the outgoing mail
server) stays planned and is listed in the report's ``waiting``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from .connector import MaybeSent, NotSent, Outbound
from .drafting import Person, build_reply, template_context
from .errors import ConnectorError, MailflowError
from .forwarding import build_forward
from .message import Message
from .model import Draft
from .report import MEETINGS, AccountReport
from .rules import RuleSet
from .rules.templates import render
from .store import Outcome, PendingAction, TimeRow

if TYPE_CHECKING:  # the calendars (icalendar, 4 MB) are imported only for a client that has some
    from .meetings import MeetingDesk

__all__ = ["UNCERTAIN_SEND", "Staged", "Staging", "describe_error", "find_drafts"]

log = logging.getLogger("mailflow.pipeline")

UNCERTAIN_SEND = "interrupted while being sent: it may have gone out, so it is not sent again; check with the recipient"
Notice = tuple[PendingAction, str, dict[str, Any]]  # (action, text, webhook payload)
Forward = tuple[PendingAction, bytes, list[str]]  # (action, message, recipients)


@dataclass
class Staged:
    """Drafts, notices, forwards and outcomes waiting for the next flush."""

    drafts: list[tuple[PendingAction, Draft]] = field(default_factory=list)
    ready: list[Outcome] = field(default_factory=list)  # known without a write (time entries, failures to build)
    notices: list[Notice] = field(default_factory=list)
    forwards: list[Forward] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.drafts or self.ready or self.notices or self.forwards)


class Staging:
    """Builds and sends one account's actions of the kinds that need the original message.

    ``fetch`` fetches the original of an action whose message is not among
    the batch's (an interrupted run's action), ``look_up_drafts`` looks drafts
    up by their keys in Drafts (found, missing); both run the connector on the
    writer thread. ``mark_sending`` records an invitation's answer as being
    sent, from the pass's thread, before the hand-over (a forward, sent on the
    writer thread, is given its own to ``forward``).
    """

    def __init__(
        self,
        rules: RuleSet,
        client: Person,
        assistant: Person,
        account: str,
        report: AccountReport,
        *,
        fetch: Callable[[PendingAction], Message],
        look_up_drafts: Callable[[Sequence[PendingAction]], tuple[list[PendingAction], list[PendingAction]]],
        mark_sending: Callable[[PendingAction], None],
        outbound: Outbound | None = None,
        meetings: MeetingDesk | None = None,
        calendars_unavailable: bool = False,
    ) -> None:
        self.rules = rules
        self.client = client
        self.assistant = assistant
        self.account = account
        self.report = report
        self.fetch = fetch
        self.look_up_drafts = look_up_drafts
        self.mark_sending = mark_sending
        self.outbound = outbound
        self.meetings = meetings
        self.calendars_unavailable = calendars_unavailable  # configured, but could not be opened

    def stage(self, pending: Sequence[PendingAction], originals: Mapping[str, Message], staged: Staged) -> None:
        """Stage time entries, drafts, notices, forwards and meetings into ``staged``; other kinds are ignored.

        ``originals`` maps message keys to their parsed messages; an action
        whose original is missing there has it fetched again.
        """
        for a in pending:
            if a.kind == "log_time":
                staged.ready.append(self._time(a))
            elif a.kind in ("notify", "forward"):
                self._stage_outbound(a, originals, staged)
            elif a.kind in MEETINGS:
                self._stage_meeting(a, originals, staged)
        drafts = [a for a in pending if a.kind == "draft_reply"]
        if drafts:
            staged.drafts.extend(self._drafts(drafts, originals, staged.ready))

    def _original(self, a: PendingAction, originals: Mapping[str, Message]) -> Message:
        return originals.get(a.message_key) or self.fetch(a)

    # -- drafts and time ---------------------------------------------------------

    def _drafts(
        self, pending: Sequence[PendingAction], originals: Mapping[str, Message], outcomes: list[Outcome]
    ) -> list[tuple[PendingAction, Draft]]:
        """Build the drafts to save; a draft an interrupted run may have saved is looked up first."""
        todo = [a for a in pending if a.status != "applying"]
        interrupted = [a for a in pending if a.status == "applying"]
        if interrupted:
            found, missing = self.look_up_drafts(interrupted)
            outcomes.extend(Outcome(a, "done", "draft found after an interrupted run") for a in found)
            todo += missing
        built: list[tuple[PendingAction, Draft]] = []
        for a in todo:
            try:
                message = self._original(a, originals)
                text = render(self.rules.draft_template(a), template_context(message, self.client, self.assistant))
                draft = build_reply(
                    message,
                    text,
                    self.client,
                    a.key,
                    reply_all=bool(a.params.get("reply_all", False)),
                    include_quote=bool(a.params.get("quote", True)),
                )
            except MailflowError as exc:
                outcomes.append(Outcome(a, "failed", describe_error(exc)))
                continue
            except Exception as exc:  # a broken original must not stop the others
                outcomes.append(Outcome(a, "failed", f"cannot build the reply: {describe_error(exc)}"))
                continue
            built.append((a, draft))
        return built

    def _time(self, a: PendingAction) -> Outcome:
        entry = TimeRow(
            client=self.client.id,
            account=self.account,
            activity=str(a.params.get("activity") or "email"),
            seconds=int(a.params.get("seconds", 0)),
            source="auto",
            at=datetime.now(UTC),
            action_key=a.key,
            message_key=a.message_key,
            rule=a.rule,
        )
        return Outcome(a, "done", time=entry)

    # -- notices and forwards ----------------------------------------------------

    def _stage_outbound(self, a: PendingAction, originals: Mapping[str, Message], staged: Staged) -> None:
        """Render a notice, or build a forward, while the original is at hand (a failure is the action's outcome)."""
        if a.kind == "forward" and a.status == "applying":
            staged.ready.append(Outcome(a, "failed", UNCERTAIN_SEND))
            return
        try:
            message = self._original(a, originals)
            text = render(self.rules.draft_template(a), template_context(message, self.client, self.assistant))
            if a.kind == "notify":
                staged.notices.append((a, text.strip(), self._payload(a, message, text.strip())))
            else:
                to = [str(x) for x in a.params.get("to", [])]
                staged.forwards.append((a, build_forward(message, to, self.client, text, a.key), to))
        except MailflowError as exc:
            staged.ready.append(Outcome(a, "failed", describe_error(exc)))
        except Exception as exc:  # a broken original must not stop the others
            staged.ready.append(Outcome(a, "failed", f"cannot build the {a.kind}: {describe_error(exc)}"))

    def _payload(self, a: PendingAction, message: Message, text: str) -> dict[str, Any]:
        sender = message.sender
        return {
            "client": self.client.id,
            "account": self.account,
            "rule": a.rule,
            "text": text,
            "subject": message.subject,
            "from": sender.email if sender else None,
            "message_id": message.message_id,
            "folder": a.folder,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "key": a.key,
        }

    def notify(self, a: PendingAction, text: str, payload: dict[str, Any]) -> Outcome:
        """A notice is in the log and the digest once recorded; the webhook is tried a few times, not held up on."""
        log.warning("notice for %s: %s (rule %s)", self.client.id, text, a.rule, extra={"account": self.account})
        if self.outbound is not None:
            try:
                self.outbound.post(payload, a.key)
            except ConnectorError as exc:
                log.warning("notice for %s: the webhook failed: %s", self.client.id, exc)
                return Outcome(a, "done", f"{text} [webhook failed: {exc}]")
        return Outcome(a, "done", text)

    def forward(self, a: PendingAction, raw: bytes, to: list[str], mark_sending: Callable[[], None]) -> Outcome | None:
        """Send one forward at most once: ``mark_sending`` records it as being sent just before the hand-over.

        ``None`` when it certainly did not go out (the server was unreachable
        or deferred it): it stays planned and waiting, tried again by
        ``apply_action`` and by the next pass.
        """
        if self.outbound is None:
            return Outcome(a, "failed", "this account cannot send mail: add [clients.accounts.smtp] to the config")
        try:
            self.outbound.send(raw, self.client.email, to, mark_sending)
        except NotSent as exc:
            log.warning("forward to %s not sent yet, tried again soon: %s", ", ".join(to), exc)
            return None
        except MaybeSent as exc:
            return Outcome(a, "failed", f"{UNCERTAIN_SEND} ({exc})")
        except ConnectorError as exc:
            return Outcome(a, "failed", describe_error(exc))
        return Outcome(a, "done", "sent to " + ", ".join(to))

    # -- meetings ----------------------------------------------------------------

    def _stage_meeting(self, a: PendingAction, originals: Mapping[str, Message], staged: Staged) -> None:
        """Propose slots (holds placed) or answer a reply in a proposal's thread; a reply to draft, if any.

        Done on the pass's thread: the calendars are not the mail connector
        (which the writer owns). A server that cannot be reached to send the
        invitation, or calendars that could not be opened for this pass, leave
        the action planned and in the report's ``waiting``: ``apply_action``
        tries it again (and so does the next pass).
        """
        desk = self.meetings
        if desk is None and self.calendars_unavailable:
            self.report.waiting.append(a.key)  # the calendars could not be opened this pass: tried again later
            return
        if desk is None:
            staged.ready.append(Outcome(a, "failed", "this client has no [[clients.calendars]] to book in"))
            return
        if a.kind == "answer_invitation" and a.status == "applying":
            staged.ready.append(Outcome(a, "failed", UNCERTAIN_SEND))  # a decline began going out
            return
        try:
            message = self._original(a, originals)
            if a.kind == "propose_meeting":
                text: str | None = desk.propose(a.key, message, dict(a.params))
                what = "proposed"
            elif a.kind == "book":
                what, text = desk.book_stated(a.key, message, dict(a.params))
            elif a.kind == "answer_invitation":
                accept, on_conflict = bool(a.params.get("accept", True)), str(a.params.get("on_conflict", "leave"))
                what, text = desk.invitation(a.key, message, accept, on_conflict, partial(self.mark_sending, a)), None
            else:
                what, text = desk.answer(str(a.params["meeting"]), a.key, message)
            log.info("meeting for %s: %s", self.client.id, what, extra={"account": self.account})
            if text is None:
                staged.ready.append(Outcome(a, "done", what))
                return
            draft = build_reply(message, text, self.client, a.key, include_quote=True)
        except NotSent as exc:
            log.warning("meeting for %s: the invitation waits to be sent: %s", self.client.id, exc)
            self.report.waiting.append(a.key)
            return
        except MailflowError as exc:
            staged.ready.append(Outcome(a, "failed", describe_error(exc)))
            return
        except Exception as exc:  # a broken original or calendar must not stop the others
            staged.ready.append(Outcome(a, "failed", f"cannot arrange the meeting: {describe_error(exc)}"))
            return
        staged.drafts.append((a, draft))


def find_drafts(
    find: Callable[[str], object], interrupted: Sequence[PendingAction], grace: float
) -> tuple[list[PendingAction], list[PendingAction]]:
    """(found in Drafts, not there) for drafts whose save an earlier run began; ``find`` looks one up by key."""
    found: list[PendingAction] = []
    for attempt in range(2):
        # A save interrupted by a crash may still be committing on the server (it
        # had every byte): look again a moment later before saving it anew.
        if attempt and interrupted:
            time.sleep(grace)
        still: list[PendingAction] = []
        for a in interrupted:
            (found if find(a.key) is not None else still).append(a)
        interrupted = still
    return found, list(interrupted)


def describe_error(exc: BaseException) -> str:
    """An error as an action's outcome shows it."""
    return f"{type(exc).__name__}: {exc}"
