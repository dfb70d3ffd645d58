"""When each account is synced: IMAP IDLE, push notifications, polling with jitter.

``Scheduler.tick`` (called by the daemon's loop a few times a second) asks
for a sync of every account that is due, and collects the syncs that
finished. An account is due ``[workers] interval`` seconds (with 10% jitter)
after its last sync finished; after temporary failures in a row it waits
twice as long each time, up to ``max_backoff``; a parked account is tried
once an hour. At most one sync per account is out at a time: a wake-up
that comes while one is out makes the next one start as soon as it ends.

Actions a pass left waiting for a server it could not reach (a forward the
mail server deferred, a meeting whose calendars were down) are tried again
by ``apply_action``, without a sync: ``[workers] retry_waiting`` seconds
after the pass, then twice as long each time (up to ``max_backoff``), as
long as that comes before the account's next sync (which tries them too).

``Scheduler.notify`` is the one entry point for push: an ``IdleWatcher``
(IMAP IDLE on its own connection) calls it when the server reports new
mail, and the Gmail and Outlook connectors' notifications will too. With
message ids it runs ``process_message`` over just those (its report is
collected like a sync's: metrics, actions left waiting); without, a sync.

``IdleWatcher`` keeps IDLE open on the account's first folder, re-issues it
every 25 minutes (servers may end an IDLE after 30, RFC 2177), and after a
dropped connection reconnects with exponential backoff and jitter. A server
without IDLE leaves the account to polling.

``MaildirWatcher`` is the same for a Maildir, which has no push: whatever
delivers mail (an MDA, mbsync, offlineimap) adds a file to a folder's
``new/`` or ``cur/``, which changes that directory's modification time, so
the watcher looks at those times four times a second (two ``stat`` calls a folder).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from mailflow.config import ImapAccount, MaildirAccount, Settings
from mailflow.errors import AuthError, PermanentError
from mailflow.report import AccountReport
from mailflow.store import Store

from .runner import PassResult

if TYPE_CHECKING:
    from .service import Runtime


def resend_after(settings: Settings) -> float:
    """Seconds after which a sync asked for and not finished, with no worker on its account, is asked again."""
    return max(10.0, 4 * settings.workers.lease)


log = logging.getLogger("mailflow.scheduler")

PARKED_RETRY = 3600.0  # seconds: a parked account is tried again this seldom
IDLE_RENEW = 25 * 60.0  # seconds: IDLE is re-issued before the 29 minutes RFC 2177 allows
IDLE_MAX_BACKOFF = 300.0
MAILDIR_CHECK = 0.25  # seconds between two looks at a watched Maildir's folders (two stat calls each)


class Scheduler:
    """When each account is next synced, and which requested syncs are still out."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        runtime: Runtime,
        interval: float,
        on_finish: Callable[[AccountReport, float, str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.on_finish = on_finish  # (report, seconds since it was asked for, trigger)
        self.store = store
        self.runtime = runtime
        self.interval = interval
        self.due: dict[str, float] = {}
        self.out: dict[str, tuple[str, float]] = {}  # account -> (pass id, when asked)
        self.trigger: dict[str, str] = {}  # account -> what asked for its sync: poll, idle
        self.again: set[str] = set()  # woken while a sync was out: sync again as soon as it ends
        self.waiting: dict[str, _Waiting] = {}  # account -> its actions waiting for a server, and when to retry
        self.reported_rules: dict[str, str] = {}
        self.woken = threading.Event()
        self._lock = threading.Lock()
        self._wakes: set[str] = set()
        self.pushes: dict[str, tuple[str, float]] = {}  # pass id of a process_message -> (account, when asked)
        self._clients = {a.id: c.id for c in settings.clients for a in c.accounts}

    # -- push ------------------------------------------------------------------

    def notify(self, account: str, folder: str | None = None, locators: Sequence[str] = ()) -> None:
        """New mail in ``account`` (thread-safe): a sync soon, or ``process_message`` over ``locators``."""
        client = self._clients.get(account)
        if client is None:
            log.warning("a notification for unknown account %r; ignored", account)
            return
        if folder is not None and locators:
            pass_id = self.runtime.push(client, account, folder, locators)
            with self._lock:  # its report is collected like a sync's (metrics, actions left waiting)
                self.pushes[pass_id] = (account, time.monotonic())
            return
        with self._lock:
            self._wakes.add(account)
        self.woken.set()

    # -- the loop --------------------------------------------------------------

    def _wait_after(self, health: dict[str, Any] | None) -> float:
        """Seconds until an account's next sync: the interval, longer after each failure in a row."""
        jitter = 0.9 + 0.2 * random.random()
        if health is None or health.get("state") == "ok":
            return self.interval * jitter
        if health.get("state") == "parked":
            return PARKED_RETRY * jitter
        failures = int(health.get("failures") or 1)
        return min(self.settings.workers.max_backoff, self.interval * 2.0 ** min(failures, 20)) * jitter

    def tick(self) -> PassResult:
        """Collect finished syncs, then ask for the ones that are due; returns what finished."""
        now = time.monotonic()
        self.woken.clear()
        with self._lock:
            wakes, self._wakes = self._wakes, set()
            pushes = dict(self.pushes)
        finished = PassResult()
        # One query for every sync and push that is out, then the health its workers recorded before finishing.
        asked_for = [p for p, _ in self.out.values()] + list(pushes)
        runs = {(r["pass_id"], r["account"]): r for r in self.store.runs_of(asked_for)}
        health = self.store.health()
        for pass_id, (account, asked) in pushes.items():
            run = runs.get((pass_id, account))
            done = run is not None and run["finished_at"] is not None
            if done or now - asked > resend_after(self.settings):  # a lost one: the next sync has its mail
                with self._lock:
                    del self.pushes[pass_id]
            if run is not None and done:
                self._collect(run, account, asked, now, "push", finished)
        for account, (pass_id, asked) in list(self.out.items()):
            run = runs.get((pass_id, account))
            if run is not None and run["finished_at"] is not None:
                del self.out[account]
                trigger = self.trigger.pop(account, "poll")
                self._collect(run, account, asked, now, trigger, finished)
                if account in self.again:
                    self.due[account] = now
                    self.trigger[account] = "idle"
                    self.again.discard(account)
                elif trigger != "retry":  # a retry is not a sync: the next sync stays when it was
                    self.due[account] = now + self._wait_after(health.get(account))
            elif now - asked > resend_after(self.settings):
                client_id = self._clients.get(account)
                keys = self.waiting[account].keys if self.trigger.get(account) == "retry" else None
                if client_id and self.runtime.resend(pass_id, client_id, account, keys):
                    self.out[account] = (pass_id, now)
        for account in wakes:
            if account in self.out:
                self.again.add(account)
            else:
                self.due[account] = now
                self.trigger[account] = "idle"
        result = PassResult()
        wanted = runnable(self.settings, self.runtime, result)
        for client_id, problem in result.rule_errors.items():
            if self.reported_rules.get(client_id) != problem:
                finished.rule_errors[client_id] = problem
        self.reported_rules = dict(result.rule_errors)
        for client_id, account in wanted:
            if account in self.out:
                continue
            retry = self.waiting.get(account)
            if retry is not None and retry.at <= now < self.due.get(account, 0.0):
                self.out[account] = (self.runtime.retry(client_id, account, retry.keys), now)
                self.trigger[account] = "retry"
                continue
            if self.due.get(account, 0.0) > now:
                continue
            state = health.get(account)
            if state and state.get("state") == "parked" and account not in self.due:
                # Parked before this daemon started: wait a while before trying it again.
                self.due[account] = now + self._wait_after(state)
                continue
            pass_id = self.runtime.request([(client_id, account)])
            self.out[account] = (pass_id, now)
        self.store.forget_runs(datetime.now(UTC) - timedelta(days=1))
        return finished

    def _collect(
        self, run: dict[str, Any], account: str, asked: float, now: float, trigger: str, finished: PassResult
    ) -> None:
        """A finished run's report: into ``finished``, the metrics, and when to retry what it left waiting."""
        report = AccountReport.from_json(run["report"])
        finished.reports.append(report)
        if self.on_finish:
            self.on_finish(report, now - asked, trigger)
        self._note_waiting(account, report, now)

    def _note_waiting(self, account: str, report: AccountReport, now: float) -> None:
        """After a run: when to try the actions it left waiting, or nothing more to try."""
        if not report.waiting or report.failure == "permanent":
            self.waiting.pop(account, None)  # applied (or the account is parked: resume tries them)
            return
        attempts = self.waiting[account].attempts + 1 if account in self.waiting else 1
        delay = min(self.settings.workers.max_backoff, self.settings.workers.retry_waiting * 2.0 ** (attempts - 1))
        self.waiting[account] = _Waiting(report.waiting, now + delay * (0.9 + 0.2 * random.random()), attempts)


@dataclass
class _Waiting:
    keys: list[str]  # the actions' idempotency keys
    at: float  # monotonic time of the next try
    attempts: int


def runnable(settings: Settings, runtime: Runtime, result: PassResult) -> list[tuple[str, str]]:
    """The accounts of every client whose rules load (the others' problems go in ``result``)."""
    # The rules are cached by the file's modification time: the scheduler calls this four times a
    # second, so a saved file is checked (its tests too) and, if good, used within a second.
    accounts: list[tuple[str, str]] = []
    for client in settings.clients:
        rules, problem = runtime.actors.ctx.rules.get(settings.rules_file(client.id), client.id)
        if problem:
            result.rule_errors[client.id] = problem  # logged by the cache, once per version of the file
        if rules is not None:
            accounts.extend((client.id, a.id) for a in client.accounts)
    return accounts


class IdleWatcher(threading.Thread):
    """IMAP IDLE on one account's first folder, on a connection of its own, calling ``on_mail`` on new mail."""

    def __init__(
        self,
        account: ImapAccount,
        on_mail: Callable[[], None],
        stop: threading.Event,
        renew: float = IDLE_RENEW,
        connect: Callable[[ImapAccount], Any] | None = None,
    ) -> None:
        super().__init__(name=f"mailflow-idle-{account.id}", daemon=True)
        self.account = account
        self.folder = account.folders[0]
        self.on_mail = on_mail
        self.stop = stop
        self.renew = renew
        self._connect = connect
        self.watching = threading.Event()  # set while an IDLE is open (for tests and status)

    def _connector(self) -> Any:
        if self._connect is not None:
            return self._connect(self.account)
        from connectors.imap import ImapConnector

        return ImapConnector(self.account)

    def run(self) -> None:
        backoff = 1.0
        reconnect = False
        while not self.stop.is_set():
            conn = self._connector()
            try:
                conn.open()
                if "IDLE" not in conn.capabilities:
                    log.info("account %s: the server has no IDLE; polling only", self.account.id)
                    return
                backoff = 1.0
                if reconnect:
                    self.on_mail()  # what came while the connection was down
                reconnect = True
                while not self.stop.is_set():
                    if conn.idle_wait(self.folder, self.renew, self.stop, self.watching):
                        self.on_mail()
            except (AuthError, PermanentError) as exc:
                log.warning("account %s: IDLE stopped: %s; polling goes on", self.account.id, exc)
                self.stop.wait(PARKED_RETRY)
            except Exception as exc:  # a dropped connection: back off and reconnect
                pause = backoff * (0.5 + random.random())
                log.info("account %s: IDLE connection lost (%s); reconnecting in %.1f s", self.account.id, exc, pause)
                self.stop.wait(pause)
                backoff = min(IDLE_MAX_BACKOFF, backoff * 2)
            finally:
                self.watching.clear()
                conn.close()


class MaildirWatcher(threading.Thread):
    """A Maildir account's folders looked at every ``every`` seconds, calling ``on_mail`` when one changed.

    A change is a new modification time of a folder's ``new/`` or ``cur/``:
    a message delivered, but also one whose flags changed (the name holds
    them) or that was moved, by the executive's mail program or by
    mailflow's own pass. So a pass that acted is followed by one more, which
    finds nothing new and changes nothing (on a file system that keeps
    whole-second times, two deliveries within a second of a look are seen
    at the next change or the next poll).
    """

    def __init__(
        self, account: MaildirAccount, on_mail: Callable[[], None], stop: threading.Event, every: float = MAILDIR_CHECK
    ) -> None:
        super().__init__(name=f"mailflow-watch-{account.id}", daemon=True)
        from connectors.maildir import MaildirConnector

        maildir = MaildirConnector(account.path, account.id)
        self.account = account
        self.dirs = [maildir.folder_dir(folder) / sub for folder in account.folders for sub in ("new", "cur")]
        self.on_mail = on_mail
        self.stop = stop
        self.every = every
        self.watching = threading.Event()  # set once the first look is taken (for tests)

    def _look(self) -> list[int | None]:
        times: list[int | None] = []
        for path in self.dirs:
            try:
                times.append(path.stat().st_mtime_ns)
            except OSError:  # not there (yet): a sync reports what is wrong
                times.append(None)
        return times

    def run(self) -> None:
        last = self._look()
        self.watching.set()
        while not self.stop.wait(self.every):
            now = self._look()
            if now != last:
                last = now
                self.on_mail()
