"""The ``mailflow`` command: one function per subcommand, each calling the library."""

from __future__ import annotations

import json
import logging
import re
import shutil
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn

import click

from .config import Settings, load_settings
from .errors import ConfigError, MailflowError, RulesError, StoreError
from .logs import setup_logging

if TYPE_CHECKING:
    from .store import Store

EX_OK = 0
EX_RULES = 1  # a rules file is invalid or its tests fail
EX_CONFIG = 2  # the config file is invalid, or a command-line argument is
EX_PARTIAL = 3  # the pass ran, but some client or account could not be processed
EX_STORE = 4  # the database cannot be opened or migrated


@dataclass(frozen=True)
class Runtime:
    """What ``mailflow run`` drives: one pass over every account, or passes until stopped.

    The core never imports connectors or workers; the console script
    (``workers.main``) builds the CLI's context with the real runtime.
    """

    run_pass: Callable[..., Any]
    run_forever: Callable[..., None]
    work: Callable[..., None]
    queue_status: Callable[[Settings], list[str]] | None = None
    plan: Callable[..., Any] | None = None
    apply: Callable[..., Any] | None = None
    undo: Callable[..., Any] | None = None
    connect: Callable[..., Any] | None = None  # an account's connector (connectors.connector_for)


def _fail(code: int, lines: list[str] | str) -> NoReturn:
    for line in [lines] if isinstance(lines, str) else lines:
        click.echo(f"error: {line}", err=True)
    sys.exit(code)


def _settings(ctx: click.Context) -> Settings:
    try:
        settings = load_settings(ctx.obj.get("config"))
    except ConfigError as exc:
        _fail(EX_CONFIG, exc.problems)
    setup_logging(settings.log_level, ctx.obj.get("log_format", "text"))
    return settings


