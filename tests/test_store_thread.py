"""The pass's store thread (``mailflow.store_thread.StoreThread``): jobs in order, outcome records when none waits."""

from __future__ import annotations

import threading

import pytest

from mailflow.store_thread import StoreThread


def test_late_jobs_wait_for_the_queued_jobs_and_each_queue_keeps_its_order() -> None:
    thread = StoreThread()
    gate = threading.Event()
    ran: list[str] = []
    try:
        first = thread.submit(gate.wait)  # holds the thread (or is still queued) while the rest is queued
        late = [thread.submit_late(ran.append, f"late {i}") for i in range(3)]
        jobs = [thread.submit(ran.append, f"job {i}") for i in range(3)]
        gate.set()
        for future in (first, *late, *jobs):
            future.result(timeout=10)
    finally:
        thread.shutdown()
    assert ran == ["job 0", "job 1", "job 2", "late 0", "late 1", "late 2"]


def test_a_failing_job_fails_its_future_and_the_thread_goes_on() -> None:
    thread = StoreThread()
    try:
        failed = thread.submit(lambda: 1 / 0)
        after = thread.submit_late(lambda: "still running")
        with pytest.raises(ZeroDivisionError):
            failed.result(timeout=10)
        assert after.result(timeout=10) == "still running"
    finally:
        thread.shutdown()


def test_shutdown_cancels_what_has_not_started_and_refuses_new_jobs() -> None:
    thread = StoreThread()
    gate, started = threading.Event(), threading.Event()

    def hold() -> bool:
        started.set()
        return gate.wait()

    running = thread.submit(hold)
    assert started.wait(timeout=10)
    queued = thread.submit(lambda: "never")
    late = thread.submit_late(lambda: "never")
    stopper = threading.Thread(target=thread.shutdown, kwargs={"cancel_futures": True})
    stopper.start()
    while not queued.cancelled():
        threading.Event().wait(0.01)
    gate.set()
    stopper.join(timeout=10)
    assert running.result(timeout=10) is True
    assert queued.cancelled() and late.cancelled()
    with pytest.raises(RuntimeError, match="stopped"):
        thread.submit(lambda: None)
