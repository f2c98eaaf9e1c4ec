"""The text of the sidebar panel, built from a plain snapshot of the add-on's state (no bpy).

panel.py gathers a PanelState, asks status_rows() for the rows of each section and draws them, and
the timer pump compares signature() between ticks to know when the panel must be redrawn. wrap()
splits a row into lines that fit the sidebar's width, so nothing is cut with "…": long words (the
client uuid, URLs) are broken where they reach the edge.

Each connection state has exactly one wording: "Connected", "Connecting…", "Reconnecting in N s"
(or "Reconnecting now" while the attempt runs) and "Not connected".
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from ..job_history import FinishedJob
from ..net.link_state import CONNECTED, CONNECTING, RECONNECTING, LinkState

DISPATCH_ORIGIN = "server-dispatch:"
STATUS_ICONS = {"completed": "CHECKMARK", "failed": "ERROR", "cancelled": "CANCEL"}
AVERAGE_CHAR_WIDTH = 7.0  # pixels at 11 pt and UI scale 1, for measuring outside Blender


@dataclass(frozen=True)
class Row:
    text: str
    icon: str = "NONE"


@dataclass
class PanelState:
    logged_in: bool
    username: str
    token_expires_at: float | None  # Unix time
    link: LinkState | None  # None when no client exists (never connected, or disconnected)
    client_uuid: str
    queued: int = 0
    jobs_run: int = 0
    jobs: list[FinishedJob] = field(default_factory=list)
    error: str = ""  # what the last operator (login, test connection, connect) reported as failed
    now: float = 0.0  # time.monotonic(), for the reconnect countdown
    wall_now: float = 0.0  # time.time(), for the token expiry


def clock(timestamp: float, with_date: bool = False) -> str:
    """Local time, as Blender's user reads the clock: 14:05:09, or 2026-12-08 14:05 with the date."""
    return time.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M:%S", time.localtime(timestamp))


def connection_line(link: LinkState | None, now: float) -> Row:
    if link is None or link.phase not in (CONNECTED, CONNECTING, RECONNECTING):
        return Row("Not connected", "UNLINKED")
    if link.phase == CONNECTED:
        return Row("Connected", "LINKED")
    if link.phase == CONNECTING:
        return Row("Connecting…", "TIME")
    seconds = link.seconds_left(now)
    return Row("Reconnecting now" if not seconds else f"Reconnecting in {seconds} s", "TIME")


def sender(origin: str) -> str:
    if origin.startswith(DISPATCH_ORIGIN):
        return f"{origin[len(DISPATCH_ORIGIN):]} (dispatch tool)"
    return origin or "unknown sender"


def job_rows(job: FinishedJob) -> list[Row]:
    return [Row(job.what, STATUS_ICONS.get(job.status, "DOT")),
            Row(f"{job.status} at {clock(job.ended_at)}, {job.seconds:.2f} s", "BLANK1"),
            Row(f"from {sender(job.sender)}", "BLANK1")]


def status_rows(state: PanelState) -> dict[str, list[Row]]:
    """The rows of each section: account, connection, client, jobs, error."""
    rows: dict[str, list[Row]] = {}
    if state.logged_in:
        account = [Row(f"Logged in as {state.username}", "USER")]
        if state.token_expires_at is None:
            account.append(Row("Token expiry unknown", "BLANK1"))
        elif state.token_expires_at > state.wall_now:
            same_day = time.localtime(state.token_expires_at)[:3] == time.localtime(state.wall_now)[:3]
            until = clock(state.token_expires_at)[:5] if same_day else clock(state.token_expires_at, True)
            account.append(Row(f"Token valid until {until}", "BLANK1"))
        else:
            account.append(Row(f"Token expired {clock(state.token_expires_at, True)}; Connect renews it",
                               "BLANK1"))
    else:
        account = [Row("Not logged in", "USER")]
    rows["account"] = account
    connection = [connection_line(state.link, state.now)]
    if state.link is not None and state.link.phase != CONNECTED and state.link.error:
        connection.append(Row(f"Why: {state.link.error}", "BLANK1"))
    rows["connection"] = connection
    rows["client"] = [Row("Client uuid (target_uuid):"), Row(state.client_uuid or "(none)")]
    jobs = [Row(f"Jobs run: {state.jobs_run}, queued: {state.queued}")]
    for job in state.jobs:
        jobs.extend(job_rows(job))
    if not state.jobs:
        jobs.append(Row("No jobs yet", "BLANK1"))
    rows["jobs"] = jobs
    rows["error"] = [Row(f"Last error: {state.error}", "ERROR")] if state.error else []
    return rows


def signature(rows: dict[str, list[Row]]) -> tuple:
    """A value that changes exactly when the panel's text changes."""
    return tuple((name, tuple(section)) for name, section in rows.items())


def estimated_width(text: str) -> float:
    return len(text) * AVERAGE_CHAR_WIDTH


def wrap(text: str, width: float, measure: Callable[[str], float] = estimated_width) -> list[str]:
    """`text` split into lines no wider than `width` (by `measure`), at spaces where possible and
    inside a word only when the word alone is wider; every character but the spaces at line breaks
    is kept."""
    if width <= 0 or measure(text) <= width:
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if measure(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
        while measure(word) > width and len(word) > 1:
            cut = _longest_prefix(word, width, measure)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def _longest_prefix(word: str, width: float, measure: Callable[[str], float]) -> int:
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(word[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def wrapped(rows: list[Row], width: float, measure: Callable[[str], float] = estimated_width,
            icon_width: float = 0.0) -> list[Row]:
    """Each row as one or more rows that fit; the icon stays on the first, later lines are indented
    by a blank icon (so they line up under the text)."""
    out: list[Row] = []
    for row in rows:
        room = width - (icon_width if row.icon != "NONE" else 0.0)
        for index, line in enumerate(wrap(row.text, room, measure)):
            out.append(Row(line, row.icon if index == 0 else ("BLANK1" if row.icon != "NONE" else "NONE")))
    return out
