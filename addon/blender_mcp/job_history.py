"""The last jobs ended, for the panel: what ran, how it ended, when and for whom, and how many ran.

Thread-safe (a job cancelled before it started is recorded on a network thread). The UI gives every
client it connects the same history, so the list outlives a Disconnect.
"""
from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass

KEEP = 5
SCRIPT_PREVIEW = 60


@dataclass(frozen=True)
class FinishedJob:
    job_id: str
    what: str  # the command's name, or "script: <its first line>"
    status: str  # completed / failed / cancelled
    ended_at: float  # Unix time
    seconds: float  # run time on the main thread (0 for a job cancelled before it started)
    sender: str  # the job's from_uuid ("server-dispatch:<user>" for dispatch tools), "" when unknown


def describe(kind: str, command: str, script: str) -> str:
    if kind == "command":
        return command
    first = next((line.strip() for line in script.splitlines() if line.strip()), "")
    if len(first) > SCRIPT_PREVIEW:
        first = first[:SCRIPT_PREVIEW - 1] + "…"
    return f"script: {first}" if first else "script"


class JobHistory:
    def __init__(self, keep: int = KEEP) -> None:
        self._lock = threading.Lock()
        self._jobs: collections.deque[FinishedJob] = collections.deque(maxlen=keep)
        self.count = 0  # jobs that ran (not those cancelled before they started)

    def add(self, job, status: str, seconds: float, ended_at: float | None = None, ran: bool = True) -> None:
        entry = FinishedJob(job.job_id, describe(job.kind, job.command, job.script), status,
                            time.time() if ended_at is None else ended_at, seconds, job.from_uuid or "")
        with self._lock:
            self._jobs.append(entry)
            self.count += 1 if ran else 0

    def latest(self) -> list[FinishedJob]:
        """Newest first."""
        with self._lock:
            return list(reversed(self._jobs))
