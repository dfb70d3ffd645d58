"""Drafts for the assistant: retainer alerts and per-client summaries, saved in ``[assistant.mailbox]``.

Nothing here is sent. A note is built once, queued once per key (``mailflow.store.notes``)
and saved as a draft in the assistant's own mailbox by ``deliver``, from any
process: one at a time holds the mailbox's lease, and a save interrupted after
the APPEND is found again by the draft's ``X-Mailflow-Key``, so a note is never
drafted twice. A mailbox that cannot be reached leaves the notes waiting for
the next pass (``mailflow status`` says how many, and why).

Summaries (``summaries = "weekly" | "monthly"``) are addressed to the client,
from the assistant: the assistant reads them in Drafts and sends them on. Retainer
alerts (``alert_drafts = true``) are addressed to the assistant.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime, make_msgid

from .billing import Month, Period, RetainerAlert
from .config import AccountConfig, ClientConfig, Settings
from .connector import MailConnector
from .drafting import DRAFT_KEY_HEADER, standard_draft
from .errors import ConnectorError
from .model import Address, Draft
from .store import Store
from .store import notes as queued
from .store.meetings import booked_between

__all__ = [
    "Delivery",
    "alert_note",
    "deliver",
    "last_period",
    "queue_alert",
    "queue_due_summary",
    "summary_note",
    "summary_text",
]

log = logging.getLogger("mailflow.notes")

LEASE = "(assistant mailbox)"  # the account_leases row that lets one process at a time save notes
LEASE_SECONDS = 300.0


@dataclass(frozen=True)
class Delivery:
    saved: int = 0
    waiting: int = 0
    error: str | None = None


def _note(
    settings: Settings, client: ClientConfig, kind: str, key: str, to: Address, subject: str, body: str
) -> queued.Note:
    me = settings.assistant
    domain = me.email.rpartition("@")[2] or "mailflow.invalid"
    headers: list[tuple[str, str | list[Address]]] = [
        ("From", [Address(me.name, me.email)]),
        ("To", [to]),
        ("Subject", subject),
        ("Date", format_datetime(datetime.now(UTC))),
        ("Message-ID", make_msgid(domain=domain)),
        (DRAFT_KEY_HEADER, key),
    ]
    raw = standard_draft(headers, body).decode("utf-8")
    return queued.Note(key, client.id, kind, subject, raw)


# -- summaries ---------------------------------------------------------------------


def summary_text(settings: Settings, store: Store, client: ClientConfig, period: Period, label: str) -> str:
    """What the assistant did for ``client`` over ``period`` (the client's days), as a note to them."""
    start, end = period.bounds(client.zone)
    done = store.activity(client.id, start, end)
    seconds = sum(int(r["seconds"]) for r in store.time_entries(client.id, start, end))
    lines = [
        f"Dear {client.name.split()[0]},",
        "",
        f"Here is what I handled for you in {label}:",
        "",
        f"- {done.get('messages', 0)} emails triaged",
        f"- {done.get('draft_reply', 0)} replies drafted",
        f"- {done.get('forward', 0)} messages forwarded",
        f"- {booked_between(store, client.id, start, end)} meetings booked",
        f"- {seconds / 3600:.1f} hours of work logged",
        "",
        f"{settings.assistant.name}",
    ]
    return "\n".join(lines) + "\n"


def month_label(month: Month) -> str:
    return month.first_day.strftime("%B %Y")


def week_label(monday: date) -> str:
    return f"the week of {monday.strftime('%-d %B %Y')}"


def last_period(kind: str, today: date) -> tuple[Period, str, str]:
    """The last whole week (Monday to Sunday) or month before ``today``: the period, its label, its tag."""
    if kind == "weekly":
        monday = today - timedelta(days=today.weekday() + 7)
        return Period(monday, monday + timedelta(days=6)), week_label(monday), f"week {monday.isoformat()}"
    month = Month.of(today).plus(-1)
    return month.period(), month_label(month), f"month {month}"


def summary_note(
    settings: Settings, store: Store, client: ClientConfig, period: Period, label: str, key: str
) -> queued.Note:
    subject = f"What I handled for you in {label}"
    body = summary_text(settings, store, client, period, label)
    return _note(settings, client, "summary", key, Address(client.name, client.email), subject, body)


def queue_due_summary(settings: Settings, store: Store, client: ClientConfig, today: date | None = None) -> bool:
    """Queue the summary of the last whole week or month (``assistant.summaries``) unless it was queued."""
    kind = settings.assistant.summaries
    if kind is None:
        return False
    day = today or datetime.now(UTC).astimezone(client.zone).date()
    period, label, tag = last_period(kind, day)
    key = f"summary {client.id} {tag}"
    if queued.is_queued(store, key):
        return False
    return queued.queue(store, summary_note(settings, store, client, period, label, key))


def one_off_summary_key(client: ClientConfig, period: Period) -> str:
    """A summary asked for by hand: a new draft each time (the numbers may have changed since the last)."""
    return f"summary {client.id} {period.start}..{period.end} {uuid.uuid4().hex[:12]}"


# -- retainer alerts ---------------------------------------------------------------


def _alert_key(client: ClientConfig, alert: RetainerAlert) -> str:
    return f"retainer {client.id} {alert.month} {alert.threshold}%"


def alert_note(settings: Settings, client: ClientConfig, alert: RetainerAlert, describe: str) -> queued.Note:
    key = _alert_key(client, alert)
    subject = f"Retainer alert: {client.name} past {alert.threshold}% of {alert.month}'s hours"
    what = "spent" if alert.threshold >= 100 else f"{alert.threshold}% used"
    body = (
        f"{client.name} ({client.id}): {describe}.\n\n"
        f"The retainer's included hours for {alert.month} are {what}; time logged from now on"
        f"{' is billed as overage' if alert.threshold >= 100 else ' takes the rest'}.\n\n"
        "mailflow\n"
    )
    me = settings.assistant
    return _note(settings, client, "retainer_alert", key, Address(me.name, me.email), subject, body)


def queue_alert(settings: Settings, store: Store, client: ClientConfig, alert: RetainerAlert, describe: str) -> bool:
    """Queue a retainer alert's draft (``assistant.alert_drafts``), once per client, month and threshold."""
    if not settings.assistant.alert_drafts:
        return False
    if queued.is_queued(store, _alert_key(client, alert)):  # every pass looks: build the note only once
        return False
    return queued.queue(store, alert_note(settings, client, alert, describe))


# -- delivery ----------------------------------------------------------------------


def deliver(
    settings: Settings, store: Store, owner: str, connect: Callable[[AccountConfig], MailConnector]
) -> Delivery:
    """Save every waiting note as a draft in the assistant's mailbox; never raises for a mailbox problem.

    ``owner`` names this process for the lease; when another process holds
    it, that one is saving them and this returns at once. ``connect`` makes
    the mailbox's connector (``connectors.connector_for``: the core never
    imports the connectors).
    """
    mailbox = settings.assistant.mailbox
    if mailbox is None:
        return Delivery()
    count = queued.waiting_count(store).count  # every pass looks: the messages are read under the lease only
    if not count:
        return Delivery()
    if not store.take_lease(LEASE, owner, LEASE_SECONDS):
        return Delivery(waiting=count)
    saved = 0
    notes: list[queued.Note] = []
    try:
        notes = queued.waiting(store)  # under the lease: another process may have saved some meanwhile
        connector = connect(mailbox)
        try:
            connector.open()
            for note in notes:
                locator = connector.find_draft(note.key)
                if locator is None:
                    locator = connector.save_draft(Draft(raw=note.raw.encode("utf-8"), key=note.key))
                queued.saved(store, note.key, locator)
                saved += 1
                log.info("drafted in your mailbox: %s", note.subject)
        finally:
            connector.close()
    except ConnectorError as exc:
        error = f"{type(exc).__name__}: {exc}"
        for note in notes[saved:]:
            queued.failed(store, note.key, error)
        log.warning("%d notes wait for your mailbox (%s): %s", len(notes) - saved, mailbox.id, error)
        return Delivery(saved, len(notes) - saved, error)
    finally:
        store.release_lease(LEASE, owner)
    return Delivery(saved, 0)
