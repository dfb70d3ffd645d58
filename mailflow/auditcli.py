"""`mailflow log`, `undo` and `digest`: what mailflow did, taking it back, and what needs the assistant."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from .cli import EX_CONFIG, EX_OK, EX_PARTIAL, _client, _fail, _runtime, _settings, _since, _store, cli
from .errors import MailflowError

# -- log -------------------------------------------------------------------------


def _message_id(key: str | None) -> str | None:
    """A message's Message-ID from its store key (``mid:<...>``), else the key itself (a digest)."""
    return key[4:] if key and key.startswith("mid:") else key


@cli.command("log")
@click.option("--client", "client_id", default=None, help="Only this client's actions.")
@click.option("--account", "account_id", default=None, help="Only this account's actions.")
@click.option("--since", "since", default=None, help="Only actions after this: 2h, 30d, 2w or YYYY-MM-DD.")
@click.option("--rule", "rule", default=None, help="Only the actions of the rule with this name.")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True, help="The newest N entries.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def audit_log(
    ctx: click.Context,
    client_id: str | None,
    account_id: str | None,
    since: str | None,
    rule: str | None,
    limit: int,
    fmt: str,
) -> None:
    """What mailflow did, from the audit log: when, which client, account, message and rule, which action.

    Oldest first, the newest --limit entries. Every action applied (or that
    failed) is there, whichever process applied it.
    """
    settings = _settings(ctx)
    if client_id is not None:
        _client(settings, client_id)
    store = _store(settings)
    rows = store.audit_rows(
        client_id,
        limit,
        since=_since(since) if since else None,
        rule=rule,
        account=account_id,
        newest=True,
    )
    store.close()

    entries = [
        {
            "id": r["id"],
            "at": r["at"].astimezone().isoformat(timespec="seconds"),
            "client": r["client"],
            "account": r["account"],
            "message_id": (r["message_key"] or "")[4:]
            if (r["message_key"] or "").startswith("mid:")
            else r["message_key"],
            "subject": r["subject"],
            "rule": r["rule"],
            "action": r["kind"],
            "what": f"notify: {r['detail']}"
            if r["kind"] == "notify" and r["detail"]
            else _what(r["kind"], r["params"]),
            "outcome": r["outcome"],
            "detail": r["detail"],
            "before": json.loads(r["before"]) if r.get("before") else None,
        }
        for r in rows
    ]
    if fmt == "json":
        click.echo(json.dumps(entries, indent=2, default=str))
        return
    if not entries:
        click.echo("nothing in the audit log matches")
        return
    for e in entries:
        subject = (e["subject"] or "")[:40]
        outcome = "" if e["outcome"] == "done" else f" [{e['outcome']}: {e['detail'] or ''}]"
        if e["outcome"] == "undone":
            outcome = f" [undone: {e['detail'] or ''}]"
        elif e["outcome"] == "done" and e["action"] in ("answer_invitation", "book_meeting", "book") and e["detail"]:
            outcome = f" [{e['detail']}]"
        click.echo(
            f"{e['id']:>7} {e['at'][:19].replace('T', ' ')} {e['client']}/{e['account']} "
            f"{subject!r}: {e['rule']}: {e['what']}{outcome}"
        )


def _what(kind: str, params: Any) -> str:
    """An audit row's action in words; an undo row names the action it reverted."""
    from .report import describe

    if kind.startswith("undo "):
        return "undo " + describe(kind[5:], dict(params or {}))
    return describe(kind, dict(params or {}))


# -- undo ------------------------------------------------------------------------


