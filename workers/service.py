"""The runtime: passes through the broker, the daemon's scheduler, worker processes.

``queued_pass`` is ``mailflow run --once``: it asks for a sync of every
account (a ``sync_account`` message each, under one pass id), runs worker
threads in this process when asked to, and returns when the store shows
every requested sync finished, whichever process did it.

``serve`` is ``mailflow run``: the scheduler (each account synced every
``workers.interval`` seconds with jitter, a failing one less and less often,
a parked one not at all) plus worker threads. ``work`` is ``mailflow
worker``: worker processes for a shared broker, restarted if one dies.

SIGTERM: the stop event reaches every pass at its next batch; the pass
sends its own request again and returns, dramatiq's worker gives back what
it had prefetched, and the process exits, all within a few seconds.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from types import FrameType

from dramatiq import Worker
from dramatiq.broker import Broker
from sqlalchemy.exc import InterfaceError, OperationalError

from mailflow.config import ImapAccount, MaildirAccount, Settings, load_settings
from mailflow.logs import setup_logging
from mailflow.report import AccountReport
from mailflow.store import Store, open_store

from .actors import QUEUE, Actors, WorkerContext, declare
from .broker import describe, make_broker, queue_depth
from .embedded import SQLiteBroker
from .metrics import Metrics
from .runner import PassResult, tune_interpreter
from .scheduler import IdleWatcher, MaildirWatcher, Scheduler, resend_after, runnable

log = logging.getLogger("mailflow.service")

STOP_TIMEOUT_MS = 10_000  # SIGTERM: in-flight work finishes or goes back to the queue within this
WORKER_TIMEOUT_MS = 100  # how often an idle dramatiq consumer looks at the queue and renews leases
TICK = 0.25  # seconds between two looks at what finished and what is due (a push wakes it at once)


def open_broker(settings: Settings) -> Broker:
    return make_broker(settings.broker, settings.database, lease=settings.workers.lease, home=settings.home)


@dataclass
class Runtime:
    """A broker with mailflow's actors declared, and optionally worker threads consuming it."""

    actors: Actors
    worker: Worker | None = None

    @classmethod
    def start(cls, settings: Settings, store: Store, threads: int) -> Runtime:
        tune_interpreter()
        broker = open_broker(settings)
        actors = declare(broker, WorkerContext(settings, store, lease=settings.workers.lease))
        runtime = cls(actors)
        if threads > 0:
            runtime.worker = Worker(broker, worker_threads=threads, worker_timeout=WORKER_TIMEOUT_MS)
            runtime.worker.start()
        return runtime

    def stop(self) -> None:
        """Stop passes at their next batch, then the worker threads; never raises."""
        self.actors.ctx.stop.set()
        try:
            if self.worker is not None:
                self.worker.stop(timeout=STOP_TIMEOUT_MS)
        finally:
            self.actors.broker.close()

    def resend(self, pass_id: str, client_id: str, account_id: str, keys: Sequence[str] | None = None) -> bool:
        """Ask again for a sync that was asked for long ago, unless a worker is on the account now.

        A queue can lose a message (Redis restarted without persistence, a
        message dead-lettered): the sync is asked for again. If it was only
        slow, the second request finds the work done; nothing runs twice.
        """
        if self.actors.ctx.store.lease_holder(account_id) is not None:
            return False
        log.info("account %s: its sync was asked for long ago and has not run; asking again", account_id)
        if keys is None:
            self.actors.sync_account.send(client_id, account_id, pass_id)
        else:
            self.actors.apply_action.send(client_id, account_id, list(keys), pass_id)
        return True

    def request(self, accounts: list[tuple[str, str]]) -> str:
        """Ask for a sync of each (client, account) under a new pass id; returns it."""
        pass_id = self._new_pass(accounts)
        for client_id, account_id in accounts:
            self.actors.sync_account.send(client_id, account_id, pass_id)
        return pass_id

    def push(self, client_id: str, account_id: str, folder: str, locators: Sequence[str]) -> str:
        """Ask for the pipeline over the messages a notification named, under a new pass id; returns it."""
        pass_id = self._new_pass([(client_id, account_id)])
        self.actors.process_message.send(client_id, account_id, folder, list(locators), pass_id)
        return pass_id

    def retry(self, client_id: str, account_id: str, keys: Sequence[str]) -> str:
        """Ask for the recorded actions ``keys`` of one account to be applied, under a new pass id; returns it."""
        pass_id = self._new_pass([(client_id, account_id)])
        self.actors.apply_action.send(client_id, account_id, list(keys), pass_id)
        return pass_id

    def _new_pass(self, accounts: list[tuple[str, str]]) -> str:
        """A new pass id, with a run recorded as asked for each account (its worker reports back there)."""
        pass_id = uuid.uuid4().hex
        self.actors.ctx.store.request_runs(pass_id, accounts)
        return pass_id