def _store(settings: Settings) -> Store:
    from .store import open_store

    try:
        return open_store(settings.database)
    except StoreError as exc:
        _fail(EX_STORE, str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False),
    envvar="MAILFLOW_CONFIG",
    help="Config file (default: $MAILFLOW_CONFIG, else ./config.toml).",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Log lines as text or as one JSON object per line.",
)
@click.version_option(package_name="mailflow")
@click.pass_context
def cli(ctx: click.Context, config: str | None, log_format: str) -> None:
    """mailflow: triage mail, draft replies and log billable time for each executive."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config
    ctx.obj["log_format"] = log_format


# -- init ------------------------------------------------------------------------


def _sample() -> Path:
    return Path(str(resources.files("mailflow") / "sample"))


@cli.command()
@click.option(
    "--demo",
    "demo",
    type=click.Path(file_okay=False),
    default=None,
    help="Create a ready-to-run demo in this folder: config, example rules and a copy of the sample mailbox.",
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def init(demo: str | None, force: bool) -> None:
    """Write a starting config.toml and an example rules file.

    Without --demo, writes ./config.toml (from config.example.toml) and
    rules/dana.toml. With --demo DIR, writes a self-contained demo in DIR that
    runs on the bundled sample Maildir.
    """
    sample = _sample()
    base = Path(demo) if demo else Path(".")
    config_file = base / "config.toml"
    rules_file = base / "rules" / "dana.toml"
    for path in (config_file, rules_file):
        if path.exists() and not force:
            _fail(EX_CONFIG, f"{path} already exists; use --force to overwrite it")
    rules_file.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sample / "rules" / "dana.toml", rules_file)
    if demo:
        maildir = base / "maildir"
        if maildir.exists():
            shutil.rmtree(maildir)
        for name in ("mailflow.db", "mailflow-queue.db"):  # a fresh mailbox gets a fresh ledger and queue
            for suffix in ("", "-wal", "-shm"):
                (base / f"{name}{suffix}").unlink(missing_ok=True)
        shutil.copytree(sample / "maildir", maildir)
        config_file.write_text((sample / "demo-config.toml").read_text("utf-8"), "utf-8")
        click.echo(f"Demo ready in {base}/: config.toml, rules/dana.toml and maildir/ (the sample mailbox).")
        click.echo(f"Run it with: mailflow --config {config_file} run --once")
    else:
        shutil.copyfile(sample / "config.example.toml", config_file)
        click.echo(
            f"Wrote {config_file} and {rules_file}. Edit them, then run: mailflow rules check && mailflow run --once"
        )


# -- run -------------------------------------------------------------------------


_DONE = {
    "label": "labelled",
    "unlabel": "unlabelled",
    "move": "moved",
    "archive": "archived",
    "flag": "flag changes",
    "mark_read": "read-state changes",
    "draft_reply": "drafts saved",
    "forward": "forwarded",
    "notify": "notices",
    "log_time": "time entries",
}


def _print_pass(result: Any, verbose: bool) -> None:
    for client, problem in result.rule_errors.items():
        click.echo(f"[{client}] rules not loaded:\n  " + problem.replace("\n", "\n  "))
    _print_reports(result.reports, verbose)


def _print_reports(reports: list[Any], verbose: bool) -> None:
    for r in reports:
        if verbose:
            for m in r.messages:
                what = "; ".join(m.actions) if m.actions else "no rule matched"
                if m.quarantined:
                    what = f"QUARANTINED: {m.quarantined}"
                subject = (m.subject[:48] + "…") if len(m.subject) > 49 else m.subject
                click.echo(f"  {m.category or '?':<12} {subject:<50} {what}")
        acts = ", ".join(f"{n} {_DONE.get(k, k)}" for k, n in sorted(r.actions.items()))
        minutes = r.seconds_logged / 60
        line = (
            f"[{r.client}/{r.account}] {r.new} new, {r.skipped} already handled, "
            f"{r.quarantined} quarantined; actions: {acts or 'none'}; {minutes:g} min logged"
        )
        if r.resumed:
            line += f"; finished {r.resumed} messages left by an interrupted run"
        if r.failed:
            line += f"; {r.failed} actions failed (see `mailflow status`)"
        click.echo(line)
        if r.error:
            click.echo(f"[{r.client}/{r.account}] error: {r.error}")


@cli.command()
@click.option("--once", is_flag=True, help="One pass over every account, then exit (0 when all went well).")
@click.option(
    "--interval",
    type=click.FloatRange(min=1),
    default=None,
    help="Seconds between two syncs of an account (default: [workers] interval, 60).",
)
@click.option(
    "--workers",
    "threads",
    type=click.IntRange(min=0, max=64),
    default=None,
    help="Worker threads in this process (default: [workers] threads with the embedded broker; "
    "0 with Redis or RabbitMQ, whose `mailflow worker` processes do the work).",
)
@click.option(
    "--metrics",
    "metrics",
    default=None,
    metavar="HOST:PORT",
    help="Serve Prometheus metrics on http://HOST:PORT/metrics (default: [workers] metrics; none).",
)
@click.option("-q", "--quiet", is_flag=True, help="Only the per-account summary, not a line per message.")
@click.pass_context
def run(
    ctx: click.Context, once: bool, interval: float | None, threads: int | None, metrics: str | None, quiet: bool
) -> None:
    """Run the daemon: sync every account, apply each client's rules, log time.

    Work goes through the broker: with the embedded one, this process also
    runs the workers; with Redis or RabbitMQ, `mailflow worker` processes
    (on this machine or others) do it. --once returns when every account's
    sync is done, whoever did it.

    Exit codes: 0 all went well; 2 bad config; 3 some client or account could
    not be processed (the others were); 4 the database cannot be opened.
    """
    runtime = _runtime(ctx)
    settings = _settings(ctx)
    store = _store(settings)
    if once:
        result = runtime.run_pass(settings, store, threads=threads, notice=click.echo)
        _print_pass(result, verbose=not quiet)
        store.close()
        sys.exit(EX_OK if result.ok else EX_PARTIAL)
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        logging.getLogger("mailflow").info("signal %d: stopping; work in flight finishes or is requeued", signum)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    every = interval or settings.workers.interval
    click.echo(
        f"mailflow running: {len(settings.clients)} clients, each account synced every {every:g}s; Ctrl-C to stop"
    )
    runtime.run_forever(
        settings,
        store,
        interval,
        stop,
        on_pass=lambda r: _print_pass(r, verbose=not quiet),
        threads=threads,
        metrics=metrics or settings.workers.metrics,
    )
    store.close()


def _runtime(ctx: click.Context) -> Runtime:
    runtime = ctx.obj.get("runtime")
    if not isinstance(runtime, Runtime):
        raise RuntimeError("this command needs the runtime: start it with the `mailflow` command")
    return runtime


@cli.command()
@click.option(
    "--processes",
    type=click.IntRange(min=1, max=64),
    default=None,
    help="Worker processes (default: [workers] processes).",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1, max=64),
    default=None,
    help="Threads per process (default: [workers] threads).",
)
@click.pass_context
def worker(ctx: click.Context, processes: int | None, threads: int | None) -> None:
    """Run worker processes for the configured broker until SIGTERM or Ctrl-C.

    With Redis or RabbitMQ and a PostgreSQL database, run as many as you like
    on as many machines as you like: they share the work, and no account is
    worked on by two at once. A process that dies is started again; what it
    held goes back to the queue.
    """
    runtime = _runtime(ctx)
    settings = _settings(ctx)
    _store(settings).close()  # migrate once here, before the processes start
    runtime.work(ctx.obj.get("config"), processes, threads, ctx.obj.get("log_format", "text"))


@cli.command()
@click.argument("account")
@click.pass_context
def resume(ctx: click.Context, account: str) -> None:
    """Take a parked ACCOUNT back into the schedule (after fixing what `mailflow status` said)."""
    settings = _settings(ctx)
    owner = next((c for c in settings.clients if any(a.id == account for a in c.accounts)), None)
    if owner is None:
        _fail(EX_CONFIG, f"no account {account!r} in the config")
    store = _store(settings)
    store.set_health(owner.id, account, "ok", "resumed by the assistant")
    store.close()
    click.echo(f"{account}: back in the schedule; the running daemon syncs it within its interval")


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
    from .message import Message
    from .report import describe
    from .rules import MatchContext, format_result, load_rules, run_tests
    from .rules.loader import RulesContext
    from .rules.templates import render
    from .triage import classify

    settings = _settings(ctx)
    try:
        conf = settings.client(client)
    except ConfigError as exc:
        _fail(EX_CONFIG, exc.problems)
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


def _since(text: str) -> datetime:
    """``30d``, ``12h``, ``2w``, ``45m`` (minutes ago) or a date ``YYYY-MM-DD``, as an aware datetime."""
    from datetime import UTC, timedelta

    match = re.fullmatch(r"(\d+)\s*([mhdw])", text.strip())
    if match:
        n, unit = int(match.group(1)), match.group(2)
        minutes = {"m": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}[unit] * n
        return datetime.now(UTC) - timedelta(minutes=minutes)
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        _fail(EX_CONFIG, f"--since {text!r}: expected a time ago like 30d, 12h or 2w, or a date YYYY-MM-DD")


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
    try:
        conf = settings.client(client)
    except ConfigError as exc:
        _fail(EX_CONFIG, exc.problems)
    if account_id is not None and account_id not in {a.id for a in conf.accounts}:
        _fail(EX_CONFIG, f"--account {account_id!r}: {client} has accounts {', '.join(a.id for a in conf.accounts)}")
    try:
        ruleset = load_rules(settings.rules_file(client), context=RulesContext.for_client(settings, conf))
    except RulesError as exc:
        _fail(EX_RULES, [str(p) for p in exc.problems])
    return settings, conf, ruleset


@rules.command("plan")
@click.argument("client")
@click.option("--account", "account_id", default=None, help="Only this account (default: all of the client's).")
@click.option("--folder", default=None, help="Only this folder (default: each account's folders).")
@click.option("--since", "since", default=None, help="Only mail dated after this: 30d, 12h, 2w or YYYY-MM-DD.")
@click.option("--last", type=click.IntRange(min=1), default=None, help="Only the newest N messages of each folder.")
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
@click.option("--account", "account_id", default=None, help="Only this account (default: all of the client's).")
@click.option("--folder", default=None, help="Only this folder (default: each account's folders).")
@click.option("--since", "since", default=None, help="Only mail dated after this: 30d, 12h, 2w or YYYY-MM-DD.")
@click.option("--last", type=click.IntRange(min=1), default=None, help="Only the newest N messages of each folder.")
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
        try:
            settings.client(client_id)
        except ConfigError as exc:
            _fail(EX_CONFIG, exc.problems)
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
        try:
            settings.client(client_id)
        except ConfigError as exc:
            _fail(EX_CONFIG, exc.problems)
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
        try:
            settings.client(client_id)
        except ConfigError as exc:
            _fail(EX_CONFIG, exc.problems)
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


# -- status ----------------------------------------------------------------------


def _health_line(account: str, row: dict[str, Any] | None) -> str | None:
    """What the assistant reads about an account's last syncs, with what to do when it is failing."""
    if row is None:
        return None
    since = row["since"].astimezone().strftime("%Y-%m-%d %H:%M")
    if row["state"] == "ok":
        return f"    healthy since {since}"
    if row["state"] == "parked":
        return (
            f"    PARKED since {since}: {row['detail']}\n"
            f"    nothing is synced for this account until you fix that, then run `mailflow resume {account}`"
        )
    return (
        f"    failing since {since} ({row['failures']} syncs in a row): {row['detail']}\n"
        "    retried automatically, less often each time (up to [workers] max_backoff)"
    )


