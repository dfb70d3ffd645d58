"""What each package exports, and the one-way import rule."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import connectors
import connectors.base
import mailflow

ROOT = Path(__file__).parent.parent
SDKS = ("imapclient", "imaplib", "googleapiclient", "google", "msal", "dramatiq", "connectors", "workers")


@pytest.mark.parametrize("module", [mailflow, connectors, connectors.base])
def test_everything_in_all_exists_and_every_public_name_is_listed(module: object) -> None:
    exported = set(module.__all__)  # type: ignore[attr-defined]
    assert all(hasattr(module, name) for name in exported)
    public = {n for n, v in vars(module).items() if not n.startswith("_") and not isinstance(v, type(ast))}
    public -= {"annotations"}
    assert public <= exported, f"not in __all__: {sorted(public - exported)}"


def test_the_core_never_imports_an_sdk_a_connector_or_a_worker() -> None:
    """The console script (workers/main.py) wires the core's CLI to connectors and workers."""
    offenders = []
    for path in (ROOT / "mailflow").rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in SDKS]
    assert offenders == []
