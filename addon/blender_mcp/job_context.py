"""The report_progress of the job the main thread is running, for code that runs inside a command.

The runner installs the current job's reporter while the job runs (one job at a time, main thread
only). execute_code offers it to the code it runs, so a dispatch caller of blender_execute_code
that asked for progress (`_meta.progressToken`) receives the code's report_progress calls as MCP
`notifications/progress`. Outside a job there is no reporter.
"""
from __future__ import annotations

import contextlib
from typing import Callable, Iterator, Optional

Reporter = Callable[..., None]

_current: Optional[Reporter] = None


@contextlib.contextmanager
def reporting(reporter: Reporter) -> Iterator[None]:
    global _current
    previous, _current = _current, reporter
    try:
        yield
    finally:
        _current = previous


def current_reporter() -> Optional[Reporter]:
    return _current