def queue_status(settings: Settings) -> list[str]:
    """Lines for ``mailflow status``: the broker, and for the embedded one what waits in it."""
    url = describe(settings.broker)
    try:
        broker = open_broker(settings)
    except Exception as exc:
        return [f"queue: {url}: cannot connect: {exc}"]
    try:
        if not isinstance(broker, SQLiteBroker):
            return [f"queue: {url}"]
        broker.declare_queue(QUEUE)
        waiting = broker.depth(QUEUE)
        taken = broker.depth(QUEUE, taken=True) - waiting
        dead = broker.dead_letters(QUEUE)
        lines = [f"queue: embedded ({broker.path}): {waiting} waiting, {taken} in progress, {len(dead)} dead letters"]
        for message, reason in dead[-5:]:
            lines.append(f"  dead letter: {message.actor_name}{tuple(message.args)}: {reason}")
        return lines
    finally:
        broker.close()


def default_threads(settings: Settings) -> int:
    """Worker threads ``mailflow run`` starts: the embedded broker's own; none for a server broker's."""
    return settings.workers.threads if settings.broker == "embedded" or settings.broker.startswith("sqlite:") else 0


def queued_pass(
    settings: Settings,
    store: Store,
    threads: int | None = None,
    notice: Callable[[str], None] | None = None,
) -> PassResult:
    """One pass over every account through the broker; returns once every sync it asked for is done."""
    threads = default_threads(settings) if threads is None else threads
    runtime = Runtime.start(settings, store, threads)
    result = PassResult()
    try:
        accounts = runnable(settings, runtime, result)
        if not accounts:
            return result
        pass_id = runtime.request(accounts)
        if threads == 0 and notice:
            notice(
                f"queued {len(accounts)} account syncs on {describe(settings.broker)}; "
                "waiting for `mailflow worker` processes to do them"
            )
        order = {account: n for n, (_c, account) in enumerate(accounts)}
        sent = dict.fromkeys(order, time.monotonic())
        pause = 0.02
        while True:
            try:
                runs = store.runs(pass_id)
                if runs and all(r["finished_at"] is not None for r in runs):
                    break
                late = [r for r in runs if r["finished_at"] is None]
                for r in late:
                    waited = time.monotonic() - sent[r["account"]]
                    if waited > resend_after(settings) and runtime.resend(pass_id, r["client"], r["account"]):
                        sent[r["account"]] = time.monotonic()
            except (OperationalError, InterfaceError) as exc:  # the database restarting: wait for it
                log.warning("the database is not answering (%s); waiting for it", exc.orig)
                pause = 1.0
            time.sleep(pause)
            pause = min(0.5, pause * 1.5)
        runs.sort(key=lambda r: order.get(r["account"], 0))
        result.reports = [AccountReport.from_json(r["report"]) for r in runs]
        return result
    finally:
        runtime.stop()


