"""Runs jobs on the main thread and queues their replies (contract 9.9, 9.10).

Scripts are compiled as f"<job_{job_id}>" and run with fresh globals (bpy, bmesh, mathutils,
executor, job_id, report_progress, __name__); commands go through executor.execute_command, with the
job's report_progress installed in job_context (execute_code hands it to its code). stdout is
captured in both cases (stderr is not). A `running` update is queued when a job starts, then
exactly one terminal update. Replies go through `send(tool, arguments)`, which only enqueues.

A command may return images.WithImages: its pictures go out in the terminal update's `images`
argument (docs/images.md) when they are within the bound, else the job fails with a sentence that
says so. A command that raises job_context.JobCancelled (it saw its job cancelled while running,
through `cancel_running`) ends the job `cancelled`.

`running` updates (the start notice and report_progress updates) are sent only for jobs of dispatch
tools (from `server-dispatch:<user>`), where the server turns them into MCP progress and no bus
client sees them. A bus originator (a Style B client) gets exactly one job_update, the terminal
one: the user guide's JobWaiter resolves on the first job_update it receives, so a `running`
update there would end its wait early; it gets `kind: "progress"` messages instead.
"""
from __future__ import annotations

import collections
import contextlib
import io
import json
import threading
import time
import traceback
from typing import Any, Callable

from . import console_log, images, job_context, latency
from .job_history import JobHistory
from .records import Job

RESULT_CAP = 1_000_000
TRUNCATED = "\n[truncated]"
PROGRESS_INTERVAL = 0.5
EARLY_CANCELS = 100

Send = Callable[[str, dict], None]


def cap(text: str) -> str:
    if len(text) <= RESULT_CAP:
        return text
    return text[: RESULT_CAP - len(TRUNCATED)] + TRUNCATED


def job_update(job_id: str, status: str, result: str = "", error: str = "", **extra: Any) -> dict:
    return {"job_id": job_id, "status": status, "result": cap(result), "error": cap(error), **extra}


def blender_modules() -> dict[str, Any]:
    """bpy, bmesh and mathutils (each one that imports; outside Blender there are none)."""
    found: dict[str, Any] = {}
    for name in ("bpy", "bmesh", "mathutils"):
        try:
            found[name] = __import__(name)
        except ImportError:
            pass
    return found


DISPATCH_ORIGIN = "server-dispatch:"


def announces_running(job: Job) -> bool:
    return bool(job.from_uuid) and job.from_uuid.startswith(DISPATCH_ORIGIN)


