"""Fixtures shared by the addon's own tests (unit and end-to-end): the real server binary."""
from __future__ import annotations

import shutil
from typing import Iterator

import pytest

from . import paths  # noqa: F401  (puts tests/ and addon/ on sys.path)
from support.server_process import ServerProcess, binary_path, start_server


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    if not binary_path().exists():
        pytest.fail(f"{binary_path()} is not built; run scripts/setup --build or set BLENDER_MCP_BINARY")
    proc = start_server()
    try:
        yield proc
    finally:
        proc.stop()
        shutil.rmtree(proc.data_dir, ignore_errors=True)
