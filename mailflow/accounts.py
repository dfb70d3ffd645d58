"""A client's books: the billing library over the store's time entries (statements, retainer alerts).

``mailflow.billing`` computes from entries it is given; this module reads
them: for an hourly client the month's entries, for a retainer every month
from the retainer's start (or the first entry) so that rollover is exact.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime

from .billing import Entry, Month, RetainerAlert, Statement, build_statement, retainer_alerts, statement_chain
from .config import ClientConfig, Settings
from .errors import MailflowError
from .store import Store

__all__ = ["RetainerUse", "check_retainer", "month_statement", "retainer_use"]

log = logging.getLogger("mailflow.billing")


def month_statement(store: Store, client: ClientConfig, month: Month) -> Statement:
    """The client's statement for ``month`` (in the client's time zone); the client must have ``billing``."""
    config = client.billing
    if config is None:
        raise MailflowError(f"{client.id} has no [clients.billing] in the config: add one to bill its time")
    zone = client.zone
    if config.plan == "hourly":
        start, end = month.period().bounds(zone)
        entries = [Entry.from_row(r) for r in store.time_entries(client.id, start, end)]
        return build_statement(config, zone, entries, month.period())
    first = _first_month(store, client, month)
    start, _ = first.period().bounds(zone)
    _, end = month.period().bounds(zone)
    entries = [Entry.from_row(r) for r in store.time_entries(client.id, start, end)]
    return statement_chain(config, zone, entries, first, month)[-1]


def _first_month(store: Store, client: ClientConfig, month: Month) -> Month:
    """Where a retainer's chain starts: its ``start_date``, else the month of its first entry (at most ``month``)."""
    config = client.billing
    assert config is not None
    if config.start_date is not None:
        return min(Month.of(config.start_date), month)
    earliest = store.first_time_entry(client.id)
    if earliest is None:
        return month
    return min(Month.of(earliest.astimezone(client.zone).date()), month)


@dataclass(frozen=True)
class RetainerUse:
    """This month's retainer use for ``mailflow status``, the log and the ``retainer_used`` condition."""

    month: Month
    used_minutes: int
    included_minutes: int
    alerts: list[RetainerAlert]

    @property
    def percent(self) -> float:
        return 100.0 * self.used_minutes / self.included_minutes if self.included_minutes else 0.0

    def describe(self) -> str:
        used, included = self.used_minutes / 60, self.included_minutes / 60
        text = f"retainer {self.month}: {used:.1f} of {included:g} h used ({self.percent:.0f}%)"
        if self.alerts:
            text += f"; past {max(a.threshold for a in self.alerts)}%"
        return text


def retainer_use(store: Store, client: ClientConfig, today: date | None = None) -> RetainerUse | None:
    """The current month's retainer use, or None for a client not on a retainer."""
    if client.billing is None or client.billing.plan != "retainer":
        return None
    day = today or datetime.now(UTC).astimezone(client.zone).date()
    month = Month.of(day)
    if client.billing.start_date is not None and month < Month.of(client.billing.start_date):
        return None
    statement = month_statement(store, client, month)
    retainer = statement.retainer
    assert retainer is not None
    return RetainerUse(month, retainer.used_minutes, retainer.included_minutes, retainer_alerts(retainer))


def check_retainer(store: Store, client: ClientConfig, settings: Settings | None = None) -> RetainerUse | None:
    """This month's retainer use; each threshold newly reached (80%, 100%) is logged and noted once.

    With ``settings`` whose ``assistant.alert_drafts`` is on, each alert is
    also queued (once) as a draft for the assistant's mailbox (``mailflow.notes``).
    """
    from .notes import queue_alert
    from .store.timelog import note_alert

    try:
        use = retainer_use(store, client)
    except MailflowError as exc:
        log.warning("%s: cannot compute the retainer's use: %s", client.id, exc)
        return None
    if use is None:
        return None
    for alert in use.alerts:
        key = f"retainer {use.month} {alert.threshold}%"
        message = f"{client.name} ({client.id}): {use.describe()}"
        if note_alert(store, client.id, key, message):
            log.warning("retainer alert: %s", message)
        if settings is not None:
            queue_alert(settings, store, client, alert, use.describe())
    return use
