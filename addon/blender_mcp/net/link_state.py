"""What the connection is doing, as one value the UI can show (no bpy, no threads).

A connection is `connected` only while it is registered, its control thread's last exchange with
the server worked and its event stream is open: a registered client whose stream broke cannot get
jobs, so it is `reconnecting`, never `connected`. `retry_at` (time.monotonic()) is when the next
attempt starts; None while an attempt is under way.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

CONNECTED = "connected"
CONNECTING = "connecting"
RECONNECTING = "reconnecting"
NOT_CONNECTED = "not_connected"


@dataclass(frozen=True)
class LinkState:
    phase: str
    retry_at: float | None = None
    error: str = ""

    def seconds_left(self, now: float) -> int | None:
        """Whole seconds until the next attempt (rounded up), or None when no attempt is waiting."""
        if self.retry_at is None:
            return None
        return max(0, math.ceil(self.retry_at - now))


@dataclass
class LinkParts:
    """The pieces the two connection threads update (under the connection's state lock)."""

    finished: bool = False
    registered: bool = False
    ever_registered: bool = False
    control_ok: bool = False
    control_retry_at: float | None = None
    stream_open: bool = False
    stream_retry_at: float | None = None
    error: str = ""


def combine(parts: LinkParts) -> LinkState:
    if parts.finished:
        return LinkState(NOT_CONNECTED, None, parts.error)
    if parts.registered and parts.control_ok and parts.stream_open:
        return LinkState(CONNECTED)
    waits = [at for at in (parts.control_retry_at, parts.stream_retry_at) if at is not None]
    if waits:
        return LinkState(RECONNECTING, min(waits), parts.error)
    return LinkState(RECONNECTING if parts.ever_registered or parts.error else CONNECTING, None, parts.error)
