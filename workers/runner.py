"""Passes over every client's accounts, and the daemon loop that repeats them.

Each client's rules are loaded once per pass; a rules file that fails to load
keeps the last good rules for that client (when there are any) and reports
``file:line``. One account failing (a refused login, a server down) never
holds up the others.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import logging
import os
import platform
import random
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import InterfaceError, OperationalError

from connectors import calendar_for, connector_for
from connectors.outbound import mail_out
from mailflow.accounts import RetainerUse, check_retainer
from mailflow.calendars import CalendarConnector
from mailflow.config import ClientConfig, ImapAccount, MaildirAccount, Settings
from mailflow.drafting import people
from mailflow.errors import (
    AuthError,
    AuthExpired,
    ConnectorError,
    Interrupted,
    MailflowError,
    NotFound,
    PermanentError,
    RateLimited,
    RulesError,
    StoreUnavailable,
    TransientError,
)
from mailflow.notes import deliver, queue_due_summary
from mailflow.pipeline import AccountPass
from mailflow.report import AccountReport
from mailflow.rules import RuleSet, load_rules, test_problems
from mailflow.rules.loader import RulesContext
from mailflow.store import Store

if TYPE_CHECKING:
    from mailflow.meetings import MeetingDesk

log = logging.getLogger("mailflow.runner")

RETRIES = 3

# How long (seconds) a thread that is computing may keep the GIL while another waits for it.
# A pass plans on one thread while its writer thread records and writes: every SQLite statement
# and socket read releases the GIL, and with CPython's default of 5 ms each one then waits up to
# 5 ms to get it back. At 0.2 ms the writer's recording of 10,000 messages went from 3.5 s of wall
# clock to 1.25 s and the pass from 6.2 s to 5.4 s (bench/README.md).
SWITCH_INTERVAL = 0.0002
# The cyclic garbage collector's youngest generation is collected after this many net allocations
# of tracked objects (CPython's default: 700). A pass allocates about 40-50 per message and frees
# almost all of it by reference counting (about one object a message is cyclic garbage), so at 700
# it collected 730 times per 10,000 messages and promoted each batch's live objects into the older
# generations, whose collections then walked them again: 0.31-0.34 s of GIL time per 10,000
# messages, 2.0 s per 50,000. At 5,000: 0.19-0.21 and 1.1-1.2 s; at 20,000: 0.05-0.06 and 0.40 s
# (50,000 messages, two interleaved pairs: 1,576-1,593 to 1,616-1,632 msg/s), peak RSS the same
# within a megabyte (bench/README.md). The oldest generation still runs every 2 million.
GC_YOUNG_THRESHOLD = 20_000


def tune_interpreter() -> None:
    """Prepare the process for passes: GIL switch interval, one malloc arena, collector pace, imports frozen.

    The switch interval: see ``SWITCH_INTERVAL``; the collector's youngest
    generation: ``GC_YOUNG_THRESHOLD``. Arenas: glibc gives each
    thread that allocates its own malloc arena, up to eight per core, and
    each keeps its own high-water mark; a pass's three threads (planning,
    writing, fetching) share one, which kept a 50,000-message pass at
    100 MB instead of 106 MB with no loss of speed (the GIL already
    serialises most allocations). Freezing: the cyclic garbage collector
    walks every tracked object in its oldest generation, and the hundreds
    of thousands of objects the imports created (SQLAlchemy, pydantic, the
    email package) live as long as the process anyway; frozen once, at the
    first pass, they are never walked again (``gc.freeze``). Nothing
    created later is frozen, so nothing a pass leaves behind leaks.
    """
    if sys.getswitchinterval() > SWITCH_INTERVAL:
        sys.setswitchinterval(SWITCH_INTERVAL)
    young, *older = gc.get_threshold()
    if 0 < young < GC_YOUNG_THRESHOLD:  # 0: collection is off; leave it so
        gc.set_threshold(GC_YOUNG_THRESHOLD, *older)
    if gc.get_freeze_count() == 0:
        _one_malloc_arena()
        gc.collect()
        gc.freeze()


_M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)


def _one_malloc_arena() -> None:
    """``mallopt(M_ARENA_MAX, 1)`` on glibc (arenas made before it stay); elsewhere nothing."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return
    try:
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 1)
    except (OSError, AttributeError):  # no such symbol: not glibc after all
        return


