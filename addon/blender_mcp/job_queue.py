"""The pump's queue (contract 9.7): a min-heap keyed (priority, arrival sequence), so jobs run by
priority (0 = emergency first) and FIFO within a priority; plus a list of calls that network
threads hand to the main thread (token updates, status text).

A cancel for a job that is not queued goes to `on_cancel_running` (the runner's cancel_running), so
the job the main thread is running can stop early when it checks.

Thread safety: offer()/call_soon() run on network threads, pop()/run_calls() on the main thread;
one condition variable guards everything, and pop(timeout) waits on it, so a waiting background
loop wakes as soon as work arrives.
"""
from __future__ import annotations

import collections
import heapq
import itertools
import threading
import time
from typing import Callable

from .dedupe import RecentIds
from .records import Job, bus_data, job_from


class JobQueue:
    def __init__(self, my_uuid: str, on_cancelled: Callable[[Job], None] = lambda job: None,
                 on_cancel_running: Callable[[str], bool] = lambda job_id: False) -> None:
        self.my_uuid = my_uuid
        self._on_cancelled = on_cancelled
        self._on_cancel_running = on_cancel_running
        self._heap: list[tuple[int, int, Job]] = []
        self._sequence = itertools.count()
        self._cond = threading.Condition()
        self._seen = RecentIds()
        self._calls: collections.deque[Callable[[], None]] = collections.deque()
        self.duplicates = 0

    # -- network threads --------------------------------------------------------------------------
    def offer(self, message: dict) -> Job | None:
        """Accepts one stream message; returns the job it queued (or cancelled), else None."""
        arrived_at = time.perf_counter()
        found = bus_data(message)
        if found is None:
            return None
        job = job_from(found[0], found[1], self.my_uuid)
        if job is None:
            return None
        job.arrived_at = arrived_at
        with self._cond:
            if job.message_id is not None and self._seen.seen_before(job.message_id):
                self.duplicates += 1
                return None
            if job.kind == "cancel":
                cancelled = self._remove(job.job_id)
            else:
                heapq.heappush(self._heap, (job.priority, next(self._sequence), job))
                self._cond.notify_all()
                return job
        for removed in cancelled:
            self._on_cancelled(removed)
        if not cancelled:
            # Not queued: it may be the job the main thread is running (a render stops early).
            self._on_cancel_running(job.job_id)
        return cancelled[0] if cancelled else None

    def call_soon(self, call: Callable[[], None]) -> None:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

    def wake(self) -> None:
        with self._cond:
            self._cond.notify_all()

    # -- main thread ------------------------------------------------------------------------------
    def pop(self, timeout: float = 0.0, stop: Callable[[], bool] = lambda: False) -> Job | None:
        """The next job; waits up to `timeout` s for one (returns early for handed-over calls or stop)."""
        with self._cond:
            if not self._heap and timeout > 0:
                self._cond.wait_for(lambda: self._heap or self._calls or stop(), timeout)
            return heapq.heappop(self._heap)[2] if self._heap else None

    def run_calls(self) -> int:
        """Runs the calls handed over by network threads, in order; returns how many ran."""
        count = 0
        while True:
            with self._cond:
                if not self._calls:
                    return count
                call = self._calls.popleft()
            call()
            count += 1

    def __len__(self) -> int:
        with self._cond:
            return len(self._heap)

    def _remove(self, job_id: str) -> list[Job]:
        kept = [entry for entry in self._heap if entry[2].job_id != job_id]
        removed = [entry[2] for entry in self._heap if entry[2].job_id == job_id]
        if removed:
            self._heap = kept
            heapq.heapify(self._heap)
        return removed
