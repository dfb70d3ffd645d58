"""The pipeline as dramatiq actors: ``sync_account``, ``process_message`` and ``apply_action``.

``sync_account(client, account, pass_id)`` is one pass over one account (new
mail listed since the cursor, fetched, planned, recorded, applied: see
``mailflow.pipeline``). ``process_message(client, account, folder,
locators)`` is the entry point for a push notification that names new
messages (an IMAP IDLE ``EXISTS``, a Gmail or Graph notification): the same
pipeline over those messages only; the cursor is left for the next sync,
which skips them as already seen. ``apply_action(client, account, keys,
pass_id)`` applies recorded actions by their idempotency keys, those not
done yet, and reads no new mail: the scheduler sends it for the actions a
pass left waiting for a server it could not reach (outgoing mail, the
calendars), with a backoff of its own, so a forward goes out soon after the
mail server is back rather than at the next sync.

Exactly once, whatever runs where:

* Only one worker works on an account at a time: the **account lease** in
  the store (``account_leases``), taken before the work, renewed every third
  of ``lease`` seconds while it goes on, released after. A worker that finds
  the lease taken sends the same request again, delayed until the lease
  could run out, and moves on. A worker that dies stops renewing; once the
  lease runs out the broker's redelivery (or the next request) finds it free.
* A pass that is stopped (SIGTERM, or the lease lost because the database
  was away longer than the lease) ends at its next batch, sends its own
  request again and returns; what it recorded stays recorded.
* Everything under the lease is the pipeline's own idempotent work: a
  message redelivered after a crash redoes nothing that was recorded.

Failures: a temporary one (server down, connection dropped, 429) is retried
by the pass with backoff and jitter, then reported; the account's health
says ``retrying`` and the scheduler waits longer each time before the next
sync. A permanent one (login refused, mailbox gone) **parks** the account:
the scheduler leaves it alone until ``mailflow resume ACCOUNT``, and
``mailflow status`` says what to do. Neither holds up any other account.
An error outside the pass (the database down while recording the report) is
raised to dramatiq, which retries the message with exponential backoff.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import dramatiq
from dramatiq.broker import Broker

from mailflow.config import ClientConfig, Settings
from mailflow.errors import Interrupted
from mailflow.report import AccountReport
from mailflow.store import Store

from .runner import RulesCache, run_account

log = logging.getLogger("mailflow.workers")

QUEUE = "mailflow"
# A pass over a large mailbox can take many minutes; dramatiq's default limit (10) would kill it.
TIME_LIMIT_MS = 6 * 3600 * 1000
# dramatiq retries a message whose actor raised (the store unreachable, say) with exponential
# backoff and jitter between these bounds, this many times, then dead-letters it.
MAX_RETRIES = 20
MIN_BACKOFF_MS = 1000
MAX_BACKOFF_MS = 5 * 60 * 1000


def worker_id() -> str:
    """A name for this process among all workers: ``host|pid|random``."""
    return f"{socket.gethostname()[:40]}|{os.getpid()}|{uuid.uuid4().hex[:8]}"


def _dead_here(owner: str) -> bool:
    """Whether a lease owner is a process of this machine that no longer runs (killed, crashed)."""
    parts = owner.split("|")
    if len(parts) < 3 or parts[0] != socket.gethostname()[:40] or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


@dataclass
class WorkerContext:
    """What the actors of one process share: the config, the store, rules, and the stop signal."""

    settings: Settings
    store: Store
    lease: float = 30.0
    stop: threading.Event = field(default_factory=threading.Event)
    owner: str = field(default_factory=worker_id)
    rules: RulesCache = field(init=False)

    def __post_init__(self) -> None:
        self.rules = RulesCache(self.store, self.settings)

    def account(self, client_id: str, account_id: str) -> tuple[ClientConfig, int] | None:
        for client in self.settings.clients:
            if client.id == client_id:
                for index, account in enumerate(client.accounts):
                    if account.id == account_id:
                        return client, index
        return None


class LeaseKeeper:
    """Renews an account lease on its own thread; sets ``stop`` when the lease is lost or the worker stops."""

    def __init__(self, ctx: WorkerContext, account: str, owner: str) -> None:
        self.ctx = ctx
        self.account = account
        self.owner = owner
        self.stop = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"mailflow-lease-{account}", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        every = max(0.1, self.ctx.lease / 3)
        last = time.monotonic()
        while not self._done.wait(0.1):
            if self.ctx.stop.is_set():
                self.stop.set()
            if time.monotonic() - last < every:
                continue
            try:
                if not self.ctx.store.renew_lease(self.account, self.owner, self.ctx.lease):
                    log.warning("account %s: lease lost; stopping this pass", self.account)
                    self.stop.set()
                    return
                last = time.monotonic()
            except Exception as exc:  # the database is away: keep trying until the lease would run out
                log.warning("account %s: cannot renew the lease: %s", self.account, exc)
                if time.monotonic() - last > self.ctx.lease:
                    self.stop.set()
                    return


@dataclass
class Actors:
    """The actors declared on one broker, with the context they run in."""

    broker: Broker
    ctx: WorkerContext
    sync_account: dramatiq.Actor[Any, Any]
    process_message: dramatiq.Actor[Any, Any]
    apply_action: dramatiq.Actor[Any, Any]


def declare(broker: Broker, ctx: WorkerContext) -> Actors:
    """Declare mailflow's actors on ``broker``, running with ``ctx``."""
    options: dict[str, Any] = {
        "broker": broker,
        "queue_name": QUEUE,
        "time_limit": TIME_LIMIT_MS,
        "max_retries": MAX_RETRIES,
        "min_backoff": MIN_BACKOFF_MS,
        "max_backoff": MAX_BACKOFF_MS,
    }

    def sync_account(client_id: str, account_id: str, pass_id: str | None = None) -> None:
        _under_lease(ctx, actors, "sync_account", (client_id, account_id, pass_id), client_id, account_id, pass_id)

    def process_message(
        client_id: str, account_id: str, folder: str, locators: list[str], pass_id: str | None = None
    ) -> None:
        args = (client_id, account_id, folder, locators, pass_id)
        _under_lease(ctx, actors, "process_message", args, client_id, account_id, pass_id, (folder, locators))

    def apply_action(client_id: str, account_id: str, keys: list[str], pass_id: str | None = None) -> None:
        args = (client_id, account_id, keys, pass_id)
        _under_lease(ctx, actors, "apply_action", args, client_id, account_id, pass_id, actions=keys)

    actors = Actors(
        broker,
        ctx,
        dramatiq.actor(actor_name="sync_account", **options)(sync_account),
        dramatiq.actor(actor_name="process_message", **options)(process_message),
        dramatiq.actor(actor_name="apply_action", **options)(apply_action),
    )
    return actors


