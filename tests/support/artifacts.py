"""Where tests keep what a person may want to look at after a run (screenshots): under
$BLENDER_MCP_TEST_ARTIFACTS when set, else tests/output/ (not committed)."""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def artifacts_dir(name: str) -> Path:
    root = os.environ.get("BLENDER_MCP_TEST_ARTIFACTS")
    path = (Path(root) if root else REPO / "tests" / "output") / name
    path.mkdir(parents=True, exist_ok=True)
    return path