@cli.command()
@click.argument("ids", nargs=-1, type=click.IntRange(min=1))
@click.option("--client", "client_id", default=None, help="Only this client's actions.")
@click.option("--account", "account_id", default=None, help="Only this account's actions.")
@click.option("--rule", "rule", default=None, help="Only the actions of the rule with this name.")
@click.option("--since", "since", default=None, help="Only actions after this: 45m, 2h, 30d or YYYY-MM-DD.")
@click.option("--dry-run", is_flag=True, help="Only list what would be undone; change nothing.")
@click.pass_context
def undo(
    ctx: click.Context,
    ids: tuple[int, ...],
    client_id: str | None,
    account_id: str | None,
    rule: str | None,
    since: str | None,
    dry_run: bool,
) -> None:
    """Revert applied actions: the audit-log entries IDS (`mailflow log` shows them), or all that match
    --rule, --since, --client and --account.

    Labels, flags, read state and moves go back to what they were; drafts
    mailflow saved are deleted unless edited since; time entries are
    deleted. A message moved (or deleted) since is left alone. Exit 3 when
    something could not be undone.
    """
    if not ids and not rule and not since:
        _fail(EX_CONFIG, "say what to undo: entry IDs from `mailflow log`, or --rule NAME and/or --since 1h")
    settings = _settings(ctx)
    if client_id is not None:
        _client(settings, client_id)
    from .store.undoing import undo_items

    store = _store(settings)
    items = undo_items(
        store,
        ids=ids,
        client=client_id,
        rule=rule,
        since=_since(since) if since else None,
        account=account_id,
    )
    if not items:
        store.close()
        click.echo("nothing to undo: no applied action matches (already undone, or never applied)")
        return
    if dry_run:
        for item in items:
            click.echo(
                f"{item.audit_id:>7} {item.client}/{item.account} {(item.subject or '')[:40]!r}: "
                f"{item.rule}: {_what(item.kind, item.params)}"
            )
        click.echo(f"{len(items)} actions would be undone; nothing was changed")
        store.close()
        return
    runtime = _runtime(ctx)
    assert runtime.undo is not None
    try:
        results = runtime.undo(settings, store, items)
    except MailflowError as exc:
        store.close()
        _fail(EX_PARTIAL, str(exc))
    store.close()
    counts: dict[str, int] = {}
    for r in results:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
        item = r.item
        click.echo(
            f"{r.outcome:<7} {item.audit_id:>7} {item.client}/{item.account} {(item.subject or '')[:40]!r}: "
            f"{item.rule}: {_what(item.kind, item.params)}" + (f" ({r.detail})" if r.detail else "")
        )
    click.echo(", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items())))
    sys.exit(EX_PARTIAL if counts.get("failed") else EX_OK)


# -- digest ----------------------------------------------------------------------


@cli.command()
@click.option("--client", "client_id", default=None, help="Only this client's notices.")
@click.option("--since", "since", default="24h", show_default=True, help="Notices after this: 45m, 2h, 7d or a date.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def digest(ctx: click.Context, client_id: str | None, since: str, fmt: str) -> None:
    """The notices `notify` rules left for you, and the meetings left to you, per client, newest last."""
    settings = _settings(ctx)
    if client_id is not None:
        _client(settings, client_id)
    store = _store(settings)
    from .report import MEETINGS

    kinds = ("notify", *MEETINGS)
    rows = [r for r in store.audit_rows(client_id, 100_000, since=_since(since), kinds=kinds) if _for_you(r)]
    store.close()
    entries = [
        {
            "id": r["id"],
            "at": r["at"].astimezone().isoformat(timespec="seconds"),
            "client": r["client"],
            "account": r["account"],
            "rule": r["rule"],
            "subject": r["subject"],
            "notice": r["detail"] if r["kind"] == "notify" else f"meeting: {r['detail']}",
        }
        for r in rows
    ]
    if fmt == "json":
        click.echo(json.dumps(entries, indent=2))
        return
    if not entries:
        click.echo(f"no notices since {since}")
        return
    names = {c.id: c.name for c in settings.clients}
    for client in dict.fromkeys(e["client"] for e in entries):
        mine = [e for e in entries if e["client"] == client]
        click.echo(f"{names.get(client, client)} ({client}): {len(mine)} notices")
        for e in mine:
            click.echo(f"  {e['at'][:16].replace('T', ' ')}  {e['notice']}  [{e['rule']}]")


def _for_you(row: dict[str, Any]) -> bool:
    """A notice given, or a meeting action that needs the assistant: it failed, or it left the decision to them."""
    if row["kind"] == "notify":
        return bool(row["outcome"] == "done")
    return row["outcome"] == "failed" or (row["outcome"] == "done" and "left to you" in (row["detail"] or ""))
