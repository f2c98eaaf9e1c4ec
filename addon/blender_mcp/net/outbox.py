"""Replies waiting to be sent (contract 9.10): at most 200, oldest dropped on overflow, sent in
order. Entries are tool calls (name, arguments); the sender peeks the oldest, sends it and only
then removes it, so a reply that fails to go out is kept for the next connection.

Thread safety: every method may be called from any thread.
"""
from __future__ import annotations

import collections
import threading
from typing import Callable

CAPACITY = 200


class Outbox:
    def __init__(self, capacity: int = CAPACITY, on_put: Callable[[], None] | None = None) -> None:
        if capacity < 1:
            raise ValueError("outbox capacity must be at least 1")
        self._items: collections.deque[tuple[str, dict]] = collections.deque()
        self._capacity = capacity
        self._lock = threading.Lock()
        self._on_put = on_put
        self.dropped = 0

    def put(self, tool: str, arguments: dict) -> None:
        with self._lock:
            if len(self._items) >= self._capacity:
                self._items.popleft()
                self.dropped += 1
            self._items.append((tool, arguments))
        if self._on_put is not None:
            self._on_put()

    def peek(self) -> tuple[str, dict] | None:
        with self._lock:
            return self._items[0] if self._items else None

    def pop_if(self, item: tuple[str, dict]) -> None:
        """Removes the oldest entry if it is still `item` (it may have been dropped meanwhile)."""
        with self._lock:
            if self._items and self._items[0] is item:
                self._items.popleft()

    def replace_if(self, item: tuple[str, dict], replacement: tuple[str, dict]) -> None:
        """Puts `replacement` in the place of the oldest entry if that is still `item` (it goes out next)."""
        with self._lock:
            if self._items and self._items[0] is item:
                self._items[0] = replacement

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