class _ProgressReporter:
    """report_progress(percent, message="", frame=None) for one job; never blocks (it enqueues)."""

    def __init__(self, job: Job, send: Send, my_uuid: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._job, self._send, self._my_uuid, self._clock = job, send, my_uuid, clock
        self._last: float | None = None

    def __call__(self, percent: float, message: str = "", frame: int | None = None) -> None:
        percent = float(percent)
        now = self._clock()
        if percent < 100 and self._last is not None and now - self._last < PROGRESS_INTERVAL:
            return
        self._last = now
        if announces_running(self._job):
            fraction = min(1.0, max(0.0, percent / 100.0))
            self._send("blender_job_update", job_update(self._job.job_id, "running", progress=fraction,
                                                        progress_message=str(message)[:500]))
        origin = self._job.from_uuid
        if origin and not origin.startswith("server"):
            # From our uuid (contract 9.9). The server keeps the job's pending entry: a send from one
            # of the job's own targets does not take the job over, so the terminal update still
            # reaches the caller.
            self._send("blender_send_message", {
                "target_uuid": origin, "from_uuid": self._my_uuid, "priority": "notice",
                "payload": {"kind": "progress", "job_id": self._job.job_id, "percent": percent,
                            "message": str(message), "frame": frame}})


class JobRunner:
    def __init__(self, executor: Any, send: Send, my_uuid: str,
                 modules: Callable[[], dict[str, Any]] = blender_modules) -> None:
        self.executor = executor
        self._send = send
        self._my_uuid = my_uuid
        self._modules = modules
        self.jobs_run = 0
        self.history = JobHistory()  # the last jobs ended, for the panel
        self._running_lock = threading.Lock()
        self._running: tuple[str, threading.Event] | None = None
        # Cancels that found no running job: one may have arrived after its job left the queue
        # and before it started here, so a job starting under such an id starts cancelled.
        self._early_cancels: collections.deque[str] = collections.deque(maxlen=EARLY_CANCELS)

    def run(self, job: Job) -> dict:
        """Runs one script or command job; returns the terminal job_update arguments it queued."""
        latency.record(time.perf_counter() - job.arrived_at)
        if announces_running(job):
            self._send("blender_job_update", job_update(job.job_id, "running"))
        self.jobs_run += 1
        started = time.monotonic()
        cancel = threading.Event()
        with self._running_lock:
            self._running = (job.job_id, cancel)
            if job.job_id in self._early_cancels:
                cancel.set()
        try:
            if job.kind == "script":
                reply = self._run_script(job, cancel)
            elif job.kind == "command":
                reply = self._run_command(job, cancel)
            else:
                raise ValueError(f"not a runnable job kind: {job.kind}")
        finally:
            with self._running_lock:
                self._running = None
        self.history.add(job, reply["status"], time.monotonic() - started)
        self._send("blender_job_update", reply)
        return reply

    def cancel_running(self, job_id: str) -> bool:
        """Asks the running job to stop if it is `job_id` (any thread); True when it is. Commands that
        can stop early (render) notice it through job_context; others run to their end."""
        with self._running_lock:
            if self._running is None or self._running[0] != job_id:
                self._early_cancels.append(job_id)
                return False
            self._running[1].set()
            return True

    def cancelled(self, job: Job) -> None:
        """Reply for a job removed from the queue before it started."""
        self.history.add(job, "cancelled", 0.0, ran=False)
        self._send("blender_job_update", job_update(job.job_id, "cancelled", error="cancelled before it started"))

    def _run_script(self, job: Job, cancel: threading.Event) -> dict:
        reporter = _ProgressReporter(job, self._send, self._my_uuid)
        script_globals = {**self._modules(), "executor": self.executor, "job_id": job.job_id,
                          "report_progress": reporter,
                          "__name__": "__blender_mcp_job__", "__builtins__": __builtins__}
        output = io.StringIO()
        try:
            with contextlib.redirect_stdout(output), job_context.reporting(reporter, cancel):
                exec(compile(job.script, f"<job_{job.job_id}>", "exec"), script_globals)
        except BaseException as error:  # SystemExit and KeyboardInterrupt must not end Blender
            console_log.add_output(output.getvalue())
            return job_update(job.job_id, "failed", output.getvalue(), f"{error}\n{traceback.format_exc()}")
        console_log.add_output(output.getvalue())
        return job_update(job.job_id, "completed", output.getvalue())

    def _run_command(self, job: Job, cancel: threading.Event) -> dict:
        output = io.StringIO()
        try:
            with contextlib.redirect_stdout(output), \
                    job_context.reporting(_ProgressReporter(job, self._send, self._my_uuid), cancel):
                outcome = self.executor.execute_command({"type": job.command, "params": job.params or {}})
        except job_context.JobCancelled as stopped:
            console_log.add_output(output.getvalue())
            return job_update(job.job_id, "cancelled", output.getvalue(), str(stopped) or "cancelled while running")
        except BaseException as error:
            console_log.add_output(output.getvalue())
            return job_update(job.job_id, "failed", output.getvalue(), f"{error}\n{traceback.format_exc()}")
        console_log.add_output(output.getvalue())
        if outcome.get("status") != "success":
            return job_update(job.job_id, "failed", output.getvalue(), str(outcome.get("message", "")))
        value = outcome.get("result")
        if isinstance(value, images.WithImages):
            return _with_pictures(job.job_id, value)
        if job.command == "execute_code" and isinstance(value, dict) and isinstance(value.get("result"), str):
            return job_update(job.job_id, "completed", value["result"])
        return job_update(job.job_id, "completed", _json_text(value))


def _with_pictures(job_id: str, value: images.WithImages) -> dict:
    """The terminal update of a command that returned pictures: completed with them in `images`,
    or failed, naming the bound, when they are larger than it (never cut)."""
    try:
        images.check_size(value.pictures, images.max_image_bytes())
    except (images.ImagesTooLarge, ValueError) as error:
        return job_update(job_id, "failed", "", str(error))
    reply = job_update(job_id, "completed", _json_text(value.result))
    if value.pictures:
        reply["images"] = images.wire(value.pictures)
    return reply


def _json_text(value: Any) -> str:
    try:
        return json.dumps(value, default=str)
    except (TypeError, ValueError):
        return repr(value)