@dataclass
class LoadedRules:
    rules: RuleSet
    mtime: float


@dataclass
class PassResult:
    """What one pass over every account did, and what went wrong."""

    reports: list[AccountReport] = field(default_factory=list)
    rule_errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.rule_errors and all(r.error is None for r in self.reports)


class RulesCache:
    """The rules each client uses: its file when the file loads and its tests pass, else the last good version.

    The last good version is kept in memory and, with a store, in the
    database (``rules_versions``), so a worker process that starts while a
    file is broken uses the version last accepted by any process. A file is
    read again only when its modification time changes, and a broken one is
    not re-parsed until it changes. Thread-safe.
    """

    def __init__(self, store: Store | None = None, settings: Settings | None = None) -> None:
        self.store = store
        # Each client's forward allow-list (config): a rules file forwarding to anyone else does not load.
        self.contexts = {c.id: RulesContext.for_client(settings, c) for c in settings.clients} if settings else {}
        self.default = RulesContext.for_client(settings, None) if settings else RulesContext()
        self.shared = settings.shared_lists if settings else None
        self._loaded: dict[Path, LoadedRules] = {}
        self._failed: dict[Path, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def get(self, path: Path, client: str | None = None) -> tuple[RuleSet | None, str | None]:
        """The rules to use for ``client`` (whose file is ``path``) and, when the file is broken, why."""
        with self._lock:
            return self._get(path, client)

    def _get(self, path: Path, client: str | None) -> tuple[RuleSet | None, str | None]:
        current = self._loaded.get(path)
        try:
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            return self._fallback(
                path, client, current, f"{path}: no rules file for this client; write one (see rules/dana.toml)"
            )
        if self.shared is not None:  # a change to the shared lists reloads every client's rules
            try:
                mtime = max(mtime, self.shared.stat().st_mtime)
            except FileNotFoundError:
                mtime = -mtime - 1  # the shared file went away: load again, and report it
        if current and current.mtime == mtime:
            return current.rules, None
        failed = self._failed.get(path)
        if failed and failed[0] == mtime:
            return self._fallback(path, client, current, failed[1])
        try:
            rules = load_rules(path, context=self.contexts.get(client or "", self.default))
            failing = test_problems(rules)
            if failing:
                raise RulesError(failing)  # a file whose own tests fail is not used
        except RulesError as exc:
            self._failed[path] = (mtime, str(exc))
            log.error("rules for %s: %s", client or path, exc)
            return self._fallback(path, client, current, str(exc))
        self._failed.pop(path, None)
        self._loaded[path] = LoadedRules(rules, mtime)
        log.info(
            "rules for %s: loaded %s (%d rules, %d tests pass)",
            client or path,
            path,
            len(rules.rules),
            len(rules.tests),
        )
        if self.store is not None and client is not None:
            text = path.read_bytes().decode("utf-8-sig", "replace")
            try:
                self.store.accept_rules(client, hashlib.sha256(text.encode()).hexdigest(), text)
            except Exception as exc:  # the file is good; remembering it can wait for the next change
                log.warning("rules for %s: cannot record the accepted version: %s", client, exc)
        return rules, None

    def _fallback(
        self, path: Path, client: str | None, current: LoadedRules | None, problem: str
    ) -> tuple[RuleSet | None, str | None]:
        """The rules to keep using while the file is broken: this process's last good, else the store's."""
        if current is not None:
            return current.rules, f"{problem} (keeping the last good rules)"
        if self.store is None or client is None:
            return None, problem
        try:
            kept = self.store.accepted_rules(client)
            context = self.contexts.get(client, self.default)
            rules = load_rules(path, kept["text"], context=context) if kept else None
        except Exception as exc:  # the database away, or a kept version that no longer loads
            log.warning("rules for %s: cannot use the last accepted version: %s", client, exc)
            return None, problem
        if rules is None or kept is None:
            return None, problem
        self._loaded[path] = LoadedRules(rules, -1.0)  # until the file changes
        when = kept["accepted_at"].astimezone().strftime("%Y-%m-%d %H:%M")
        return rules, f"{problem} (keeping the version accepted at {when})"


def run_account(
    settings: Settings,
    store: Store,
    client: ClientConfig,
    account_index: int,
    rules: RuleSet,
    progress: Callable[[int], None] | None = None,
    stop: threading.Event | None = None,
    only: tuple[str, Sequence[str]] | None = None,
    actions: Sequence[str] | None = None,
) -> AccountReport:
    """One pass over one account, retrying transient failures with backoff and jitter.

    With ``only`` (a folder and locators), over just those messages; with
    ``actions`` (keys), only those recorded actions: see ``AccountPass.run``.

    The report's ``failure`` says what kind of error ended it, if one did:
    ``temporary`` (retries spent), ``permanent`` (credentials refused, the
    mailbox gone: the account should be parked) or ``unexpected``. A set
    ``stop`` ends the pass at the next batch with ``Interrupted``.
    """
    tune_interpreter()
    account = client.accounts[account_index]
    use = check_retainer(store, client, settings)  # for the retainer_used condition (and its alerts)
    desk, unreachable = _meeting_desk(store, client, account, settings) if client.calendars else (None, False)
    try:
        return _passes(settings, store, client, account, rules, progress, stop, only, actions, use, desk, unreachable)
    finally:
        if desk is not None:
            desk.close()
        if settings.assistant.mailbox is not None:
            _notes(settings, store, client)


def _notes(settings: Settings, store: Store, client: ClientConfig) -> None:
    """The client's summary when one is due, then every note waiting for the assistant's mailbox, saved.

    A mailbox that cannot be reached leaves them waiting (``mailflow status``);
    nothing here ends or fails the account's pass.
    """
    owner = f"{platform.node()}-{os.getpid()}-{threading.get_ident()}"
    try:
        queue_due_summary(settings, store, client)
        deliver(settings, store, owner, connector_for)
    except (OperationalError, InterfaceError) as exc:
        log.warning("notes for your mailbox wait for the database: %s", exc.orig)
    except Exception:  # a bug here must not cost the account its pass
        log.exception("notes for your mailbox could not be saved; they wait for the next pass")


def _passes(
    settings: Settings,
    store: Store,
    client: ClientConfig,
    account: ImapAccount | MaildirAccount,
    rules: RuleSet,
    progress: Callable[[int], None] | None,
    stop: threading.Event | None,
    only: tuple[str, Sequence[str]] | None,
    actions: Sequence[str] | None,
    use: RetainerUse | None,
    desk: MeetingDesk | None,
    unreachable: bool,
) -> AccountReport:
    """``run_account``'s attempts: a transient failure is retried with backoff and jitter."""
    executive, assistant = people(settings, client)
    batch = getattr(account, "batch_size", None) or settings.batch_size
    last = AccountReport(client=client.id, account=account.id)
    for attempt in range(1, RETRIES + 1):
        # IMAP gets a second connection that downloads the next batch while this one is processed.
        reader = connector_for(account) if account.kind == "imap" else None
        step = AccountPass(
            store,
            connector_for(account),
            rules,
            executive,
            assistant,
            folders=account.folders,
            batch_size=batch,
            progress=progress,
            reader=reader,
            stop=stop,
            outbound=mail_out(account, settings.assistant.webhook),
            zone=client.zone,
            retainer_used=use.percent if use else None,
            rate_card=client.rate_card,
            meetings=desk,
            calendars_unavailable=unreachable,
        )
        try:
            report = _merge(last, step.run(only, actions))
            if use is not None and report.seconds_logged:
                check_retainer(store, client, settings)  # the time just logged may cross 80% or 100%
            return report
        except Interrupted:
            raise
        except TransientError as exc:
            last = _merge(last, step.report)
            last.error = f"temporary failure: {exc}"
            last.failure = "temporary"
            log.warning("account %s: %s (attempt %d of %d)", account.id, exc, attempt, RETRIES)
            if attempt < RETRIES:
                pause = min(30.0, 2.0 ** (attempt - 1)) * (0.5 + random.random())
                if isinstance(exc, RateLimited) and exc.retry_after:
                    pause = max(pause, exc.retry_after)  # the provider's Retry-After comes first
                if stop is not None:
                    if stop.wait(pause):
                        raise Interrupted(f"{account.id}: asked to stop while waiting to retry") from exc
                else:
                    time.sleep(pause)
        except (OperationalError, InterfaceError) as exc:
            # The database went away (a restart, the network): the caller retries the whole pass
            # later (dramatiq's backoff); reporting it as this account's failure would be wrong.
            raise StoreUnavailable(f"the database stopped answering: {exc.orig}") from exc
        except Exception as exc:  # anything else ends this account's pass, never the others'
            last = _merge(last, step.report)
            last.error = _failure(account.id, exc)
            last.failure = "permanent" if isinstance(exc, AuthError | PermanentError | NotFound) else "unexpected"
            return last
    return last


def _failure(account_id: str, exc: Exception) -> str:
    """What the assistant reads about a pass that cannot go on."""
    if isinstance(exc, AuthExpired):
        return f"signed out: {exc}"  # the message says how to sign in again
    if isinstance(exc, AuthError):
        return f"login refused: {exc}; check the account's credentials in the config"
    if isinstance(exc, MailflowError):
        return f"{type(exc).__name__}: {exc}"
    log.exception("account %s: unexpected error", account_id, exc_info=exc)  # a bug or a database outage
    return f"unexpected error: {type(exc).__name__}: {exc} (see the log; nothing was lost)"


def _merge(a: AccountReport, b: AccountReport) -> AccountReport:
    merged = AccountReport(client=b.client, account=b.account)
    for r in (a, b):
        merged.new += r.new
        merged.skipped += r.skipped
        merged.quarantined += r.quarantined
        merged.resumed += r.resumed
        merged.failed += r.failed
        merged.seconds_logged += r.seconds_logged
        merged.actions.update(r.actions)
        merged.messages.extend(r.messages)
    merged.waiting = list(dict.fromkeys(a.waiting + b.waiting))
    merged.error = b.error
    merged.failure = b.failure
    return merged


def _meeting_desk(
    store: Store, client: ClientConfig, account: ImapAccount | MaildirAccount, settings: Settings
) -> tuple[MeetingDesk | None, bool]:
    """The client's calendars, opened, for proposing and booking meetings, or None (logged) when they cannot be.

    The flag says the calendars could not be reached (their meetings wait and
    are tried again); without a writable calendar they fail, naming the config.
    """
    calendars: list[tuple[CalendarConnector, list[str]]] = []
    opened: list[CalendarConnector] = []
    try:
        for conf in client.calendars:
            connector = calendar_for(conf, client)
            opened.append(connector)
            connector.open()
            ids = list(conf.calendars) or [c.id for c in connector.calendars() if not c.read_only]
            if ids:
                calendars.append((connector, ids))
            else:
                connector.close()  # none of its calendars is writable
    except ConnectorError as exc:
        log.warning("%s: cannot open the calendars (meetings wait and are tried again): %s", client.id, exc)
        for connector in opened:
            connector.close()  # never raises, even when already closed
        return None, True
    if not calendars:
        log.warning("%s: no writable calendar found in [[clients.calendars]]", client.id)
        return None, False
    from mailflow.meetings import MeetingDesk  # icalendar (4 MB) only for a client with calendars

    _, assistant = people(settings, client)
    desk = MeetingDesk(store, client, calendars, assistant, account.id, mail_out(account, settings.assistant.webhook))
    try:
        desk.expire()
    except ConnectorError as exc:
        log.warning("%s: cannot release expired holds: %s", client.id, exc)
    return desk, False


def run_pass(
    settings: Settings,
    store: Store,
    cache: RulesCache | None = None,
    progress: Callable[[int], None] | None = None,
) -> PassResult:
    """One pass over every account of every client."""
    cache = cache or RulesCache(store, settings)
    result = PassResult()
    for client in settings.clients:
        rules, problem = cache.get(settings.rules_file(client.id), client.id)
        if problem:
            result.rule_errors[client.id] = problem
        if rules is None:
            continue
        for index in range(len(client.accounts)):
            result.reports.append(run_account(settings, store, client, index, rules, progress))
    return result


def run_forever(
    settings: Settings,
    store: Store,
    interval: float,
    stop: threading.Event,
    on_pass: Callable[[PassResult], None] | None = None,
) -> None:
    """Repeat passes until ``stop`` is set, sleeping ``interval`` seconds (with jitter) between them."""
    cache = RulesCache(store, settings)
    while not stop.is_set():
        try:
            result = run_pass(settings, store, cache)
        except Exception:  # the daemon outlives any one pass; the next one resumes its work
            log.exception("the pass failed; trying again in %.0f s", interval)
        else:
            if on_pass:
                on_pass(result)
        stop.wait(interval * (0.9 + 0.2 * random.random()))
