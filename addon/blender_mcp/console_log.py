"""Ring buffer of the last 1000 stdout lines printed by jobs (source "job" of get_console_output).
It works in background mode too, where Blender has no Python console."""
from __future__ import annotations

import collections
import threading

CAPACITY = 1000

_lines: collections.deque[str] = collections.deque(maxlen=CAPACITY)
_lock = threading.Lock()


def add_output(text: str) -> None:
    if not text:
        return
    with _lock:
        _lines.extend(text.splitlines())


def lines() -> list[str]:
    with _lock:
        return list(_lines)


def clear() -> None:
    with _lock:
        _lines.clear()
