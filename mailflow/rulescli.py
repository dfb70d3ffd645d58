"""`mailflow rules check|test|plan|apply`: the rules files checked, tried on messages, planned and applied."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .cli import (
    EX_CONFIG,
    EX_OK,
    EX_PARTIAL,
    EX_RULES,
    _client,
    _fail,
    _print_reports,
    _runtime,
    _settings,
    _since,
    _store,
    cli,
)
from .config import Settings, load_settings
from .errors import ConfigError, MailflowError, MessageError, RulesError

# -- rules -----------------------------------------------------------------------


@cli.group()
def rules() -> None:
    """Check and try out rules files."""


@rules.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.pass_context
def rules_check(ctx: click.Context, files: tuple[str, ...]) -> None:
    """Validate rules files and run their [[test]] tables; without FILES, every client's file from the config.

    Prints every problem as file:line: rule: key: message (a failing test with
    the actions wanted and got) and exits 1 when there is any.
    """
    from .rules import check_rules
    from .rules.loader import RulesContext

    paths = [Path(f) for f in files]
    settings: Settings | None
    if paths:  # a file named after a client of the config is checked against its forward_to allow-list
        try:
            settings = load_settings(ctx.obj.get("config"))
        except ConfigError:
            settings = None  # no config at hand: no forward is allowed
    else:
        settings = _settings(ctx)
    contexts = {c.id: RulesContext.for_client(settings, c) for c in settings.clients} if settings else {}
    default = RulesContext.for_client(settings, None) if settings else RulesContext()
    if settings is not None and not paths:
        paths = [settings.rules_file(c.id) for c in settings.clients]
    bad = 0
    for path in paths:
        if not path.exists():
            click.echo(f"{path}: no such file")
            bad += 1
            continue
        problems = check_rules(path, context=contexts.get(path.stem, default))
        for p in problems:
            click.echo(str(p))
        if problems:
            bad += 1
        else:
            click.echo(f"{path}: ok")
    sys.exit(EX_RULES if bad else EX_OK)


@rules.command("test")
@click.argument("client")
@click.argument("messages", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def rules_test(ctx: click.Context, client: str, messages: tuple[str, ...]) -> None:
    """Run the [[test]] tables of CLIENT's rules file, or show what the rules do to MESSAGES (.eml files).

    Without MESSAGES: each test's result, and for a failing one the actions
    wanted and got; exit 1 when any fails. With MESSAGES: what the rules would
    do to each, drafts included. Either way nothing is changed anywhere.
    """
    from .drafting import build_reply, people, template_context
    from .message import Message, require_mail
    from .report import describe
    from .rules import MatchContext, format_result, load_rules, run_tests
    from .rules.loader import RulesContext
    from .rules.templates import render
    from .triage import classify

    settings = _settings(ctx)
    conf = _client(settings, client)
    try:
        ruleset = load_rules(settings.rules_file(client), context=RulesContext.for_client(settings, conf))
    except RulesError as exc:
        _fail(EX_RULES, [str(p) for p in exc.problems])
    who, assistant = people(settings, conf)
    if not messages:
        results = run_tests(ruleset, who, assistant)
        if not results:
            click.echo(f"{ruleset.path}: no [[test]] tables; add some (see the README's Rules files: tests)")
        for result in results:
            click.echo(format_result(result, ruleset.path))
        failed = sum(not r.ok for r in results)
        if results:
            click.echo(f"{len(results) - failed} passed, {failed} failed")
        sys.exit(EX_RULES if failed else EX_OK)
    for name in messages:
        msg = Message(Path(name).read_bytes())
        try:
            require_mail(msg)
        except MessageError as exc:
            click.echo(f"{name}: {exc} (it would be quarantined)")
            continue
        category = classify(msg)
        planned = ruleset.evaluate(MatchContext(msg, category, "(test)", "INBOX", ruleset.zone))
        click.echo(f"{name}: {msg.subject!r} from {msg.sender.email if msg.sender else '?'}; category {category}")
        if not planned:
            click.echo("  no rule matched")
        for a in planned:
            click.echo(f"  [{a.rule}] {describe(a.kind, dict(a.params))}")
            if a.kind == "draft_reply":
                text = render(ruleset.draft_template(a), template_context(msg, who, assistant))
                raw = build_reply(msg, text, who, "preview", include_quote=False).raw.decode("utf-8", "replace")
                click.echo("    " + raw.replace("\r\n", "\n").rstrip().replace("\n", "\n    "))
            elif a.kind in ("notify", "forward"):
                text = render(ruleset.draft_template(a), template_context(msg, who, assistant)).strip()
                if text:
                    click.echo(f"    {'notice' if a.kind == 'notify' else 'note'}: {text}")


def _print_plans(client: str, ruleset: Any, plans: list[Any], last: int | None, verbose: bool) -> None:
    """Per folder: messages planned, per rule the messages it matches and its actions; then the totals."""
    totals: dict[str, int] = {}
    for plan in plans:
        scope = f"the newest {last} of {plan.listed}" if last and last < plan.listed else f"all {plan.listed}"
        click.echo(f"[{client}/{plan.account}] {plan.folder}: {plan.examined} messages planned ({scope})")
        if plan.too_old:
            click.echo(f"  {plan.too_old} older than --since, left out")
        if plan.undated:
            click.echo(f"  {plan.undated} without a readable Date header, planned anyway")
        if plan.unreadable:
            click.echo(f"  {plan.unreadable} could not be read (they would be quarantined)")
        for rule in ruleset.rules:
            if rule.name in plan.matched:
                acts = ", ".join(f"{text} x{n}" for text, n in plan.by_rule[rule.name].items())
                click.echo(f"  {plan.matched[rule.name]:>6}  {rule.name}: {acts}")
        click.echo(f"  {plan.unmatched:>6}  (no rule matches)")
        if verbose:
            for sender, subject, actions in plan.samples:
                subject = (subject[:48] + "…") if len(subject) > 49 else subject
                click.echo(f"    {sender[:30]:<30} {subject:<50} {'; '.join(actions) or '-'}")
        for kind, n in plan.by_kind.items():
            totals[kind] = totals.get(kind, 0) + n
    if totals:
        words = {"draft_reply": "drafts", "log_time": "time entries", "mark_read": "read-state changes"}
        words |= {"label": "label changes", "flag": "flag changes", "move": "moves", "archive": "archives"}
        words |= {"unlabel": "label removals", "forward": "forwards", "notify": "notices"}
        click.echo("the rules plan: " + ", ".join(f"{n} {words.get(k, k)}" for k, n in sorted(totals.items())))


def _client_rules(ctx: click.Context, client: str, account_id: str | None) -> tuple[Settings, Any, Any]:
    """The settings, the client's config (checking ``--account``) and its loaded rules; exits on a problem."""
    from .rules import load_rules
    from .rules.loader import RulesContext

    settings = _settings(ctx)
    conf = _client(settings, client)
    if account_id is not None and account_id not in {a.id for a in conf.accounts}:
        _fail(EX_CONFIG, f"--account {account_id!r}: {client} has accounts {', '.join(a.id for a in conf.accounts)}")
    try:
        ruleset = load_rules(settings.rules_file(client), context=RulesContext.for_client(settings, conf))
    except RulesError as exc:
        _fail(EX_RULES, [str(p) for p in exc.problems])
    return settings, conf, ruleset


