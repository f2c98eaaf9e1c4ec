"""What the main thread's current job offers to the code it runs: its report_progress and whether
its caller cancelled it.

The runner installs both while a job runs (one job at a time, main thread only). execute_code
offers report_progress to the code it runs, so a dispatch caller of blender_execute_code that
asked for progress (`_meta.progressToken`) receives the code's report_progress calls as MCP
`notifications/progress`. A long command (render) polls `cancelled()` or waits on
`cancel_event()` and raises JobCancelled when its caller gave up; the runner then replies
`cancelled`. Outside a job there is no reporter and nothing is ever cancelled.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Callable, Iterator, Optional

Reporter = Callable[..., None]

_current: Optional[Reporter] = None
_cancel: Optional[threading.Event] = None


class JobCancelled(BaseException):
    """Raised by a command that stopped because its job was cancelled. A BaseException, so that
    the executor's handler-failure net (which catches Exception) lets it through to the runner."""


@contextlib.contextmanager
def reporting(reporter: Reporter, cancel: Optional[threading.Event] = None) -> Iterator[None]:
    global _current, _cancel
    previous, previous_cancel = _current, _cancel
    _current, _cancel = reporter, cancel
    try:
        yield
    finally:
        _current, _cancel = previous, previous_cancel


def current_reporter() -> Optional[Reporter]:
    return _current


def cancel_event() -> threading.Event:
    """The current job's cancel event (set from a network thread); a never-set one outside a job."""
    return _cancel if _cancel is not None else threading.Event()


def cancelled() -> bool:
    return _cancel is not None and _cancel.is_set()
