"""The ``mailflow`` console script: the core's CLI with the real runtime plugged in.

``mailflow.cli`` never imports connectors or workers (the core stays at the
bottom of the ladder); this outermost module hands it the runner that does.
"""

from __future__ import annotations

from connectors import connector_for, oauth
from mailflow.cli import Runtime, cli

from . import planner, service, undo

RUNTIME = Runtime(
    run_pass=service.queued_pass,
    run_forever=service.serve,
    work=service.work,
    queue_status=service.queue_status,
    plan=planner.plan_client,
    apply=planner.apply_client,
    undo=undo.undo,
    connect=connector_for,
    auth=oauth,
)


def main() -> None:
    """Entry point of the ``mailflow`` console script."""
    cli(obj={"runtime": RUNTIME})
