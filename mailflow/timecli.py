"""``mailflow time ...`` and ``mailflow invoice``: the time log, by hand and from the rules, and billing.

Registered on the ``mailflow`` group by :mod:`mailflow.cli`.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from .accounts import month_statement
from .billing import (
    BillingError,
    Month,
    Party,
    Statement,
    build_invoice,
    csv_safe,
    format_money,
    json_dumps,
    minutes_of,
    render_csv,
    render_html,
    render_pdf,
)
from .cli import EX_CONFIG, EX_PARTIAL, _client, _fail, _runtime, _settings, _store, cli
from .config import ClientConfig, Settings
from .errors import MailflowError
from .rules.durations import DurationError, parse_duration
from .store import TimeRow, timelog

EX_REFUSED = 1  # the change was refused (a locked period, no such entry, a timer already running)


@cli.group()
def time() -> None:
    """Billable time logged for each client."""


def _month(month: str) -> Month:
    """``--month``, or exit 2 saying how to write it."""
    try:
        start = datetime.strptime(month, "%Y-%m")
    except ValueError:
        _fail(EX_CONFIG, f"--month {month!r}: expected YYYY-MM, for example 2026-11")
    return Month(start.year, start.month)


def _month_bounds(month: str, tz: Any) -> tuple[datetime, datetime]:
    return _month(month).period().bounds(tz)


@time.command("report")
@click.option("--client", "client_id", required=True, help="The client's id from the config.")
@click.option("--month", required=True, help="The month, YYYY-MM, in the client's time zone.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.pass_context
def time_report(ctx: click.Context, client_id: str, month: str, fmt: str) -> None:
    """Time entries of one client for one month: raw totals, and with [clients.billing] what is billed.

    Raw minutes are as logged; billed minutes are rounded by the client's
    plan (per entry or per day), and for a retainer the month's statement
    shows included, used, rolled-over, remaining and overage hours.
    """
    settings = _settings(ctx)
    client = _client(settings, client_id)
    start, end = _month_bounds(month, client.zone)
    store = _store(settings)
    try:
        rows = store.time_entries(client_id, start, end)
        statement = month_statement(store, client, Month.parse(month)) if client.billing else None
    except MailflowError as exc:
        _fail(EX_CONFIG, str(exc))
    finally:
        store.close()
    entries = []
    billed = [line.billed_minutes for line in statement.lines] if statement else [None] * len(rows)
    for r, minutes in zip(rows, billed, strict=True):
        key = r["message_key"] or ""
        entries.append(
            {
                "id": r["id"],
                "at": r["at"].astimezone(client.zone).isoformat(timespec="seconds"),
                "minutes": minutes_of(int(r["seconds"])),
                "billed_minutes": minutes,
                "activity": r["activity"],
                "message_id": key[4:] if key.startswith("mid:") else (key or None),
                "rule": r["rule"],
                "source": r["source"],
                "note": r["note"],
                "billable": bool(r["billable"]),
            }
        )
    total = minutes_of(sum(int(r["seconds"]) for r in rows))
    if fmt == "json":
        data: dict[str, Any] = {"client": client_id, "month": month, "entries": entries, "total_minutes": total}
        if statement is not None:
            found = statement.to_json(client.zone)
            for key in ("plan", "currency", "rate", "billable_minutes", "billed_minutes", "billed_hours", "amount"):
                data[key] = found[key]
            data["by_activity"], data["by_source"], data["retainer"] = (
                found["by_activity"],
                found["by_source"],
                found["retainer"],
            )
        click.echo(json_dumps(data, indent=2))
    elif fmt == "csv":
        buf = io.StringIO()
        fields = ["id", "at", "minutes", "billed_minutes", "activity", "message_id", "rule", "source", "note"]
        writer = csv.DictWriter(buf, fieldnames=[*fields, "billable"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows({k: csv_safe(v) if isinstance(v, str) else v for k, v in e.items()} for e in entries)
        click.echo(buf.getvalue(), nl=False)
    else:
        _report_table(client, month, entries, total, statement)


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g} h"


def _report_table(
    client: ClientConfig, month: str, entries: list[dict[str, Any]], total: Decimal, statement: Statement | None
) -> None:
    click.echo(f"{client.name} ({client.id}), {month}")
    billed_head = f" {'billed':>6}" if statement else ""
    click.echo(f"{'id':>6}  {'when':<17} {'min':>7}{billed_head}  {'activity':<14} rule or note")
    for e in entries:
        what = e["rule"] or e["note"] or ""
        what += "" if e["billable"] else " (not billable)"
        when = e["at"][:16].replace("T", " ")
        billed = f" {e['billed_minutes']:>6}" if statement else ""
        click.echo(f"{e['id']:>6}  {when:<17} {e['minutes']:>7g}{billed}  {e['activity']:<14} {what}")
    if statement is None:
        by_activity: dict[str, Decimal] = {}
        for e in entries:
            by_activity[e["activity"]] = by_activity.get(e["activity"], 0) + e["minutes"]
        for activity, minutes in sorted(by_activity.items()):
            click.echo(f"  {activity}: {minutes:g} min")
        click.echo(f"total: {total:g} min ({len(entries)} entries)")
        return
    for title, groups in (("by activity", statement.by_activity), ("by source", statement.by_source)):
        click.echo(f"{title}:")
        for name, t in groups.items():
            amount = f"  {format_money(t.amount, statement.currency)}" if t.amount is not None else ""
            click.echo(f"  {name:<14} {t.raw_minutes:>8.2f} min raw {t.billed_minutes:>6} billed{amount}")
    t = statement.total
    click.echo(
        f"total: {t.raw_minutes:.2f} min raw, {t.billed_minutes} min billed ({t.billed_hours} h), "
        f"{len(entries)} entries; amount {format_money(statement.amount, statement.currency)}"
    )
    r = statement.retainer
    if r is not None:
        remaining = max(0, r.available_minutes - r.used_minutes)
        click.echo(
            f"retainer {r.month}: included {_hours(r.included_minutes)}"
            + (f" (prorated, {r.active_days} of {r.days_in_month} days)" if r.prorated else "")
            + f", rolled over in {_hours(r.rollover_in)}, used {_hours(r.used_minutes)}"
            f" ({_hours(r.rollover_used)} of it rolled over), remaining {_hours(remaining)}, "
            f"overage {_hours(r.overage_minutes)} = {format_money(r.overage_amount, r.currency)}; "
            f"expired {_hours(r.rollover_expired)}, carried into next month {_hours(r.rollover_out)}"
        )


def _month_of(client: ClientConfig) -> Any:
    """A function giving an instant's month (YYYY-MM) in the client's time zone."""
    return lambda at: at.astimezone(client.zone).strftime("%Y-%m")


def _duration(text: str) -> int:
    try:
        return parse_duration(text)
    except DurationError as exc:
        _fail(EX_CONFIG, f"{text!r}: {exc}")


def _minutes(seconds: int) -> str:
    """``90 min``, ``2 min 30 s``, ``45 s``: whole seconds, never a long fraction of a minute."""
    whole, rest = divmod(seconds, 60)
    if not rest:
        return f"{whole} min"
    return f"{whole} min {rest} s" if whole else f"{rest} s"


def _when(client: ClientConfig, day: str | None) -> datetime:
    """Now, or noon of ``day`` (YYYY-MM-DD) in the client's zone: the entry's date is what counts for billing."""
    if day is None:
        return datetime.now(UTC)
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        _fail(EX_CONFIG, f"--date {day!r}: expected YYYY-MM-DD, for example 2026-11-28")
    return datetime(parsed.year, parsed.month, parsed.day, 12, tzinfo=client.zone).astimezone(UTC)


@time.command("log")
@click.argument("client_id", metavar="CLIENT")
@click.argument("duration")
@click.argument("note")
@click.option("--date", "day", default=None, help="The day it was done, YYYY-MM-DD (default: today).")
@click.option("--activity", default="admin", show_default=True, help="What kind of work, for reports and invoices.")
@click.option("--billable/--no-billable", default=True, show_default=True, help="Whether it is billed.")
@click.pass_context
def time_log(
    ctx: click.Context, client_id: str, duration: str, note: str, day: str | None, activity: str, billable: bool
) -> None:
    """Log time by hand: `mailflow time log dana 25m "board deck prep"`."""
    settings = _settings(ctx)
    client = _client(settings, client_id)
    seconds = _duration(duration)
    at = _when(client, day)
    entry = TimeRow(client_id, activity, seconds, "manual", at, note=note, billable=billable)
    store = _store(settings)
    try:
        entry_id = timelog.add_entry(store, entry, _month_of(client)(at))
    except MailflowError as exc:
        _fail(EX_REFUSED, str(exc))
    finally:
        store.close()
    flag = "" if billable else ", not billable"
    click.echo(f"entry {entry_id}: {client_id} {_minutes(seconds)} {activity}{flag}: {note}")


@time.command("start")
@click.argument("client_id", metavar="CLIENT")
@click.argument("task")
@click.option("--activity", default="admin", show_default=True)
@click.option("--billable/--no-billable", default=True, show_default=True)
@click.pass_context
def time_start(ctx: click.Context, client_id: str, task: str, activity: str, billable: bool) -> None:
    """Start a timer for CLIENT; `mailflow time stop` turns it into an entry. One runs at a time."""
    settings = _settings(ctx)
    _client(settings, client_id)
    store = _store(settings)
    try:
        timer = timelog.start_timer(store, client_id, task, activity, billable)
    except MailflowError as exc:
        _fail(EX_REFUSED, str(exc))
    finally:
        store.close()
    click.echo(f"timer started for {client_id} at {timer.started_at.astimezone().strftime('%H:%M')}: {task}")


@time.command("stop")
@click.pass_context
def time_stop(ctx: click.Context) -> None:
    """Stop the running timer and log its time."""
    settings = _settings(ctx)
    store = _store(settings)
    try:
        timer = timelog.running_timer(store)
        client = _client(settings, timer.client) if timer else None
        month_of = _month_of(client) if client else (lambda at: at.strftime("%Y-%m"))
        timer, entry_id, seconds = timelog.stop_timer(store, month_of)
    except MailflowError as exc:
        _fail(EX_REFUSED, str(exc))
    finally:
        store.close()
    click.echo(f"entry {entry_id}: {timer.client} {_minutes(seconds)} {timer.activity}: {timer.task}")


@time.command("edit")
@click.argument("entry_id", type=int, metavar="ID")
@click.option("--duration", default=None, help="The new duration (raw), like 25m or 1h10m.")
@click.option("--note", default=None)
@click.option("--activity", default=None)
@click.option("--date", "day", default=None, help="Move it to this day, YYYY-MM-DD.")
@click.option("--billable/--no-billable", default=None)
@click.pass_context
def time_edit(
    ctx: click.Context,
    entry_id: int,
    duration: str | None,
    note: str | None,
    activity: str | None,
    day: str | None,
    billable: bool | None,
) -> None:
    """Change a time entry (IDs are in `mailflow time report`); the old version stays in `mailflow log`."""
    settings = _settings(ctx)
    store = _store(settings)
    try:
        client = _entry_client(settings, store, entry_id)
        changes: dict[str, Any] = {}
        if duration is not None:
            changes["seconds"] = _duration(duration)
        if note is not None:
            changes["note"] = note
        if activity is not None:
            changes["activity"] = activity
        if billable is not None:
            changes["billable"] = billable
        if day is not None:
            changes["at"] = _when(client, day)
        if not changes:
            _fail(EX_CONFIG, "nothing to change: give --duration, --note, --activity, --date or --billable")
        timelog.edit_entry(store, entry_id, changes, _month_of(client))
    except MailflowError as exc:
        _fail(EX_REFUSED, str(exc))
    finally:
        store.close()
    click.echo(f"entry {entry_id} changed: " + ", ".join(f"{k}={v}" for k, v in changes.items()))


@time.command("delete")
@click.argument("entry_id", type=int, metavar="ID")
@click.pass_context
def time_delete(ctx: click.Context, entry_id: int) -> None:
    """Delete a time entry; what it was stays in `mailflow log`."""
    settings = _settings(ctx)
    store = _store(settings)
    try:
        client = _entry_client(settings, store, entry_id)
        before = timelog.delete_entry(store, entry_id, _month_of(client))
    except MailflowError as exc:
        _fail(EX_REFUSED, str(exc))
    finally:
        store.close()
    click.echo(f"entry {entry_id} deleted ({_minutes(int(before['seconds']))} {before['activity']}: {before['note']})")


def _entry_client(settings: Settings, store: Any, entry_id: int) -> ClientConfig:
    entry = store.time_entry(entry_id)
    if entry is None:
        raise timelog.TimeEntryError(f"no time entry {entry_id}; `mailflow time report` lists them with their ids")
    return _client(settings, entry["client"])


# -- invoices ----------------------------------------------------------------------


@cli.command()
@click.argument("client_id", metavar="CLIENT")
@click.option("--month", required=True, help="The month to invoice, YYYY-MM, in the client's time zone.")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "csv"]), default="html", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Where to write it.")
@click.option("--reopen", is_flag=True, help="Reopen the month's issued invoice so its entries can change again.")
@click.pass_context
def invoice(ctx: click.Context, client_id: str, month: str, fmt: str, output: Path | None, reopen: bool) -> None:
    """Issue CLIENT's invoice for a month (numbered in your own sequence) and write it as HTML, PDF or CSV.

    Issuing locks the month: its time entries can no longer be added,
    edited or deleted until you reopen it with --reopen (a corrected invoice
    then gets a new number). Running it again for an issued month writes the
    same invoice again.
    """
    settings = _settings(ctx)
    client = _client(settings, client_id)
    try:
        period = Month.parse(month)
    except BillingError as exc:
        _fail(EX_CONFIG, f"--month: {exc}")
    store = _store(settings)
    try:
        if reopen:
            number = timelog.reopen(store, client_id, month)
            click.echo(
                f"invoice {number} reopened: {client_id}'s {month} can change again; "
                f"`mailflow invoice {client_id} --month {month}` issues a corrected one with a new number"
            )
            return
        statement = month_statement(store, client, period)
        found = timelog.issued(store, client_id, month)
        if found is None:
            if statement.retainer is None and not statement.total.billed_minutes:
                _fail(EX_REFUSED, f"nothing to invoice for {client_id} in {month}: no billable time")
            today = datetime.now(UTC).astimezone(client.zone).date()
            number = timelog.issue_invoice(
                store, client_id, month, today.year, statement.currency, str(statement.amount)
            )
            issued_on, again = today, False
        else:
            number, issued_on, again = found["number"], found["issued_at"].astimezone(client.zone).date(), True
    except MailflowError as exc:
        _fail(EX_REFUSED, str(exc))
    finally:
        store.close()
    bill = build_invoice(
        statement,
        number=number,
        issue_date=issued_on,
        assistant=Party(settings.assistant.name, settings.assistant.email),
        client=Party(client.name, client.email),
    )
    path = output or Path(f"invoice-{number}-{client_id}-{month}.{fmt}")
    if fmt == "pdf":
        path.write_bytes(render_pdf(bill))
    else:
        path.write_text(render_html(bill) if fmt == "html" else render_csv(bill), encoding="utf-8")
    what = "written again" if again else "issued"
    click.echo(
        f"invoice {number} {what} for {client.name}, {month}: {format_money(statement.amount, statement.currency)}"
        f" -> {path}"
    )
    if not again:
        click.echo(
            f"{client_id}'s {month} is now locked; `mailflow invoice {client_id} --month {month} --reopen` reopens it"
        )


# -- summary -----------------------------------------------------------------------


@cli.command()
@click.argument("client_id", metavar="CLIENT")
@click.option("--month", default=None, help="A month, YYYY-MM (the client's time zone).")
@click.option("--week", "week", default=None, help="The week starting on this Monday, YYYY-MM-DD.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write it to a file.")
@click.option("--draft", is_flag=True, help="Save it as a draft to the client in [assistant.mailbox].")
@click.pass_context
def summary(
    ctx: click.Context, client_id: str, month: str | None, week: str | None, output: Path | None, draft: bool
) -> None:
    """What you did for CLIENT in a week or a month, ready to forward: emails handled, replies drafted, hours.

    Without --month or --week: the last seven days.
    """
    from .billing import Period
    from .notes import deliver, month_label, one_off_summary_key, summary_note, summary_text, week_label
    from .store.notes import queue

    settings = _settings(ctx)
    client = _client(settings, client_id)
    if month and week:
        _fail(EX_CONFIG, "give --month or --week, not both")
    if draft and settings.assistant.mailbox is None:
        _fail(EX_CONFIG, "--draft needs [assistant.mailbox] in the config: your own mailbox, where it is drafted")
    connect = _runtime(ctx).connect if draft else None
    if month:
        whole = _month(month)
        period, label = whole.period(), month_label(whole)
    else:
        if week:
            try:
                first = date.fromisoformat(week)
            except ValueError:
                _fail(EX_CONFIG, f"--week {week!r}: expected the Monday it starts, YYYY-MM-DD")
            label = week_label(first)
        else:
            first = datetime.now(UTC).astimezone(client.zone).date() - timedelta(days=6)
            label = f"the seven days from {first.strftime('%-d %B %Y')}"
        period = Period(first, first + timedelta(days=6))
    store = _store(settings)
    try:
        if draft:
            assert connect is not None
            note = summary_note(settings, store, client, period, label, one_off_summary_key(client, period))
            queue(store, note)
            done = deliver(settings, store, f"cli-{os.getpid()}", connect)
            if done.error:
                _fail(EX_PARTIAL, f"summary for {client_id} ({label}) is queued; your mailbox said: {done.error}")
            where = "queued for your mailbox" if done.waiting else "drafted in your mailbox's Drafts"
            click.echo(f"summary for {client_id} ({label}) {where}, addressed to {client.name} <{client.email}>")
            return
        text = summary_text(settings, store, client, period, label)
    finally:
        store.close()
    if output is not None:
        output.write_text(text, encoding="utf-8")
        click.echo(f"summary for {client_id} ({label}) -> {output}")
    else:
        click.echo(text, nl=False)