# The options ``rules plan`` and ``rules apply`` share: which mail already in the mailbox, in --help order.
_SELECTION = (
    click.option("--account", "account_id", default=None, help="Only this account (default: all of the client's)."),
    click.option("--folder", default=None, help="Only this folder (default: each account's folders)."),
    click.option("--since", "since", default=None, help="Only mail dated after this: 30d, 12h, 2w or YYYY-MM-DD."),
    click.option("--last", type=click.IntRange(min=1), default=None, help="Only the newest N messages of each folder."),
)


def _selection(command: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(_SELECTION):  # decorators apply bottom up
        command = option(command)
    return command


@rules.command("plan")
@click.argument("client")
@_selection
@click.option("-v", "--verbose", is_flag=True, help="Also a line per message (the first 50 of each folder).")
@click.pass_context
def rules_plan(
    ctx: click.Context,
    client: str,
    account_id: str | None,
    folder: str | None,
    since: str | None,
    last: int | None,
    verbose: bool,
) -> None:
    """What CLIENT's rules would do to the mail already in the mailbox; changes nothing.

    Reads with IMAP EXAMINE and BODY.PEEK: no flag changes, not even \\Seen,
    and nothing is recorded. Prints, per folder, how many messages each rule
    matches and what it would do, and the totals per action.
    """
    runtime = _runtime(ctx)
    settings, conf, ruleset = _client_rules(ctx, client, account_id)
    assert runtime.plan is not None
    start = _since(since) if since else None
    plans = runtime.plan(settings, conf, ruleset, account_id=account_id, folder=folder, since=start, last=last)
    _print_plans(client, ruleset, plans, last, verbose)
    click.echo("nothing was changed: a plan only reads (no flag, not even \\Seen, and nothing recorded)")


@rules.command("apply")
@click.argument("client")
@_selection
@click.pass_context
def rules_apply(
    ctx: click.Context, client: str, account_id: str | None, folder: str | None, since: str | None, last: int | None
) -> None:
    """Apply CLIENT's rules to the mail already in the mailbox (see `rules plan` for what they would do).

    Idempotent: an action a message already got (from `mailflow run` or an
    earlier apply) is not done again, so applying twice changes nothing the
    second time; an interrupted apply is finished by the next apply or run.
    Exit 3 when an account could not be processed.
    """
    runtime = _runtime(ctx)
    settings, conf, ruleset = _client_rules(ctx, client, account_id)
    store = _store(settings)
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        if sys.stderr.isatty():
            click.echo(f"\r{done} messages planned and recorded", nl=False, err=True)

    assert runtime.apply is not None
    try:
        plans, reports = runtime.apply(
            settings,
            store,
            conf,
            ruleset,
            account_id=account_id,
            folder=folder,
            since=_since(since) if since else None,
            last=last,
            progress=progress,
        )
    except MailflowError as exc:
        store.close()
        _fail(EX_PARTIAL, str(exc))
    if sys.stderr.isatty():
        click.echo("", err=True)
    _print_plans(client, ruleset, plans, last, verbose=False)
    _print_reports(reports, verbose=False)
    store.close()
    sys.exit(EX_PARTIAL if any(r.error for r in reports) else EX_OK)
