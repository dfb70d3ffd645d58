"""A worker process for the broker tests: ``python -m tests.brokerapp URL QUEUE RECORD [LEASE] [THREADS]``."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

from dramatiq import Worker

from . import build


def main() -> None:
    url, queue, record = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    lease = float(sys.argv[4]) if len(sys.argv) > 4 else 2.0
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    app = build(url, queue, record, lease)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    worker = Worker(app.broker, worker_threads=threads, worker_timeout=100)
    worker.start()
    print("ready", flush=True)
    stop.wait()
    worker.stop(timeout=10_000)
    app.broker.close()


if __name__ == "__main__":
    main()
