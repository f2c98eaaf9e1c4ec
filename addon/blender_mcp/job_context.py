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
# Waits at most the given seconds until the add-on's network threads run no Python; True when they
# do not. Installed by the live client (runtime.AddonClient).
QuietWait = Callable[[float], bool]

QUIET_TIMEOUT = 1.0

_current: Optional[Reporter] = None
_cancel: Optional[threading.Event] = None
_quiet: Optional[QuietWait] = None


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


def install_network_quiet(wait: Optional[QuietWait]) -> None:
    global _quiet
    _quiet = wait


def quiet_network(timeout: float = QUIET_TIMEOUT) -> bool:
    """Call before an operator that must not overlap Python running on the network threads.
    bpy.ops releases the GIL while an operator runs, so those threads may run Python meanwhile,
    and Blender 3.4's screen.screenshot_area (in the UI, under Xvfb) crashed Blender when a network
    thread was parsing the reply to the job's `running` update at that moment (a segmentation
    fault in Python's allocator, within a few screenshots). Waits until the job's updates are sent
    and the control thread sleeps, at most `timeout` s; True when it does (and when no client is
    installed)."""
    wait = _quiet
    return True if wait is None else wait(timeout)
