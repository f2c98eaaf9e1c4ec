"""Reads the output of the render process (commands/render_process.py) into progress and its
outcome. No bpy.

Blender prints a stats line while it renders, e.g.
    Fra:1 Mem:14.67M (Peak 14.67M) | Time:00:00.10 | Remaining:00:00.51 | ... | Scene, ViewLayer | Sample 1/16
(Cycles) or `... | Rendering 3 / 16 samples` (Eevee). Blender 5.0 prints none; the render process
prints its render_stats text instead, marked `BLENDER_MCP_RENDER_STATS `, e.g.
    Remaining: 00:04.00 | Mem: 6M | Sample 1/16
without the time rendered so far, which is then the time since the START line. In background mode Cycles updates it rarely
(every 30 s, plus the first sample), so between two lines the progress is estimated from its
`Remaining:` figure, never beyond 97 % before the render has finished. Progress only grows.
The render process adds its own lines, marked `BLENDER_MCP_RENDER_<WHAT> `.

When the process fails, `failure` words why: its own error line, else an OpenGL context that
could not be made (Eevee and Workbench draw through OpenGL, also in -b; Blender 3.4 then aborts),
else the signal that ended it and its last lines.
"""
from __future__ import annotations

import json
import re
import signal
from dataclasses import dataclass

START, RESULT, ERROR = "BLENDER_MCP_RENDER_START ", "BLENDER_MCP_RENDER_RESULT ", "BLENDER_MCP_RENDER_ERROR "
STATS = "BLENDER_MCP_RENDER_STATS "
RENDERING_FROM, RENDERING_TO = 2.0, 97.0  # percent range of the render itself
ESTIMATE_CEILING = 97.0
_SAMPLE = re.compile(r"\bSample (\d+)/(\d+)")
_EEVEE = re.compile(r"\bRendering (\d+) / (\d+) samples")
_TIME = re.compile(r"\| Time:([\d:.]+)")
_REMAINING = re.compile(r"(?:^|\| )Remaining: ?([\d:.]+)")
# What Blender (3.4, through libepoxy) prints when it finds no OpenGL at all: no display, and EGL
# (surfaceless, Mesa) not usable either.
_NO_OPENGL = re.compile(r"Couldn't find current GLX or EGL context|No OpenGL vendor detected")
NO_OPENGL_ADVICE = ("Blender found no OpenGL context to render with (no GPU, no display and no usable EGL "
                    "here); Eevee and Workbench draw through OpenGL even in background mode. Render with "
                    "CYCLES, which needs none, or run Blender where OpenGL works (a GPU driver, Mesa's "
                    "EGL, or a display such as xvfb-run)")


def seconds(timecode: str) -> float | None:
    """Blender's [HH:]MM:SS.ss as seconds; None when it is not one."""
    try:
        parts = [float(part) for part in timecode.split(":")]
    except ValueError:
        return None
    total = 0.0
    for part in parts:
        total = total * 60 + part
    return total


@dataclass
class Update:
    percent: float
    message: str


class RenderProgress:
    """Feed it each output line with the time it arrived (`line`) and ask it between lines
    (`estimate`); each returns an Update when the progress grew, else None."""

    def __init__(self) -> None:
        self.percent = 0.0
        self.result: dict | None = None
        self.started: dict | None = None
        self.error: str | None = None
        self.tail: list[str] = []  # the last lines, for a failure's message
        self.opengl_missing: str | None = None  # the line saying there is no OpenGL, if one did
        self._basis: tuple[float, float, float, str] | None = None  # (arrived, render time, total, step)
        self._started_at: float | None = None

    def line(self, text: str, now: float) -> Update | None:
        text = text.rstrip("\n")
        if text.startswith(RESULT):
            self.result = json.loads(text[len(RESULT):])
            return None
        if text.startswith(ERROR):
            self.error = text[len(ERROR):]
            return None
        if text.strip():
            self.tail = (self.tail + [text])[-12:]
            if self.opengl_missing is None and _NO_OPENGL.search(text):
                self.opengl_missing = text.strip()
        if text.startswith(START):
            self._started_at = now
            self.started = json.loads(text[len(START):])
            return self._grow(RENDERING_FROM, f"Rendering frame {self.started.get('frame')} with "
                                              f"{self.started.get('engine')}")
        if text.startswith(STATS):
            text = text[len(STATS):]
        found = _SAMPLE.search(text) or _EEVEE.search(text)
        if found is None:
            return None
        done, total = int(found.group(1)), int(found.group(2))
        step = f"Sample {done}/{total}"
        elapsed = _TIME.search(text)
        remaining = _REMAINING.search(text)
        rendered = seconds(elapsed.group(1)) if elapsed else None
        if rendered is None and self._started_at is not None:
            rendered = max(0.0, now - self._started_at)
        left = seconds(remaining.group(1)) if remaining else None
        if rendered is not None and left is not None and rendered + left > 0:
            self._basis = (now, rendered, rendered + left, step)
        elif done >= total:
            self._basis = None
        fraction = done / total if total > 0 else 0.0
        return self._grow(RENDERING_FROM + fraction * (RENDERING_TO - RENDERING_FROM), step)

    def estimate(self, now: float) -> Update | None:
        if self._basis is None:
            return None
        arrived, rendered, total, step = self._basis
        fraction = min(1.0, (rendered + now - arrived) / total)
        percent = min(ESTIMATE_CEILING, RENDERING_FROM + fraction * (RENDERING_TO - RENDERING_FROM))
        left = max(0.0, total - rendered - (now - arrived))
        return self._grow(percent, f"{step}, about {left:.0f} s left (estimated)")

    def failure(self, returncode: int | None) -> str:
        """Why the render process failed, for `The render failed: ...` (returncode: its exit status,
        negative for the signal that ended it)."""
        if self.error:
            return self.error
        if self.opengl_missing is not None:
            return f"{NO_OPENGL_ADVICE}. Blender said: {self.opengl_missing}"
        last = " | ".join(self.tail[-3:])
        if returncode is not None and returncode < 0:
            return f"the render process was ended by signal {_signal_name(-returncode)}" + (f": {last}" if last else "")
        return last or f"exit status {returncode}"

    def _grow(self, percent: float, message: str) -> Update | None:
        if percent <= self.percent:
            return None
        self.percent = percent
        return Update(round(percent, 1), message)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)
