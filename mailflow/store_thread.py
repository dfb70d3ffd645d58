"""The pass's store thread: one worker that runs the ledger's jobs, the pass's first and a group's outcomes after.

``mailflow.applying`` queues its store work here (see :class:`StoreThread`);
a ``concurrent.futures`` executor has one queue, and this needs two.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from threading import Condition, Thread
from typing import Any, TypeVar

__all__ = ["StoreThread"]

T = TypeVar("T")
_Item = tuple[Future[Any], Callable[..., Any], tuple[Any, ...]]


class StoreThread:
    """The store thread: the pass's jobs in the order they come, a group's outcome records when none waits.

    ``submit`` queues a job of the pass (records of batches, cursors, drafts
    marked as being saved, time entries, lookups); ``submit_late`` one the
    writer thread queues once a group of writes is made (recording its
    outcomes: 0.1-0.3 s for a round of 2,000 messages). Each queue runs in
    order; a late job runs only when no job of the pass waits, so the next
    group's writes, which wait for the records queued before them, do not
    also wait for the previous group's outcomes (which nothing waits for).
    Traced at the end of a 10,000-message pass, the last group's writes
    started 0.1 s after they were queued, behind two such records.
    """

    def __init__(self) -> None:
        self._ready = Condition()
        self._jobs: deque[_Item] = deque()
        self._late: deque[_Item] = deque()
        self._stopping = False
        self._thread = Thread(target=self._run, name="mailflow-record", daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        return self._queue(self._jobs, fn, args)

    def submit_late(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        return self._queue(self._late, fn, args)

    def _queue(self, queue: deque[_Item], fn: Callable[..., T], args: tuple[Any, ...]) -> Future[T]:
        future: Future[T] = Future()
        with self._ready:
            if self._stopping:
                raise RuntimeError("the store thread has stopped")
            queue.append((future, fn, args))
            self._ready.notify()
        return future

    def _run(self) -> None:
        while True:
            with self._ready:
                while not (self._jobs or self._late or self._stopping):
                    self._ready.wait()
                if not (self._jobs or self._late):
                    return
                future, fn, args = (self._jobs or self._late).popleft()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn(*args)
            except BaseException as exc:  # as ThreadPoolExecutor: the caller sees it in the future
                future.set_exception(exc)
            else:
                future.set_result(result)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking jobs; with ``cancel_futures`` cancel those not started; with ``wait`` join the thread."""
        with self._ready:
            self._stopping = True
            if cancel_futures:
                for future, _fn, _args in (*self._jobs, *self._late):
                    future.cancel()
                self._jobs.clear()
                self._late.clear()
            self._ready.notify()
        if wait:
            self._thread.join()