def _under_lease(
    ctx: WorkerContext,
    actors: Actors,
    name: str,
    args: tuple[Any, ...],
    client_id: str,
    account_id: str,
    pass_id: str | None,
    refs: tuple[str, Sequence[str]] | None = None,
    actions: Sequence[str] | None = None,
) -> None:
    actor: dramatiq.Actor[Any, Any] = getattr(actors, name)
    found = ctx.account(client_id, account_id)
    if found is None:
        report = AccountReport(client=client_id, account=account_id)
        report.error = f"no account {account_id!r} for client {client_id!r} in the config; nothing done"
        report.failure = "permanent"
        _finish(ctx, pass_id, report)
        return
    client, index = found
    # One owner per call, not per process: two threads of one worker are two owners.
    owner = f"{ctx.owner}|{uuid.uuid4().hex[:8]}"
    if not ctx.store.take_lease(account_id, owner, ctx.lease):
        holder = ctx.store.lease_holder(account_id)
        if (
            holder is not None
            and _dead_here(holder[0])
            and ctx.store.take_lease(account_id, owner, ctx.lease, instead_of=holder[0])
        ):
            log.info("account %s: its lease was held by a process that is gone; taken over", account_id)
        else:
            wait = (holder[1] - datetime.now(UTC)).total_seconds() if holder else 0.0
            delay = int(min(max(wait, 0.2), ctx.lease) * 1000)
            log.info("account %s is busy in another worker; %s again in %d ms", account_id, name, delay)
            actor.send_with_options(args=args, delay=delay)
            return
    try:
        with LeaseKeeper(ctx, account_id, owner) as keeper:
            rules, problem = ctx.rules.get(ctx.settings.rules_file(client_id), client_id)
            if rules is None:
                report = AccountReport(client=client_id, account=account_id)
                report.error = f"rules not loaded: {problem}"
                report.failure = "unexpected"
                _finish(ctx, pass_id, report)
                return
            try:
                report = run_account(
                    ctx.settings, ctx.store, client, index, rules, stop=keeper.stop, only=refs, actions=actions
                )
            except Interrupted as exc:
                log.info("account %s: %s; sent again", account_id, exc)
                actor.send(*args)  # first send, then ack (on return): never lost
                return
    finally:
        try:
            ctx.store.release_lease(account_id, owner)
        except Exception as exc:  # it runs out by itself
            log.warning("account %s: cannot release the lease: %s", account_id, exc)
    _record_health(ctx, report)
    _finish(ctx, pass_id, report)


def _record_health(ctx: WorkerContext, report: AccountReport) -> None:
    if report.failure == "permanent":
        state = "parked"
    elif report.failure is not None:
        state = "retrying"
    else:
        state = "ok"
    ctx.store.set_health(report.client, report.account, state, report.error)


def _finish(ctx: WorkerContext, pass_id: str | None, report: AccountReport) -> None:
    if pass_id is not None:
        ctx.store.finish_run(pass_id, report.account, report.to_json())
