"""The ``mailflow`` command: one function per subcommand, each calling the library."""

from __future__ import annotations

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

from .config import ClientConfig, Settings, load_settings
from .errors import ConfigError, StoreError
from .logs import setup_logging
from .report import MEETINGS

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
    auth: Any = None  # OAuth sign-in: login, logout, describe (the module connectors.oauth)


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


def _client(settings: Settings, client_id: str) -> ClientConfig:
    """The client's config, or exit 2 naming the clients there are."""
    try:
        return settings.client(client_id)
    except ConfigError as exc:
        _fail(EX_CONFIG, exc.problems)


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

    Exit code 3 when a rules file is broken, an account is failing or parked,
    or an OAuth account is not signed in.
    """
    from .accounts import check_retainer
    from .rules import check_rules
    from .rules.loader import RulesContext

    settings = _settings(ctx)
    store = _store(settings)
    runtime = ctx.obj.get("runtime")
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for client_id, account_id, state, n in store.counts():
        counts.setdefault((client_id, account_id), {})[state] = n
    health = store.health()
    waiting = store.planned_kinds(("forward", *MEETINGS))  # they need a server besides the mailbox
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
            if getattr(account, "auth", None) == "oauth2" and isinstance(runtime, Runtime) and runtime.auth:
                signed_in, line = runtime.auth.describe(account)
                click.echo(f"    sign-in: {line}")
                problems += 0 if signed_in else 1
            if waiting.get(account.id):
                what = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in sorted(waiting[account.id].items()))
                click.echo(f"    waiting for a server (outgoing mail, calendars): {what}; tried again automatically")
            line = _health_line(account.id, health.get(account.id))
            if line:
                click.echo(line)
                problems += 0 if "healthy" in line else 1
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

# The other commands live in modules of their own, registered on this group.
from . import auditcli as _auditcli  # noqa: E402,F401
from . import authcli as _authcli  # noqa: E402,F401
from . import rulescli as _rulescli  # noqa: E402,F401
from . import timecli as _timecli  # noqa: E402,F401
