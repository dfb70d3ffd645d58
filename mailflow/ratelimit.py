"""Per-account request budgets: how fast and how many at once a connector may ask its provider.

A ``Budget`` is a token bucket (``requests`` per ``per`` seconds, refilled
continuously, so a burst of up to ``requests`` is allowed and then the
average holds) plus an optional cap on requests in flight (``concurrent``).
Every connection of one account in a process shares the account's budget
(``budget_for``): a pass uses up to three connections, and the IDLE watcher
a fourth. Across processes nothing more is needed: an account is synced by
one worker at a time, the one holding its lease.

IMAP servers publish no limits, so an IMAP account has no budget unless its
config sets one (``rate_limit``, or ``[rate_limits.imap]`` for all). The API
providers do: Gmail allows 15,000 quota units per user per minute (5 for a
``messages.get`` or a ``modify``), Microsoft Graph 10,000 requests per 10
minutes and 4 concurrent requests per mailbox; their connectors will take
those as their budgets' defaults.
A request is also retried when the provider still answers 429 or 503
(``RateLimited``, honouring ``Retry-After``): the budget keeps that rare.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .errors import Interrupted

__all__ = ["Budget", "Limits", "budget_for", "forget_budgets"]


@dataclass(frozen=True)
class Limits:
    requests: float  # requests (or quota units) allowed per ``per`` seconds
    per: float  # seconds
    concurrent: int | None = None  # requests in flight at once, None for no cap


class Budget:
    """A token bucket with an optional cap on concurrent requests; thread-safe.

    ``clock`` and ``sleep`` are ``time.monotonic`` and a sleep that a set
    ``stop`` event interrupts; tests give their own.
    """

    def __init__(
        self,
        limits: Limits,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        if limits.requests <= 0 or limits.per <= 0:
            raise ValueError("a budget needs requests > 0 per a time > 0")
        self.limits = limits
        self._rate = limits.requests / limits.per  # tokens a second
        self._tokens = float(limits.requests)
        self._clock = clock
        self._at = clock()
        self._lock = threading.Lock()
        self._stop = stop
        self._sleep = sleep or self._wait
        self._slots = threading.BoundedSemaphore(limits.concurrent) if limits.concurrent else None
        self.requests = 0  # requests let through
        self.waited = 0.0  # seconds spent waiting for tokens

    def _wait(self, seconds: float) -> None:
        if self._stop is not None:
            if self._stop.wait(seconds):
                raise Interrupted("asked to stop while waiting for the request budget")
        else:
            time.sleep(seconds)

    def take(self, cost: float = 1.0) -> None:
        """Wait until ``cost`` tokens are there, then spend them (a cost above the bucket waits for a full one)."""
        cost = min(cost, self.limits.requests)
        while True:
            with self._lock:
                now = self._clock()
                self._tokens = min(self.limits.requests, self._tokens + (now - self._at) * self._rate)
                self._at = now
                if self._tokens >= cost - 1e-9:  # what float arithmetic leaves short of a whole refill
                    self._tokens = max(0.0, self._tokens - cost)
                    self.requests += 1
                    return
                pause = (cost - self._tokens) / self._rate
                self.waited += pause
            self._sleep(pause)

    @contextmanager
    def request(self, cost: float = 1.0, *, hold: bool = True) -> Iterator[None]:
        """One request: a slot among the concurrent ones (when capped), then its tokens.

        ``hold=False``: the tokens only, for a request that waits for minutes
        (IMAP IDLE) and must not keep a slot from the others meanwhile.
        """
        if self._slots is None or not hold:
            self.take(cost)
            yield
            return
        with self._slots:
            self.take(cost)
            yield


_budgets: dict[str, Budget] = {}
_budgets_lock = threading.Lock()


def budget_for(account: str, limits: Limits | None) -> Budget | None:
    """The budget every connection of ``account`` shares in this process; None when it has no limits."""
    if limits is None:
        return None
    with _budgets_lock:
        budget = _budgets.get(account)
        if budget is None or budget.limits != limits:  # a changed config starts a new bucket
            budget = _budgets[account] = Budget(limits)
        return budget


def forget_budgets() -> None:
    """Drop every account's budget (tests; a changed config replaces an account's budget by itself)."""
    with _budgets_lock:
        _budgets.clear()