def serve(
    settings: Settings,
    store: Store,
    interval: float | None,
    stop: threading.Event,
    on_pass: Callable[[PassResult], None] | None = None,
    threads: int | None = None,
    ready: Callable[[Scheduler], None] | None = None,
    metrics: str | None = None,
) -> None:
    """The daemon: schedule every account's syncs (polling and IDLE) until ``stop`` is set.

    Worker threads run here when ``threads`` (by default, with the embedded
    broker only). ``ready`` is called with the scheduler once it runs (its
    ``notify`` is the entry point for push notifications). ``metrics``:
    ``host:port`` to serve Prometheus metrics on (``workers.metrics``).
    """
    threads = default_threads(settings) if threads is None else threads
    every = interval or settings.workers.interval
    runtime = Runtime.start(settings, store, threads)
    exported = None
    if metrics:
        broker = runtime.actors.broker
        exported = Metrics(store, lambda: queue_depth(broker, QUEUE))
        exported.serve(metrics)
    scheduler = Scheduler(settings, store, runtime, every, on_finish=exported.record if exported else None)
    watchers: list[IdleWatcher | MaildirWatcher] = []
    for client in settings.clients:
        for account in client.accounts:
            if isinstance(account, ImapAccount) and account.idle:
                watchers.append(IdleWatcher(account, partial(scheduler.notify, account.id), stop))
            elif isinstance(account, MaildirAccount) and account.watch:
                watchers.append(MaildirWatcher(account, partial(scheduler.notify, account.id), stop))
    for watcher in watchers:
        watcher.start()
    log.info(
        "scheduler running: %d clients, broker %s, %d worker threads here, %d accounts watched with IDLE, "
        "%d Maildir accounts watched",
        len(settings.clients),
        describe(settings.broker),
        threads,
        sum(isinstance(w, IdleWatcher) for w in watchers),
        sum(isinstance(w, MaildirWatcher) for w in watchers),
    )
    if ready:
        ready(scheduler)
    try:
        while not stop.is_set():
            try:
                finished = scheduler.tick()
            except Exception:  # the database away, say: the daemon outlives it and tries again
                log.exception("the scheduler could not run; trying again in 5 s")
                stop.wait(5.0)
                continue
            if (finished.reports or finished.rule_errors) and on_pass:
                on_pass(finished)
            scheduler.woken.wait(TICK)
    finally:
        stop.set()
        runtime.stop()
        for watcher in watchers:
            watcher.join(timeout=5)


# -- `mailflow worker` ---------------------------------------------------------


def work(
    config: str | None, processes: int | None = None, threads: int | None = None, log_format: str = "text"
) -> None:
    """Worker processes for the configured broker until SIGTERM or SIGINT; one that dies is started again."""
    settings = load_settings(config)
    processes = processes or settings.workers.processes
    threads = threads or settings.workers.threads
    if processes == 1:
        _worker_process(config, threads, log_format)
        return
    open_broker(settings).close()  # the embedded queue file is made once, before the processes start
    spawn = multiprocessing.get_context("spawn")
    stopping = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    children = [
        spawn.Process(target=_worker_process, args=(config, threads, log_format), daemon=False)
        for _ in range(processes)
    ]
    for child in children:
        child.start()
    log.info("%d worker processes of %d threads on %s", processes, threads, describe(settings.broker))
    while not stopping.wait(1.0):
        for n, child in enumerate(children):
            if not child.is_alive():
                log.warning("worker process %s exited with %s; starting another", child.pid, child.exitcode)
                children[n] = spawn.Process(target=_worker_process, args=(config, threads, log_format), daemon=False)
                children[n].start()
    for child in children:
        if child.pid is not None and child.is_alive():
            child.terminate()  # SIGTERM: each finishes or requeues its work
    for child in children:
        child.join(timeout=STOP_TIMEOUT_MS / 1000 + 5)
        if child.is_alive():
            child.kill()


def _worker_process(config: str | None, threads: int, log_format: str = "text") -> None:
    """One worker process: dramatiq worker threads on the configured broker until SIGTERM or SIGINT."""
    settings = load_settings(config)
    setup_logging(settings.log_level, log_format)
    store = open_store(settings.database)
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    runtime = Runtime.start(settings, store, threads)
    log.info("worker %s: %d threads on %s", runtime.actors.ctx.owner, threads, describe(settings.broker))
    stop.wait()
    runtime.stop()
    store.close()
