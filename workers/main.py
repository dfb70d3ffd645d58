"""The ``mailflow`` console script: the core's CLI with the real runtime plugged in.

``mailflow.cli`` never imports connectors or workers (the core stays at the
bottom of the ladder); this outermost module hands it the runner that does.
"""

from __future__ import annotations

from mailflow.cli import Runtime, cli

from . import runner

RUNTIME = Runtime(run_pass=runner.run_pass, run_forever=runner.run_forever)


def main() -> None:
    """Entry point of the ``mailflow`` console script."""
    cli(obj={"runtime": RUNTIME})
