"""Prometheus metrics of the daemon, served by ``mailflow run --metrics HOST:PORT``.

The scheduler's process serves them, and they count the work of every
worker, wherever it ran: each sync's report comes back to the scheduler
through the store. Counters come from those reports; the accounts' health
and the queue's depth are read when Prometheus scrapes.

dramatiq's own Prometheus middleware does not fit: it relies on dramatiq's
command line (its process-boot and fork hooks) to set up a multiprocess
registry and its exposition server, and mailflow runs its own processes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from mailflow.report import AccountReport
from mailflow.store import Store

log = logging.getLogger("mailflow.metrics")

# Seconds from the moment a sync was asked for (IDLE heard new mail, a push came, the poll
# interval passed) to its report: the end-to-end latency an executive sees.
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)


class Metrics:
    """The daemon's metrics, in a registry of their own."""

    def __init__(self, store: Store, queue_depth: Callable[[], int | None]) -> None:
        self.registry = CollectorRegistry()
        self.messages = Counter(
            "mailflow_messages",
            "Messages seen by syncs, by outcome (new: planned and applied; skipped: already handled; quarantined).",
            ["client", "account", "outcome"],
            registry=self.registry,
        )
        self.actions = Counter(
            "mailflow_actions", "Actions applied, by kind.", ["client", "kind"], registry=self.registry
        )
        self.action_failures = Counter(
            "mailflow_action_failures", "Actions that failed (see mailflow status).", ["client"], registry=self.registry
        )
        self.syncs = Counter("mailflow_syncs", "Syncs finished.", ["client", "account"], registry=self.registry)
        self.errors = Counter(
            "mailflow_sync_errors",
            "Syncs that ended with an error, by kind: temporary, permanent (the account is parked), unexpected.",
            ["client", "account", "kind"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "mailflow_sync_latency_seconds",
            "Seconds from a sync being asked for (by IDLE, push or the poll) to its work being done.",
            ["trigger"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_Live(store, queue_depth))

    def record(self, report: AccountReport, latency: float | None, trigger: str) -> None:
        """Count one finished sync."""
        labels = (report.client, report.account)
        self.syncs.labels(*labels).inc()
        for outcome, n in (("new", report.new), ("skipped", report.skipped), ("quarantined", report.quarantined)):
            if n:
                self.messages.labels(*labels, outcome).inc(n)
        for kind, n in report.actions.items():
            self.actions.labels(report.client, kind).inc(n)
        if report.failed:
            self.action_failures.labels(report.client).inc(report.failed)
        if report.failure:
            self.errors.labels(*labels, report.failure).inc()
        if latency is not None:
            self.latency.labels(trigger).observe(latency)

    def serve(self, listen: str) -> None:
        """Serve ``/metrics`` on ``host:port`` from a background thread."""
        host, _, port = listen.rpartition(":")
        start_http_server(int(port), addr=host or "127.0.0.1", registry=self.registry)
        log.info("metrics on http://%s:%s/metrics", host or "127.0.0.1", port)


class _Live(Collector):
    """What is read at scrape time: accounts by health, and the queue's depth."""

    def __init__(self, store: Store, queue_depth: Callable[[], int | None]) -> None:
        self.store = store
        self.queue_depth = queue_depth

    def collect(self) -> Iterator[Any]:
        accounts = GaugeMetricFamily("mailflow_accounts", "Accounts by health: ok, retrying, parked.", labels=["state"])
        counts = {"ok": 0, "retrying": 0, "parked": 0}
        try:
            for row in self.store.health().values():
                counts[row["state"]] = counts.get(row["state"], 0) + 1
        except Exception as exc:  # a scrape must not fail because the database is away
            log.warning("metrics: cannot read account health: %s", exc)
        for state, n in sorted(counts.items()):
            accounts.add_metric([state], n)
        yield accounts
        try:
            depth = self.queue_depth()
        except Exception as exc:
            log.warning("metrics: cannot read the queue depth: %s", exc)
            depth = None
        if depth is not None:
            yield GaugeMetricFamily(
                "mailflow_queue_depth", "Messages waiting in the work queue (delayed ones included).", value=depth
            )
