"""The job list the panel shows: one history given to every client the UI connects, so it outlives
a Disconnect and a new Connect."""
from __future__ import annotations

from ..job_history import JobHistory

HISTORY = JobHistory()
