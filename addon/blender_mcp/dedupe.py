"""The message_ids of the last N records seen (contract 9.7: N = 1000), so that a Last-Event-ID
replay never runs a job twice. Not thread-safe; the job queue calls it under its lock."""
from __future__ import annotations

import collections

CAPACITY = 1000


class RecentIds:
    def __init__(self, capacity: int = CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._order: collections.deque[str] = collections.deque()
        self._members: set[str] = set()
        self._capacity = capacity

    def seen_before(self, message_id: str) -> bool:
        """True if `message_id` is among the remembered ids; otherwise remembers it and returns False."""
        if message_id in self._members:
            return True
        if len(self._order) >= self._capacity:
            self._members.discard(self._order.popleft())
        self._order.append(message_id)
        self._members.add(message_id)
        return False

    def __len__(self) -> int:
        return len(self._order)