@cli.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Per-account health: last sync, messages handled, quarantined, rules files, the queue.

    Exit code 3 when a rules file is broken or an account is failing or parked.
    """
    from .accounts import check_retainer
    from .rules import check_rules
    from .rules.loader import RulesContext

    settings = _settings(ctx)
    store = _store(settings)
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for client_id, account_id, state, n in store.counts():
        counts.setdefault((client_id, account_id), {})[state] = n
    health = store.health()
    synced: dict[str, datetime] = {}
    for cursor_account, _folder, _state, at in store.cursors():
        synced[cursor_account] = max(at, synced.get(cursor_account, at))
    problems = 0
    for client in settings.clients:
        path = settings.rules_file(client.id)
        context = RulesContext.for_client(settings, client)
        found = check_rules(path, context=context) if path.exists() else None
        rules_state = "missing" if found is None else ("ok" if not found else f"{len(found)} problems")
        problems += 0 if rules_state == "ok" else 1
        click.echo(f"{client.id} ({client.name}): rules {path}: {rules_state}")
        for p in found or []:
            click.echo(f"    {p}")
        kept = store.accepted_rules(client.id)
        if rules_state != "ok" and kept is not None:
            when = kept["accepted_at"].astimezone().strftime("%Y-%m-%d %H:%M")
            click.echo(f"    in use meanwhile: the version accepted at {when} (fix the file and it is used at once)")
        use = check_retainer(store, client, settings)
        if use is not None:
            click.echo(f"  {use.describe()}")
        for account in client.accounts:
            c = counts.get((client.id, account.id), {})
            last = synced.get(account.id)
            when = last.astimezone().strftime("%Y-%m-%d %H:%M:%S") if last else "never"
            click.echo(
                f"  {account.id} [{account.kind}]: last sync {when}; {c.get('done', 0)} handled, "
                f"{c.get('planned', 0)} in progress, {c.get('quarantined', 0)} quarantined"
            )
            line = _health_line(account.id, health.get(account.id))
            if line:
                click.echo(line)
                problems += 0 if "healthy" in line else 1
    runtime = ctx.obj.get("runtime")
    if isinstance(runtime, Runtime) and runtime.queue_status is not None:
        for line in runtime.queue_status(settings):
            click.echo(line)
    if settings.assistant.mailbox is not None:
        from .store.notes import waiting_count

        notes = waiting_count(store)
        if notes.count:
            why = f"; last try: {notes.error}" if notes.error else ""
            click.echo(f"your mailbox ({settings.assistant.mailbox.id}): {notes.count} drafts waiting to be saved{why}")
            problems += 1 if notes.error else 0
    quarantined = store.quarantined()
    if quarantined:
        click.echo("quarantined (newest first):")
        for q in quarantined:
            click.echo(f"  {q['client']}/{q['account']} {q['folder']}: {q['subject']!r}: {q['reason']}")
    store.close()
    sys.exit(EX_OK if not problems else EX_PARTIAL)


__all__ = ["EX_CONFIG", "EX_OK", "EX_PARTIAL", "EX_RULES", "EX_STORE", "Runtime", "cli"]

# The `time` and `invoice` commands live in their own module, registered on this group.
from . import timecli as _timecli  # noqa: E402,F401
