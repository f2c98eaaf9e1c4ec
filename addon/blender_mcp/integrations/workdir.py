"""A temporary download directory that is always removed, even when a command fails."""
from __future__ import annotations

import contextlib
import shutil
import tempfile
from typing import Iterator


@contextlib.contextmanager
def temporary_directory(prefix: str) -> Iterator[str]:
    path = tempfile.mkdtemp(prefix=f"blender_mcp_{prefix}_")
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
